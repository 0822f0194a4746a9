import { Type, type Static } from 'typebox'
import { FlagName, PATH_PARAMETER_MAX, ServiceId } from './common.js'
import { CursorParameter, LimitParameter, ServiceParameter, Since, VisitReport } from './visit-report.js'

const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Time, Type.Null()])
const Count = Type.Integer({ minimum: 0 })

/** One row of the view `client_report`: a client is a service and an email. */
export const ClientReport = Type.Object({
  service_id: ServiceId,
  service_name: Type.String(),
  email: Type.String(),
  visits: Count,
  first_visit: Time,
  last_visit: Time,
  total_time_seconds: Count,
  median_time_seconds: Type.Number({ minimum: 0 }),
  total_active_seconds: Count,
  visits_without_logout: Count,
  pages_visited: Count,
  links_clicked: Count,
  buttons_clicked: Count,
  is_click_platform: Type.Boolean(),
  is_click_platform_first_at: NullableTime,
  is_click_personal_account: Type.Boolean(),
  is_click_personal_account_first_at: NullableTime,
  is_write_to_support: Type.Boolean(),
  is_write_to_support_first_at: NullableTime,
  is_click_deposit_button: Type.Boolean(),
  is_click_deposit_button_first_at: NullableTime,
  is_click_contacts: Type.Boolean(),
  is_click_contacts_first_at: NullableTime,
  is_change_password: Type.Boolean(),
  is_change_password_first_at: NullableTime,
  last_password_change_at: NullableTime
}, { additionalProperties: false })
export type ClientReport = Static<typeof ClientReport>

/** The email as it appears in the path, URL-encoded; it is trimmed, lower-cased and checked. */
export const ClientParams = Type.Object(
  { email: Type.String({ maxLength: PATH_PARAMETER_MAX }) },
  { additionalProperties: false }
)
export type ClientParams = Static<typeof ClientParams>

export const ClientQuery = Type.Object({
  service: Type.Optional(ServiceParameter),
  since: Type.Optional(Since),
  limit: Type.Optional(LimitParameter)
}, { additionalProperties: false })
export type ClientQuery = Static<typeof ClientQuery>

/** The client's row and its most recent visits (newest first). */
export const ClientDetail = Type.Object({
  client: ClientReport,
  visits: Type.Array(VisitReport)
}, { additionalProperties: false })
export type ClientDetail = Static<typeof ClientDetail>

export const ClientListQuery = Type.Object({
  service: Type.Optional(ServiceParameter),
  flag: Type.Optional(FlagName),
  since: Type.Optional(Since),
  limit: Type.Optional(LimitParameter),
  cursor: Type.Optional(CursorParameter)
}, { additionalProperties: false })
export type ClientListQuery = Static<typeof ClientListQuery>

/** Ordered by service and email; pass next_cursor back as cursor (null on the last page). */
export const ClientList = Type.Object({
  clients: Type.Array(ClientReport),
  next_cursor: Type.Union([Type.String(), Type.Null()])
}, { additionalProperties: false })
export type ClientList = Static<typeof ClientList>
