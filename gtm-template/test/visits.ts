// Reads what the collector stored, straight from the database, for exact assertions.
import type { DatabaseHandle } from '../../collector/db/database.js'

export interface StoredVisit {
  session_id: string
  email: string
  login_time: Date
  logout_time: Date | null
  active_seconds: number
  password_changed_at: Date | null
  flags: Record<string, boolean>
  urls: { url: string, is_external_resource: boolean, date: Date, event_id: string | null }[]
  buttons: { button_text: string, url: string | null, date: Date, event_id: string | null }[]
}

const FLAGS = [
  'is_click_platform',
  'is_click_personal_account',
  'is_write_to_support',
  'is_click_deposit_button',
  'is_click_contacts',
  'is_change_password'
] as const

/** The visits (of one email, or all) with their logs: visits by start, logs by time. */
export async function storedVisits(database: DatabaseHandle, email?: string): Promise<StoredVisit[]> {
  const { db } = database
  let query = db.selectFrom('user_session').selectAll().orderBy('login_time')
  if (email) query = query.where('email', '=', email)
  const visits = await query.execute()
  return Promise.all(visits.map(async (visit) => ({
    session_id: visit.session_id,
    email: visit.email,
    login_time: new Date(visit.login_time),
    logout_time: visit.logout_time && new Date(visit.logout_time),
    active_seconds: visit.active_seconds,
    password_changed_at: visit.password_changed_at && new Date(visit.password_changed_at),
    flags: Object.fromEntries(FLAGS.map((flag) => [flag, visit[flag]])),
    urls: (await db.selectFrom('url_log')
      .select(['url', 'is_external_resource', 'date', 'event_id'])
      .where('session_id', '=', visit.session_id)
      .orderBy('date').orderBy('id')
      .execute()).map((row) => ({ ...row, date: new Date(row.date) })),
    buttons: (await db.selectFrom('button_log')
      .select(['button_text', 'url', 'date', 'event_id'])
      .where('session_id', '=', visit.session_id)
      .orderBy('date').orderBy('id')
      .execute()).map((row) => ({ ...row, date: new Date(row.date) }))
  })))
}

/** The flags that are true, by name. */
export const flagsSet = (visit: StoredVisit) => FLAGS.filter((flag) => visit.flags[flag])
