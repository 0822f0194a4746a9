// Reporting benchmark (issue 5):
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:report
// Creates a throwaway database on that server, seeds about a million logged actions, and prints
// EXPLAIN ANALYZE figures for the report's queries. Not a test: it prints, it does not judge.
// Options: --clients N (default 20000), --visits N (100000), --keep (leave the database).
import { randomBytes } from 'node:crypto'
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
// For its pg type parsers: counts arrive as numbers, as in the collector.
import '../collector/db/database.js'
import { runOnServer } from '../collector/db/postgres-pool.js'
import { migrateToLatest } from '../collector/db/migrate.js'
import {
  clientService, listClients, listVisits, readClient
} from '../collector/db/report-queries.js'
import type { Database } from '../collector/db/types.js'
import { bindVariables, readCookbook } from './report/cookbook.js'

const RUNS = 7
const GOAL_MS = 50

interface Figures {
  name: string
  rows: number
  planningMs: number
  executionMs: number
  wallMs: number
}

async function main() {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    throw new Error('set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1/postgres')
  }
  const options = parseOptions(process.argv.slice(2))
  const name = `visitlog_bench_${process.pid}_${randomBytes(3).toString('hex')}`
  await runOnServer(serverUrl, `create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`

  let captured: CompiledQuery | undefined
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 })
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => { if (event.level === 'query') captured = event.query }
  })
  try {
    await migrateToLatest(db)
    const seeded = await seed(db, options.clients, options.visits)
    const seconds = seeded.seconds.toFixed(1)
    print(`seeded ${seeded.visits} visits of ${seeded.clients} clients with ${seeded.actions} ` +
      `logged actions (${seeded.urls} url_log, ${seeded.buttons} button_log) in ${seconds} s`)

    const queries: CompiledQuery[] = []
    const measure = async (label: string, action: () => Promise<unknown>) => {
      await action()
      queries.push(captured!)
      return explain(db, label, captured!)
    }
    const typical = 'client4242@example.com'
    const heavy = 'heavy@example.com'
    const results = [
      await measure('client_report, one client (5 visits)', () => readClient(db, 1, typical)),
      await measure('client_report, heavy client (400 visits)', () => readClient(db, 1, heavy)),
      await measure('services of one email', () => clientService(db, typical, undefined)),
      await measure('recent visits of one client (20)', () =>
        listVisits(db, { serviceId: 1, email: heavy, limit: 20 })),
      await measure('client list, first page (50)', () => listClients(db, { limit: 50 })),
      await measure('client list, page after client15000', () =>
        listClients(db, { limit: 50, after: { service_id: 1, email: 'client15000@example.com' } })),
      await measure('client list, flag is_write_to_support (50)', () =>
        listClients(db, { limit: 50, flag: 'is_write_to_support' })),
      await measure('visit list, one service, newest (100)', () =>
        listVisits(db, { serviceId: 1, limit: 100 }))
    ]
    const cookbook = readCookbook()
    const values = { service: 1, email: typical, since: '2026-01-01' }
    for (const [entry, query] of cookbook) {
      const bound = bindVariables(query, values)
      results.push(await explain(db, `cookbook: ${entry}`, CompiledQuery.raw(bound.sql, bound.parameters)))
    }

    printTable(results)
    const target = results[0]
    print(`\nbench-report: client_report for one email: execution ${target.executionMs.toFixed(2)} ms, ` +
      `planning ${target.planningMs.toFixed(2)} ms, round trip ${target.wallMs.toFixed(2)} ms ` +
      `(goal < ${GOAL_MS} ms: ${target.wallMs < GOAL_MS ? 'met' : 'NOT met'})`)
    print('\nplan of client_report for one email:')
    print(await plan(db, queries[0]))
  } finally {
    await db.destroy()
    if (options.keep) print(`kept database ${name}`)
    else await runOnServer(serverUrl, `drop database if exists ${name} with (force)`)
  }
}

function parseOptions(argv: string[]) {
  const value = (flag: string, fallback: number) => {
    const index = argv.indexOf(flag)
    return index === -1 ? fallback : Number(argv[index + 1])
  }
  return {
    clients: value('--clients', 20_000),
    visits: value('--visits', 100_000),
    keep: argv.includes('--keep')
  }
}

/**
 * Visits spread over 2026 for `clients` clients in two services (a client stays in one), each
 * with 7 URLs and 3 buttons; one heavy client has 400 visits. About 10% of visits never logged
 * out; flags are set on a fraction of visits, so the trigger stamps their times.
 */
