import { sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import t, { type Test } from 'tap'
import type { DatabaseHandle } from '../db/database.js'
import { migrations } from '../db/migrations/index.js'
import { ADMIN, testApp } from './app.js'
import { eachDatabase } from './databases.js'
import { SEED, seedReport } from './report-seed.js'

const at = (time: string) => new Date(time)

interface World {
  database: DatabaseHandle
  company1: { id: number }
}
const TESTS: Array<[string, (t: Test, world: World) => Promise<void>]> = []
const test = (name: string, body: (t: Test, world: World) => Promise<void>) => TESTS.push([name, body])

test('visit_report gives each visit its time spent, counts and device', async (t, { database }) => {
  const rows = await database.db.selectFrom('visit_report')
    .select(['session_id', 'service_name', 'email', 'ended_by', 'end_time', 'time_spent_seconds',
      'active_seconds', 'pages_visited', 'links_clicked', 'buttons_clicked', 'browser', 'os', 'device_type',
      'ip_address'])
    .orderBy('login_time')
    .execute()
  const chrome = { browser: 'Chrome', os: 'Windows', device_type: 'desktop' }
  const iphone = { browser: 'Mobile Safari', os: 'iOS', device_type: 'mobile' }
  const ann = { service_name: 'Company1', email: 'ann@example.com' }
  const bob = { service_name: 'Company1', email: 'bob@example.com', ip_address: '198.51.100.20', ...chrome }
  t.same(rows, [
    { session_id: SEED.A1, ...ann, ended_by: 'logout', end_time: at('2026-10-05T09:30:00Z'),
      time_spent_seconds: 1800, active_seconds: 1200, pages_visited: 2, links_clicked: 1, buttons_clicked: 1,
      ...chrome, ip_address: '203.0.113.5' },
    { session_id: SEED.B1, ...bob, ended_by: 'logout', end_time: at('2026-10-06T10:20:00Z'),
      time_spent_seconds: 1200, active_seconds: 900, pages_visited: 2, links_clicked: 0, buttons_clicked: 0 },
    { session_id: SEED.A2, ...ann, ended_by: 'logout', end_time: at('2026-10-07T14:10:00Z'),
      time_spent_seconds: 600, active_seconds: 500, pages_visited: 2, links_clicked: 0, buttons_clicked: 1,
      ...chrome, ip_address: '203.0.113.5' },
    { session_id: SEED.B2, ...bob, ended_by: 'none', end_time: at('2026-10-07T18:00:00Z'),
      time_spent_seconds: 0, active_seconds: 0, pages_visited: 0, links_clicked: 0, buttons_clicked: 0 },
    { session_id: SEED.C1, service_name: 'Company1', email: 'cy@example.com', ended_by: 'logout',
      end_time: at('2026-10-09T11:15:00Z'), time_spent_seconds: 900, active_seconds: 800, pages_visited: 4,
      links_clicked: 0, buttons_clicked: 1, ...iphone, ip_address: '192.0.2.33' },
    { session_id: SEED.D1, service_name: 'Company2', email: 'ann@example.com', ended_by: 'logout',
      end_time: at('2026-10-10T12:01:40Z'), time_spent_seconds: 100, active_seconds: 90, pages_visited: 1,
      links_clicked: 0, buttons_clicked: 0, ...chrome, ip_address: '203.0.113.5' },
    { session_id: SEED.A3, ...ann, ended_by: 'last_action', end_time: at('2026-10-12T08:07:30Z'),
      time_spent_seconds: 450, active_seconds: 300, pages_visited: 2, links_clicked: 0, buttons_clicked: 1,
      ...iphone, ip_address: '2001:db8::7' }
  ])
})

test('visit_report carries each flag with the time it became true', async (t, { database }) => {
  const visit = await database.db.selectFrom('visit_report').selectAll()
    .where('session_id', '=', SEED.A2).executeTakeFirstOrThrow()
  t.match(visit, {
    is_click_platform: false, is_click_platform_at: null,
    is_click_personal_account: true, is_click_personal_account_at: at('2026-10-07T14:03:00Z'),
    is_write_to_support: false, is_write_to_support_at: null,
    is_click_deposit_button: false, is_click_deposit_button_at: null,
    is_click_contacts: true, is_click_contacts_at: at('2026-10-07T14:00:10Z'),
    is_change_password: true, is_change_password_at: at('2026-10-07T14:05:00Z'),
    logout_time: at('2026-10-07T14:10:00Z'), login_time: at('2026-10-07T14:00:00Z')
  })
})

test('client_report sums visits and keeps each flag with its first time',
  async (t, { database, company1 }) => {
  const rows = await database.db.selectFrom('client_report').selectAll()
    .where('service_id', '=', company1.id).orderBy('email').execute()
  const never = (flag: string) => ({ [flag]: false, [`${flag}_first_at`]: null })
  t.same(rows.map((row) => row.email), ['ann@example.com', 'bob@example.com', 'cy@example.com'])
  t.same(rows[0], {
    service_id: company1.id, service_name: 'Company1', email: 'ann@example.com',
    visits: 3, first_visit: at('2026-10-05T09:00:00Z'), last_visit: at('2026-10-12T08:00:00Z'),
    total_time_seconds: 2850, median_time_seconds: 600, total_active_seconds: 2000, visits_without_logout: 1,
    pages_visited: 6, links_clicked: 1, buttons_clicked: 3,
    is_click_platform: true, is_click_platform_first_at: at('2026-10-05T09:25:00Z'),
    is_click_personal_account: true, is_click_personal_account_first_at: at('2026-10-05T09:02:00Z'),
    is_write_to_support: true, is_write_to_support_first_at: at('2026-10-12T08:07:30Z'),
    is_click_deposit_button: true, is_click_deposit_button_first_at: at('2026-10-05T09:20:00Z'),
    is_click_contacts: true, is_click_contacts_first_at: at('2026-10-07T14:00:10Z'),
    is_change_password: true, is_change_password_first_at: at('2026-10-07T14:05:00Z'),
    last_password_change_at: at('2026-10-12T08:06:00Z')
  })
  t.same(rows[1], {
    service_id: company1.id, service_name: 'Company1', email: 'bob@example.com',
    visits: 2, first_visit: at('2026-10-06T10:00:00Z'), last_visit: at('2026-10-07T18:00:00Z'),
    total_time_seconds: 1200, median_time_seconds: 600, total_active_seconds: 900, visits_without_logout: 1,
    pages_visited: 2, links_clicked: 0, buttons_clicked: 0,
    ...never('is_click_platform'),
    is_click_personal_account: true, is_click_personal_account_first_at: at('2026-10-06T10:05:00Z'),
    ...never('is_write_to_support'), ...never('is_click_deposit_button'), ...never('is_click_contacts'),
    ...never('is_change_password'), last_password_change_at: null
  })
})

test('a client with no visits has no client_report row', async (t, { database }) => {
  const rows = await database.db.selectFrom('client_report').select('email')
    .where('email', '=', 'nobody@example.com').execute()
  t.same(rows, [])
})

test('a flag time is stamped once, when the flag first becomes true', async (t, { database }) => {
  const { app, service } = await testApp(t, database)
  const session = 'e1000000-0000-4000-8000-00000000000e'
  const before = await databaseNow(database.db)

  await app.inject({
    method: 'POST', url: '/api/session/',
    payload: { email: 'eve@example.com', service: service.id, session_id: session, is_click_contacts: true }
  })
  const first = await flagTimes(database.db, session)
  t.ok(first.is_click_contacts_at && first.is_click_contacts_at >= before, 'contacts stamped at creation')
  t.equal(first.is_write_to_support_at, null)

  const update = await app.inject({
    method: 'PUT', url: `/api/session/${session}/`,
    payload: { is_write_to_support: true, is_click_contacts: true }
  })
  t.equal(update.statusCode, 200)
  const second = await flagTimes(database.db, session)
  t.same(second.is_click_contacts_at, first.is_click_contacts_at, 'a repeated flag keeps its first time')
  t.ok(second.is_write_to_support_at && second.is_write_to_support_at >= first.is_click_contacts_at!)

  const read = await app.inject({ method: 'GET', url: `/api/session/${session}/`, headers: ADMIN })
  t.equal(read.json().is_write_to_support, true)
})

test('the report migration goes down and up again', async (t, { database }) => {
  const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations } })

  // Down to the migration before it: later migrations go down first, then this one.
  const down = await migrator.migrateTo('20261204T1540-active-time')
  t.equal(down.error, undefined)
  const undone = down.results?.map((result) => result.migrationName) ?? []
  t.equal(undone.at(-1), '20261204T1610-issue5-report-views')
  const views = await sql<{ n: number }>`
    select count(*)::integer as n from pg_views where viewname in ('visit_report', 'client_report')`
    .execute(database.db)
  t.equal(views.rows[0].n, 0)

  const up = await migrator.migrateToLatest()
  t.equal(up.error, undefined)
  t.same(up.results?.map((result) => result.migrationName), [...undone].reverse())
})

async function databaseNow(db: Parameters<typeof seedReport>[0]) {
  const result = await sql<{ now: Date }>`select now() as now`.execute(db)
  return result.rows[0].now
}

function flagTimes(db: Parameters<typeof seedReport>[0], session: string) {
  return db.selectFrom('user_session')
    .select(['is_click_contacts_at', 'is_write_to_support_at'])
    .where('session_id', '=', session)
    .executeTakeFirstOrThrow()
}

// One seeded database per kind for the whole file (PGlite starts slowly); the tests that write
// come last and leave the seeded answers of the earlier ones alone.
eachDatabase(t, 'report views on seeded data', async (t, database) => {
  const { company1 } = await seedReport(database.db)
  for (const [name, body] of TESTS) await t.test(name, (t) => body(t, { database, company1 }))
})
