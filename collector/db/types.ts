import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
/** A timestamp with a database default that an insert may still set (Generated<Timestamp> cannot). */
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface ServiceTable {
  id: Generated<number>
  service_name: string
  created_at: DefaultedTimestamp
  allowed_origins: Generated<string[]>
}

export interface UserSessionTable {
  session_id: string
  service_id: number
  email: string
  user_agent: string | null
  ip_address: string | null
  browser: string | null
  browser_version: string | null
  os: string | null
  os_version: string | null
  device_type: string
  device_vendor: string | null
  device_model: string | null
  login_time: DefaultedTimestamp
  logout_time: Timestamp | null
  is_click_platform: Generated<boolean>
  is_click_personal_account: Generated<boolean>
  is_write_to_support: Generated<boolean>
  is_click_deposit_button: Generated<boolean>
  is_click_contacts: Generated<boolean>
  is_change_password: Generated<boolean>
  password_changed_at: Timestamp | null
  active_seconds: Generated<number>
  /** When the flag first became true in this visit; set by a database trigger. */
  is_click_platform_at: Timestamp | null
  is_click_personal_account_at: Timestamp | null
  is_write_to_support_at: Timestamp | null
  is_click_deposit_button_at: Timestamp | null
  is_click_contacts_at: Timestamp | null
}

export interface UrlLogTable {
  id: Generated<number>
  session_id: string
  url: string
  is_external_resource: boolean
  date: DefaultedTimestamp
  event_id: string | null
}

export interface ButtonLogTable {
  id: Generated<number>
  session_id: string
  button_text: string
  url: string | null
  date: DefaultedTimestamp
  event_id: string | null
}

/** The view `visit_report`: one row per visit (migration 20261204T1610). */
export interface VisitReportView {
  session_id: string
  service_id: number
  service_name: string
  email: string
  login_time: Date
  logout_time: Date | null
  end_time: Date
  ended_by: 'logout' | 'last_action' | 'none'
  time_spent_seconds: number
  active_seconds: number
  pages_visited: number
  links_clicked: number
  buttons_clicked: number
  is_click_platform: boolean
  is_click_platform_at: Date | null
  is_click_personal_account: boolean
  is_click_personal_account_at: Date | null
  is_write_to_support: boolean
  is_write_to_support_at: Date | null
  is_click_deposit_button: boolean
  is_click_deposit_button_at: Date | null
  is_click_contacts: boolean
  is_click_contacts_at: Date | null
  is_change_password: boolean
  is_change_password_at: Date | null
  browser: string | null
  browser_version: string | null
  os: string | null
  os_version: string | null
  device_type: string
  device_vendor: string | null
  device_model: string | null
  ip_address: string | null
}

/** The view `client_report`: one row per service and email. */
export interface ClientReportView {
  service_id: number
  service_name: string
  email: string
  visits: number
  first_visit: Date
  last_visit: Date
  total_time_seconds: number
  median_time_seconds: number
  total_active_seconds: number
  visits_without_logout: number
  pages_visited: number
  links_clicked: number
  buttons_clicked: number
  is_click_platform: boolean
  is_click_platform_first_at: Date | null
  is_click_personal_account: boolean
  is_click_personal_account_first_at: Date | null
  is_write_to_support: boolean
  is_write_to_support_first_at: Date | null
  is_click_deposit_button: boolean
  is_click_deposit_button_first_at: Date | null
  is_click_contacts: boolean
  is_click_contacts_first_at: Date | null
  is_change_password: boolean
  is_change_password_first_at: Date | null
  last_password_change_at: Date | null
}

export interface Database {
  service: ServiceTable
  user_session: UserSessionTable
  url_log: UrlLogTable
  button_log: ButtonLogTable
  visit_report: VisitReportView
  client_report: ClientReportView
}

export type UserSessionRow = Selectable<UserSessionTable>
export type NewUserSession = Insertable<UserSessionTable>
