import { Type, type Static } from 'typebox'

/** `?service=ID` of the erasure request; digits only, as query strings are not coerced. */
export const ClientErasureQuery = Type.Object(
  { service: Type.String({ pattern: '^[0-9]{1,10}$' }) },
  { additionalProperties: false }
)
export type ClientErasureQuery = Static<typeof ClientErasureQuery>

/** What an erasure deleted: visits, and the url and button log rows of those visits. */
export const ClientErased = Type.Object(
  {
    success: Type.Literal(true),
    visits: Type.Integer({ minimum: 0 }),
    url_logs: Type.Integer({ minimum: 0 }),
    button_logs: Type.Integer({ minimum: 0 })
  },
  { additionalProperties: false }
)
export type ClientErased = Static<typeof ClientErased>
