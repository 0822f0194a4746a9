import { Type, type Static } from 'typebox'
import { ServiceId } from './common.js'

export const ServiceCreate = Type.Object(
  { service_name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false }
)
export type ServiceCreate = Static<typeof ServiceCreate>

export const Service = Type.Object({ id: ServiceId, service_name: Type.String() })
export type Service = Static<typeof Service>

export const ServiceList = Type.Array(Service)
export type ServiceList = Static<typeof ServiceList>
