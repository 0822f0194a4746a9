import type { Kysely } from 'kysely'
import { ensureService } from '../db/service-queries.js'
import type { Database } from '../db/types.js'
import { parseUserAgent } from '../user-agent.js'

/**
 * A small world with answers worked out by hand, for every reporting test (issue 5).
 *
 * Company1
 *   ann  A1 2026-10-05 09:00-09:30 logout (1800 s): account 09:02, deposit 09:20, platform 09:25
 *        A2 2026-10-07 14:00-14:10 logout (600 s): contacts 14:00:10, account 14:03, password 14:05
 *        A3 2026-10-12 08:00, no logout, last action 08:07:30 (450 s): password 08:06, support 08:07:30
 *   bob  B1 2026-10-06 10:00-10:20 logout (1200 s): account 10:05
 *        B2 2026-10-07 18:00, no logout, nothing logged (0 s)
 *   cy   C1 2026-10-09 11:00-11:15 logout (900 s): account 11:05, deposit 11:10
 * Company2
 *   ann  D1 2026-10-10 12:00-12:01:40 logout (100 s), no flags
 * nobody@example.com has no visit anywhere.
 */
export const SEED = {
  A1: 'a1000000-0000-4000-8000-000000000001',
  A2: 'a2000000-0000-4000-8000-000000000002',
  A3: 'a3000000-0000-4000-8000-000000000003',
  B1: 'b1000000-0000-4000-8000-000000000001',
  B2: 'b2000000-0000-4000-8000-000000000002',
  C1: 'c1000000-0000-4000-8000-000000000001',
  D1: 'd1000000-0000-4000-8000-000000000001'
} as const

const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/120.0.0.0 Safari/537.36'
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Version/17.0 Mobile/15E148 Safari/604.1'

const SITE = 'https://shop.example'
const day = (date: string) => (time: string) => new Date(`2026-10-${date}T${time}Z`)

interface SeedVisit {
  session_id: string
  email: string
  company: 1 | 2
  userAgent: string
  ip: string
  at: (time: string) => Date
  login: string
  logout?: string
  active: number
  flags?: Partial<Record<string, string>>
  urls?: Array<[string, string, boolean?]>
  buttons?: Array<[string, string, string?]>
}

const VISITS: SeedVisit[] = [
  {
    session_id: SEED.A1, email: 'ann@example.com', company: 1, userAgent: CHROME_WINDOWS, ip: '203.0.113.5',
    at: day('05'), login: '09:00:00', logout: '09:30:00', active: 1200,
    flags: {
      is_click_personal_account: '09:02:00',
      is_click_deposit_button: '09:20:00',
      is_click_platform: '09:25:00'
    },
    urls: [['09:00:05', '/'], ['09:02:00', '/cabinet'], ['09:25:00', 'https://platform.example/', true]],
    buttons: [['09:20:00', 'Deposit', '/cabinet']]
  },
  {
    session_id: SEED.A2, email: 'ann@example.com', company: 1, userAgent: CHROME_WINDOWS, ip: '203.0.113.5',
    at: day('07'), login: '14:00:00', logout: '14:10:00', active: 500,
    flags: {
      is_click_contacts: '14:00:10', is_click_personal_account: '14:03:00', is_change_password: '14:05:00'
    },
    urls: [['14:00:10', '/contacts'], ['14:03:00', '/cabinet/password']],
    buttons: [['14:05:00', 'Change password', '/cabinet/password']]
  },
  {
    session_id: SEED.A3, email: 'ann@example.com', company: 1, userAgent: SAFARI_IPHONE, ip: '2001:db8::7',
    at: day('12'), login: '08:00:00', active: 300,
    flags: { is_change_password: '08:06:00', is_write_to_support: '08:07:30' },
    urls: [['08:00:00', '/'], ['08:04:00', '/support']],
    buttons: [['08:07:30', 'Send', '/support']]
  },
  {
    session_id: SEED.B1, email: 'bob@example.com', company: 1, userAgent: CHROME_WINDOWS, ip: '198.51.100.20',
    at: day('06'), login: '10:00:00', logout: '10:20:00', active: 900,
    flags: { is_click_personal_account: '10:05:00' },
    urls: [['10:00:00', '/'], ['10:05:00', '/cabinet']]
  },
  {
    session_id: SEED.B2, email: 'bob@example.com', company: 1, userAgent: CHROME_WINDOWS, ip: '198.51.100.20',
    at: day('07'), login: '18:00:00', active: 0
  },
  {
    session_id: SEED.C1, email: 'cy@example.com', company: 1, userAgent: SAFARI_IPHONE, ip: '192.0.2.33',
    at: day('09'), login: '11:00:00', logout: '11:15:00', active: 800,
    flags: { is_click_personal_account: '11:05:00', is_click_deposit_button: '11:10:00' },
    urls: [['11:00:00', '/'], ['11:01:00', '/bonus'], ['11:05:00', '/cabinet'], ['11:12:00', '/after']],
    buttons: [['11:10:00', 'Deposit', '/cabinet']]
  },
  {
    session_id: SEED.D1, email: 'ann@example.com', company: 2, userAgent: CHROME_WINDOWS, ip: '203.0.113.5',
    at: day('10'), login: '12:00:00', logout: '12:01:40', active: 90,
    urls: [['12:00:00', '/']]
  }
]

/** Inserts the world above; answers the two services. */
export async function seedReport(db: Kysely<Database>) {
  const company1 = await ensureService(db, 'Company1')
  const company2 = await ensureService(db, 'Company2')
  for (const visit of VISITS) await insertVisit(db, visit, visit.company === 1 ? company1.id : company2.id)
  return { company1, company2 }
}

async function insertVisit(db: Kysely<Database>, visit: SeedVisit, serviceId: number) {
  const flags: Record<string, unknown> = {}
  for (const [flag, time] of Object.entries(visit.flags ?? {})) {
    flags[flag] = true
    flags[flag === 'is_change_password' ? 'password_changed_at' : `${flag}_at`] = visit.at(time!)
  }
  await db.insertInto('user_session').values({
    session_id: visit.session_id,
    service_id: serviceId,
    email: visit.email,
    user_agent: visit.userAgent,
    ip_address: visit.ip,
    ...parseUserAgent(visit.userAgent),
    login_time: visit.at(visit.login),
    logout_time: visit.logout ? visit.at(visit.logout) : null,
    active_seconds: visit.active,
    ...flags
  }).execute()

  for (const [time, path, external] of visit.urls ?? []) {
    const url = path.startsWith('http') ? path : `${SITE}${path}`
    await db.insertInto('url_log')
      .values({
        session_id: visit.session_id, url, is_external_resource: external ?? false, date: visit.at(time)
      })
      .execute()
  }
  for (const [time, text, path] of visit.buttons ?? []) {
    await db.insertInto('button_log')
      .values({
        session_id: visit.session_id, button_text: text, url: `${SITE}${path}`, date: visit.at(time)
      })
      .execute()
  }
}
