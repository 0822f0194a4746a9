import { Type, type Static } from 'typebox'
import { Email, ServiceId, Uuid } from './common.js'

const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Time, Type.Null()])
const NullableText = Type.Union([Type.String(), Type.Null()])
const Count = Type.Integer({ minimum: 0 })

/** A day (midnight UTC) or a date and time with an offset, as the report filters take it. */
export const SINCE_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|z|[+-]\\d{2}:\\d{2}))?$'
export const Since = Type.String({ pattern: SINCE_PATTERN, maxLength: 40, description: 'e.g. 2026-12-01' })

/** Query strings stay strings (coercion is off); these patterns admit only digits. */
export const ServiceParameter = Type.String({ pattern: '^[1-9]\\d{0,9}$', description: 'service id' })
export const LimitParameter = Type.String({ pattern: '^[1-9]\\d{0,2}$', description: '1 to 500' })
export const CursorParameter = Type.String({
  pattern: '^[A-Za-z0-9_-]+$', maxLength: 1400, description: 'next_cursor of the previous page'
})

/** How a visit's end is known: its logout, its last logged action, or nothing after its start. */
export const EndedBy = Type.Union([Type.Literal('logout'), Type.Literal('last_action'), Type.Literal('none')])

/** One row of the view `visit_report`. */
export const VisitReport = Type.Object({
  session_id: Uuid,
  service_id: ServiceId,
  service_name: Type.String(),
  email: Type.String(),
  login_time: Time,
  logout_time: NullableTime,
  end_time: Time,
  ended_by: EndedBy,
  time_spent_seconds: Count,
  active_seconds: Count,
  pages_visited: Count,
  links_clicked: Count,
  buttons_clicked: Count,
  is_click_platform: Type.Boolean(),
  is_click_platform_at: NullableTime,
  is_click_personal_account: Type.Boolean(),
  is_click_personal_account_at: NullableTime,
  is_write_to_support: Type.Boolean(),
  is_write_to_support_at: NullableTime,
  is_click_deposit_button: Type.Boolean(),
  is_click_deposit_button_at: NullableTime,
  is_click_contacts: Type.Boolean(),
  is_click_contacts_at: NullableTime,
  is_change_password: Type.Boolean(),
  is_change_password_at: NullableTime,
  browser: NullableText,
  browser_version: NullableText,
  os: NullableText,
  os_version: NullableText,
  device_type: Type.String(),
  device_vendor: NullableText,
  device_model: NullableText,
  ip_address: NullableText
}, { additionalProperties: false })
export type VisitReport = Static<typeof VisitReport>

export const VisitListQuery = Type.Object({
  service: Type.Optional(ServiceParameter),
  email: Type.Optional(Email),
  since: Type.Optional(Since),
  limit: Type.Optional(LimitParameter),
  cursor: Type.Optional(CursorParameter)
}, { additionalProperties: false })
export type VisitListQuery = Static<typeof VisitListQuery>

/** Newest first; pass next_cursor back as cursor for the next page (null on the last page). */
export const VisitList = Type.Object({
  visits: Type.Array(VisitReport),
  next_cursor: Type.Union([Type.String(), Type.Null()])
}, { additionalProperties: false })
export type VisitList = Static<typeof VisitList>
