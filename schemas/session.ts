import { Type, type Static } from 'typebox'
import { DateTime, Email, HttpUrl, ServiceId, Uuid } from './common.js'

/** The longest user agent stored; a longer `User-Agent` header is cut to this length. */
export const USER_AGENT_MAX = 1024

const UserAgent = Type.String({ maxLength: USER_AGENT_MAX })

/** Fields a visit can receive after it exists; flags only ever go from false to true. */
const updatableFields = {
  user_agent: Type.Optional(UserAgent),
  logout_time: Type.Optional(DateTime),
  /** Seconds the page was visible and focused during the visit; the stored value only grows. */
  active_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600 })),
  is_click_platform: Type.Optional(Type.Boolean()),
  is_click_personal_account: Type.Optional(Type.Boolean()),
  is_write_to_support: Type.Optional(Type.Boolean()),
  is_click_deposit_button: Type.Optional(Type.Boolean()),
  is_click_contacts: Type.Optional(Type.Boolean()),
  is_change_password: Type.Optional(Type.Boolean())
}

export const SessionCreate = Type.Object(
  {
    email: Email,
    service: ServiceId,
    session_id: Type.Optional(Uuid),
    /** Only with the admin token: the visitor's address when a server sends on its behalf. */
    ip_address: Type.Optional(Type.String({ minLength: 2, maxLength: 45 })),
    ...updatableFields
  },
  { additionalProperties: false }
)
export type SessionCreate = Static<typeof SessionCreate>

export const SessionCreated = Type.Object({ session_id: Uuid }, { additionalProperties: false })
export type SessionCreated = Static<typeof SessionCreated>

export const SessionUpdate = Type.Object(updatableFields, {
  additionalProperties: false,
  minProperties: 1
})
export type SessionUpdate = Static<typeof SessionUpdate>

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()])

const Timestamp = Type.String({ format: 'date-time' })

export const UrlLogRow = Type.Object({
  id: Type.Integer(),
  url: HttpUrl,
  is_external_resource: Type.Boolean(),
  date: Timestamp,
  event_id: Nullable(Uuid)
})
export type UrlLogRow = Static<typeof UrlLogRow>

export const ButtonLogRow = Type.Object({
  id: Type.Integer(),
  button_text: Type.String(),
  url: Nullable(Type.String()),
  date: Timestamp,
  event_id: Nullable(Uuid)
})
export type ButtonLogRow = Static<typeof ButtonLogRow>

/** The whole visit as the admin endpoint answers it. */
export const SessionDetail = Type.Object({
  session_id: Uuid,
  service_id: ServiceId,
  email: Type.String(),
  user_agent: Nullable(Type.String()),
  ip_address: Nullable(Type.String()),
  browser: Nullable(Type.String()),
  browser_version: Nullable(Type.String()),
  os: Nullable(Type.String()),
  os_version: Nullable(Type.String()),
  device_type: Type.String(),
  device_vendor: Nullable(Type.String()),
  device_model: Nullable(Type.String()),
  login_time: Timestamp,
  logout_time: Nullable(Timestamp),
  is_click_platform: Type.Boolean(),
  is_click_personal_account: Type.Boolean(),
  is_write_to_support: Type.Boolean(),
  is_click_deposit_button: Type.Boolean(),
  is_click_contacts: Type.Boolean(),
  is_change_password: Type.Boolean(),
  password_changed_at: Nullable(Timestamp),
  active_seconds: Type.Integer(),
  urls: Type.Array(UrlLogRow),
  buttons: Type.Array(ButtonLogRow)
})
export type SessionDetail = Static<typeof SessionDetail>
