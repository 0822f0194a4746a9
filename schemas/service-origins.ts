import { Type, type Static } from 'typebox'
import { ServiceId } from './common.js'

/** Path id of a service: digits only, checked against the id range after parsing. */
export const ServiceIdParams = Type.Object(
  { id: Type.String({ pattern: '^[0-9]{1,10}$' }) },
  { additionalProperties: false }
)
export type ServiceIdParams = Static<typeof ServiceIdParams>

export const ALLOWED_ORIGINS_MAX = 100

/** Browser origins allowed to write for a service; an empty list allows any origin. */
export const ServiceOriginsUpdate = Type.Object(
  {
    allowed_origins: Type.Array(Type.String({ minLength: 1, maxLength: 2048 }), { maxItems: ALLOWED_ORIGINS_MAX })
  },
  { additionalProperties: false }
)
export type ServiceOriginsUpdate = Static<typeof ServiceOriginsUpdate>

export const ServiceOrigins = Type.Object({
  id: ServiceId,
  service_name: Type.String(),
  allowed_origins: Type.Array(Type.String())
})
export type ServiceOrigins = Static<typeof ServiceOrigins>
