import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface ServiceTable {
  id: Generated<number>
  service_name: string
  created_at: Generated<Timestamp>
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
  login_time: Generated<Timestamp>
  logout_time: Timestamp | null
  is_click_platform: Generated<boolean>
  is_click_personal_account: Generated<boolean>
  is_write_to_support: Generated<boolean>
  is_click_deposit_button: Generated<boolean>
  is_click_contacts: Generated<boolean>
  is_change_password: Generated<boolean>
  password_changed_at: Timestamp | null
  active_seconds: Generated<number>
}

export interface UrlLogTable {
  id: Generated<number>
  session_id: string
  url: string
  is_external_resource: boolean
  date: Generated<Timestamp>
  event_id: string | null
}

export interface ButtonLogTable {
  id: Generated<number>
  session_id: string
  button_text: string
  url: string | null
  date: Generated<Timestamp>
  event_id: string | null
}

export interface Database {
  service: ServiceTable
  user_session: UserSessionTable
  url_log: UrlLogTable
  button_log: ButtonLogTable
}

export type UserSessionRow = Selectable<UserSessionTable>
export type NewUserSession = Insertable<UserSessionTable>
