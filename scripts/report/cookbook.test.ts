import { CompiledQuery, sql } from 'kysely'
import t from 'tap'
import type { DatabaseHandle } from '../../collector/db/database.js'
import { eachDatabase } from '../../collector/test/databases.js'
import { seedReport } from '../../collector/test/report-seed.js'
import { bindVariables, readCookbook } from './cookbook.js'

const cookbook = readCookbook()

async function run(database: DatabaseHandle, name: string, values: Record<string, string | number>) {
  const query = cookbook.get(name)
  if (!query) throw new Error(`docs/reporting.md has no cookbook query "${name}"`)
  const { sql: text, parameters } = bindVariables(query, values)
  const result = await database.db.executeQuery(CompiledQuery.raw(text, parameters))
  return result.rows as Array<Record<string, unknown>>
}

/** A date column as YYYY-MM-DD, however the driver hands it over. */
function day(value: unknown) {
  if (!(value instanceof Date)) return String(value)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${value.getFullYear()}-${two(value.getMonth() + 1)}-${two(value.getDate())}`
}

t.test('the cookbook in docs/reporting.md has the five documented queries', async (t) => {
  t.same([...cookbook.keys()], [
    'account-without-deposit', 'support-this-week', 'last-password-change', 'pages-before-deposit',
    'visits-per-day'
  ])
})

t.test('psql variables become placeholders; casts and times in literals stay', async (t) => {
  const query = "select :'email'::text, '08:00', x::date from t where a = :service and b = :'email';"
  const bound = bindVariables(query, { email: 'ann@example.com', service: 3 })
  t.same(bound, {
    sql: "select $1::text, '08:00', x::date from t where a = $2 and b = $1",
    parameters: ['ann@example.com', 3]
  })
  t.throws(() => bindVariables('select :missing', {}), /needs a value for :missing/)
})

eachDatabase(t, 'cookbook queries on seeded data', async (t, database) => {
  const { company1 } = await seedReport(database.db)
  const service = company1.id

  await t.test('clients who opened the personal account but never pressed deposit', async (t) => {
    const rows = await run(database, 'account-without-deposit', { service })
    t.same(rows, [{
      email: 'bob@example.com', visits: 2, last_visit: new Date('2026-10-07T18:00:00Z'),
      is_click_personal_account_first_at: new Date('2026-10-06T10:05:00Z')
    }])
  })

  await t.test('who wrote to support this week, counted from Monday 00:00', async (t) => {
    await seedSupportAround(database, service)
    const rows = await run(database, 'support-this-week', { service })
    t.same(rows.map((row) => row.email), ['dee@example.com'])
  })

  await t.test('the last password change of one client', async (t) => {
    t.same(await run(database, 'last-password-change', { service, email: 'Ann@Example.com' }),
      [{ last_password_change_at: new Date('2026-10-12T08:06:00Z') }])
    t.same(await run(database, 'last-password-change', { service, email: 'bob@example.com' }),
      [{ last_password_change_at: null }])
  })

  await t.test('the pages most visited before a deposit', async (t) => {
    t.same(await run(database, 'pages-before-deposit', { service }), [
      { url: 'https://shop.example/', views: 2, visits: 2 },
      { url: 'https://shop.example/cabinet', views: 2, visits: 2 },
      { url: 'https://shop.example/bonus', views: 1, visits: 1 }
    ])
  })

  await t.test('visits per day', async (t) => {
    const rows = await run(database, 'visits-per-day', { service, since: '2026-10-01' })
    // The two visits the support test placed around this week's start are not part of October.
    const october = rows.map((row) => ({ ...row, day: day(row.day) })).filter((row) => row.day < '2026-11-01')
    t.same(october, [
      { day: '2026-10-05', visits: 1, clients: 1 },
      { day: '2026-10-06', visits: 1, clients: 1 },
      { day: '2026-10-07', visits: 2, clients: 2 },
      { day: '2026-10-09', visits: 1, clients: 1 },
      { day: '2026-10-12', visits: 1, clients: 1 }
    ])
  })
})

/** dee wrote at the very start of this week; eli one second before it. */
async function seedSupportAround(database: DatabaseHandle, serviceId: number) {
  const weekStart = sql<Date>`date_trunc('week', now())`
  const visits = [
    ['d0000000-0000-4000-8000-00000000000d', 'dee@example.com', weekStart],
    ['e0000000-0000-4000-8000-00000000000e', 'eli@example.com', sql<Date>`${weekStart} - interval '1 second'`]
  ] as const
  for (const [sessionId, email, time] of visits) {
    await database.db.insertInto('user_session').values({
      session_id: sessionId, service_id: serviceId, email, device_type: 'desktop', login_time: time,
      is_write_to_support: true, is_write_to_support_at: time
    }).execute()
  }
}