async function seed(db: Kysely<Database>, clients: number, visits: number) {
  const started = performance.now()
  await sql`insert into service (service_name) values ('Company1'), ('Company2')`.execute(db)
  await sql`
    insert into user_session (session_id, service_id, email, device_type, login_time, logout_time,
      active_seconds, is_click_platform, is_click_personal_account, is_write_to_support,
      is_click_deposit_button, is_click_contacts, is_change_password, password_changed_at, ip_address)
    select gen_random_uuid(), 1 + (c % 2), 'client' || c || '@example.com', 'desktop', t,
      case when i % 10 = 0 then null else t + (60 + i % 1800) * interval '1 second' end,
      i % 900, i % 7 = 0, i % 3 = 0, i % 11 = 0, i % 5 = 0, i % 13 = 0, i % 17 = 0,
      case when i % 17 = 0 then t + interval '1 minute' end, '203.0.113.1'::inet
    from generate_series(1, ${visits}::integer) as i,
      lateral (select (i * 7919) % ${clients}::integer as c,
        timestamptz '2026-01-01' + (i * 5) * interval '1 minute' as t) as v`.execute(db)
  await sql`
    insert into user_session (session_id, service_id, email, device_type, login_time, logout_time)
    select gen_random_uuid(), 1, 'heavy@example.com', 'mobile', t, t + interval '10 minutes'
    from generate_series(1, 400) as i,
      lateral (select timestamptz '2026-02-01' + i * interval '1 hour' as t) v
  `.execute(db)
  await sql`
    insert into url_log (session_id, url, is_external_resource, date)
    select s.session_id, 'https://shop.example/page' || n, n = 7, s.login_time + n * interval '20 seconds'
    from user_session s, generate_series(1, 7) as n`.execute(db)
  await sql`
    insert into button_log (session_id, button_text, url, date)
    select s.session_id, 'Button ' || n, 'https://shop.example/cabinet',
      s.login_time + n * interval '30 seconds'
    from user_session s, generate_series(1, 3) as n`.execute(db)
  // What autovacuum would have done by the time a table holds a million rows.
  await sql`vacuum analyze`.execute(db)

  const count = async (table: 'user_session' | 'url_log' | 'button_log') => {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return row.n
  }
  const sessions = await count('user_session')
  const urls = await count('url_log')
  const buttons = await count('button_log')
  const clientCount = await db.selectFrom('user_session').select(sql<number>`count(distinct email)`.as('n'))
    .executeTakeFirstOrThrow()
  return {
    visits: sessions, clients: clientCount.n, urls, buttons, actions: urls + buttons,
    seconds: (performance.now() - started) / 1000
  }
}

/** The median of several EXPLAIN ANALYZE runs, and of the same query's round trip. */
async function explain(db: Kysely<Database>, name: string, query: CompiledQuery): Promise<Figures> {
  const planning: number[] = []
  const execution: number[] = []
  const wall: number[] = []
  let rows = 0
  for (let run = 0; run < RUNS; run++) {
    const analyzed = await db.executeQuery<{ 'QUERY PLAN': Array<Record<string, number>> }>(
      CompiledQuery.raw(`explain (analyze, format json) ${query.sql}`, [...query.parameters]))
    const top = analyzed.rows[0]['QUERY PLAN'][0]
    planning.push(top['Planning Time'])
    execution.push(top['Execution Time'])

    const started = performance.now()
    rows = (await db.executeQuery(CompiledQuery.raw(query.sql, [...query.parameters]))).rows.length
    wall.push(performance.now() - started)
  }
  return { name, rows, planningMs: median(planning), executionMs: median(execution), wallMs: median(wall) }
}

async function plan(db: Kysely<Database>, query: CompiledQuery) {
  const result = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`explain (analyze, costs off, timing off) ${query.sql}`, [...query.parameters]))
  return result.rows.map((row) => `  ${row['QUERY PLAN']}`).join('\n')
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function printTable(results: Figures[]) {
  const width = Math.max(...results.map((result) => result.name.length))
  print(`\n${'query'.padEnd(width)}   rows  planning ms  execution ms  round trip ms`)
  for (const r of results) {
    const figures = [r.planningMs.toFixed(2).padStart(11), r.executionMs.toFixed(2).padStart(12),
      r.wallMs.toFixed(2).padStart(13)]
    print(`${r.name.padEnd(width)}  ${String(r.rows).padStart(5)}  ${figures.join('  ')}`)
  }
}

function print(line: string) {
  process.stdout.write(`${line}\n`)
}

main().catch((error: unknown) => {
  console.error(`bench-report: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
