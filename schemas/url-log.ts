import { Type, type Static } from 'typebox'
import { HttpUrl, Uuid } from './common.js'

export const UrlLogCreate = Type.Object(
  {
    url: HttpUrl,
    is_external_resource: Type.Boolean(),
    /** Chosen by the sender so that a retried log is stored once. */
    event_id: Type.Optional(Uuid)
  },
  { additionalProperties: false }
)
export type UrlLogCreate = Static<typeof UrlLogCreate>
