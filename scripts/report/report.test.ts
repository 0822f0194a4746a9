import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import t, { type Test } from 'tap'
import { buildApp } from '../../collector/app.js'
import type { DatabaseHandle } from '../../collector/db/database.js'
import { ADMIN_TOKEN } from '../../collector/test/app.js'
import { eachDatabase } from '../../collector/test/databases.js'
import { seedReport } from '../../collector/test/report-seed.js'
import { csv } from './format.js'
import { runReport } from './main.js'

const CLIENTS_TABLE = (`
service   email            visits  first visit (UTC)    last visit (UTC)     total    median   flags
Company1  ann@example.com       3  2026-10-05 09:00:00  2026-10-12 08:00:00  0:47:30  0:10:00  `
  + `platform account support deposit contacts password
Company1  bob@example.com       2  2026-10-06 10:00:00  2026-10-07 18:00:00  0:20:00  0:10:00  account
Company1  cy@example.com        1  2026-10-09 11:00:00  2026-10-09 11:00:00  0:15:00  0:15:00  account deposit
Company2  ann@example.com       1  2026-10-10 12:00:00  2026-10-10 12:00:00  0:01:40  0:01:40
`).trim()

const VISITS_TABLE = (`
login (UTC)          service   email            time spent  ended by        `
  + `active   pages  links  buttons  flags                      `
  + `browser        os       device   ip
2026-10-12 08:00:00  Company1  ann@example.com  0:07:30     last action     `
  + `0:05:00      2      0        1  support password           `
  + `Mobile Safari  iOS      mobile   2001:db8::7
2026-10-09 11:00:00  Company1  cy@example.com   0:15:00     logout          `
  + `0:13:20      4      0        1  account deposit            `
  + `Mobile Safari  iOS      mobile   192.0.2.33
2026-10-07 18:00:00  Company1  bob@example.com  0:00:00     nothing logged  `
  + `0:00:00      0      0        0                             `
  + `Chrome         Windows  desktop  198.51.100.20
2026-10-07 14:00:00  Company1  ann@example.com  0:10:00     logout          `
  + `0:08:20      2      0        1  account contacts password  `
  + `Chrome         Windows  desktop  203.0.113.5
`).trim()

const CLIENT_TABLE = (`
client                ann@example.com
service               Company1 (1)
visits                3 (1 without logout)
first visit           2026-10-05 09:00:00 UTC
last visit            2026-10-12 08:00:00 UTC
time spent            0:47:30 total, 0:10:00 median, 0:33:20 active
pages visited         6
links clicked         1
buttons clicked       3
last password change  2026-10-12 08:06:00 UTC

flag      ever  first (UTC)
platform  yes   2026-10-05 09:25:00
account   yes   2026-10-05 09:02:00
support   yes   2026-10-12 08:07:30
deposit   yes   2026-10-05 09:20:00
contacts  yes   2026-10-07 14:00:10
password  yes   2026-10-07 14:05:00

recent visits
login (UTC)          time spent  ended by     active   pages  links  buttons  `
  + `flags                      browser        os       device   ip
2026-10-12 08:00:00  0:07:30     last action  0:05:00      2      0        1  `
  + `support password           Mobile Safari  iOS      mobile   2001:db8::7
2026-10-07 14:00:00  0:10:00     logout       0:08:20      2      0        1  `
  + `account contacts password  Chrome         Windows  desktop  203.0.113.5
`).trim()

const CLIENT_HEADER = [
  'service_id,service_name,email,visits,first_visit,last_visit,total_time_seconds,median_time_seconds',
  'total_active_seconds,visits_without_logout,pages_visited,links_clicked,buttons_clicked',
  'is_click_platform,is_click_platform_first_at,is_click_personal_account,is_click_personal_account_first_at',
  'is_write_to_support,is_write_to_support_first_at,is_click_deposit_button,is_click_deposit_button_first_at',
  'is_click_contacts,is_click_contacts_first_at,is_change_password,is_change_password_first_at',
  'last_password_change_at'
].join(',')
const BOB_CSV = '1,Company1,bob@example.com,2,2026-10-06T10:00:00.000Z,2026-10-07T18:00:00.000Z,' +
  '1200,600,900,1,2,0,0,false,,true,2026-10-06T10:05:00.000Z,false,,false,,false,,false,,'

interface Run {
  code: number
  out: string
  err: string
}

/** The report command with its environment and output in the test's hands. */
async function report(argv: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  let out = ''
  let err = ''
  const code = await runReport(argv, { env, out: (text) => { out += text }, err: (text) => { err += text } })
  return { code, out, err }
}

/** The two ways the command reads: the collector's API always, PostgreSQL itself when there is one. */
function modes(url: string, database: DatabaseHandle): Array<[string, (argv: string[]) => Promise<Run>]> {
  const api: [string, (argv: string[]) => Promise<Run>] =
    ['api', (argv) => report([...argv, '--url', url], { ADMIN_TOKEN })]
  if (database.kind !== 'postgres') return [api]

  const databaseUrl = new URL(process.env.TEST_DATABASE_URL!)
  databaseUrl.pathname = new URL(database.location).pathname
  return [api, ['database', (argv) => report(argv, { DATABASE_URL: databaseUrl.toString() })]]
}

eachDatabase(t, 'report command on seeded data', async (t, database) => {
  await seedReport(database.db)
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN })
  t.teardown(() => app.close())
  const url = await app.listen({ host: '127.0.0.1', port: 0 })

  for (const [mode, run] of modes(url, database)) {
    await t.test(`reads through ${mode}`, (t) => readsTheSameAnswers(t, run))
  }
  await t.test('a CSV field with a comma, quote or line break is quoted', async (t) => {
    const service = await database.db.insertInto('service').values({ service_name: 'Acme, "Best"\nShop' })
      .returning('id').executeTakeFirstOrThrow()
    await database.db.insertInto('user_session').values({
      session_id: 'f1000000-0000-4000-8000-000000000001', service_id: service.id, email: 'zed@example.com',
      device_type: 'unknown', login_time: new Date('2026-10-20T10:00:00Z')
    }).execute()
    const [, run] = modes(url, database).at(-1)!
    const result = await run(['visits', '--service', String(service.id), '--format', 'csv'])
    t.equal(result.code, 0)
    t.match(result.out.split('\r\n')[1], `,"Acme, ""Best""\nShop",zed@example.com,`)
  })
})

async function readsTheSameAnswers(t: Test, run: (argv: string[]) => Promise<Run>) {
  t.same(await run(['clients']), { code: 0, out: `${CLIENTS_TABLE}\n`, err: '' })
  t.same(await run(['visits', '--service', '1', '--limit', '4']),
    { code: 0, out: `${VISITS_TABLE}\n`, err: '' })
  t.same(await run(['client', 'ann@example.com', '--service', '1', '--since', '2026-10-06']),
    { code: 0, out: `${CLIENT_TABLE}\n`, err: '' })

  const csvArgs = ['--service', '1', '--flag', 'is_click_personal_account', '--format', 'csv']
  const lines = (await run(['clients', ...csvArgs])).out.split('\r\n')
  t.equal(lines[0], CLIENT_HEADER)
  const emails = lines.map((line) => line.split(',')[2])
  t.same(emails, ['email', 'ann@example.com', 'bob@example.com', 'cy@example.com'])
  t.equal(lines[2], BOB_CSV)

  const json = await run(['client', 'bob@example.com', '--format', 'json', '--limit', '1'])
  const body = JSON.parse(json.out)
  t.match(body.client, { email: 'bob@example.com', visits: 2, total_time_seconds: 1200 })
  t.match(body.client, { median_time_seconds: 600, last_password_change_at: null })
  t.match(body.client, { is_click_personal_account: true, is_click_deposit_button: false })
  t.same(body.visits.map((visit: { ended_by: string }) => visit.ended_by), ['none'])

  t.same(await run(['clients', '--service', '9']),
    { code: 1, out: '', err: 'error: no service has id 9 (npm run service:list shows them)\n' })
  t.same(await run(['client', 'nobody@example.com']),
    { code: 1, out: '', err: 'error: no visit is recorded for nobody@example.com\n' })
  const several = 'error: This client has visits in services 1, 2; choose one with --service ID\n'
  t.same(await run(['client', 'ann@example.com']), { code: 1, out: '', err: several })
  t.same(await run(['visits', '--since', '2026-10-12', '--service', '2']),
    { code: 0, out: 'no visit matches\n', err: '' })
}

t.test('the command line refuses bad dates, formats and commands with its usage', async (t) => {
  const cases: Array<[string[], string]> = [
    [['visits', '--since', '2026-02-30'],
      'error: --since takes a date such as 2026-12-01 or 2026-12-01T09:00:00Z, got "2026-02-30"'],
    [['visits', '--since', '2026-01-01T24:00:00Z'],
      'error: --since takes a date such as 2026-12-01 or 2026-12-01T09:00:00Z, got "2026-01-01T24:00:00Z"'],
    [['visits', '--since', 'yesterday'],
      'error: --since takes a date such as 2026-12-01 or 2026-12-01T09:00:00Z, got "yesterday"'],
    [['clients', '--format', 'xml'], 'error: --format takes table, csv or json, got "xml"'],
    [['clients', '--service', 'one'],
      'error: --service takes a whole number from 1 to 2147483647, got "one"'],
    [['visits', '--flag', 'is_click_contacts'], 'error: --flag works with clients only'],
    [['client', 'ann@example.com', '--limit', '501'],
      'error: --limit takes a whole number from 1 to 500, got "501"'],
    [['client'], 'error: client needs an email: npm run report -- client ann@example.com'],
    [['clients', '--colour'], 'error: unknown option --colour'],
    [['everything'], 'error: unknown command "everything"']
  ]
  for (const [argv, message] of cases) {
    const result = await report(argv, { DATABASE_URL: 'postgres://127.0.0.1:1/never-opened' })
    t.equal(result.code, 2, argv.join(' '))
    t.equal(result.err.split('\n')[0], message)
    t.match(result.err, /usage: npm run report -- <command> \[options\]/)
  }
})

t.test('without a database or a reachable collector the command says what to do', async (t) => {
  const noSource = await report(['clients'], {})
  t.equal(noSource.code, 1)
  t.equal(noSource.err, 'error: no DATABASE_URL and no admin token.\n' +
    'Set DATABASE_URL to read PostgreSQL directly, or pass --token (or set ADMIN_TOKEN) to ask the\n' +
    'collector at http://127.0.0.1:8080 (--url to change it); ' +
    'the collector prints its admin token when it starts.\n')

  const port = await closedPort()
  const argv = ['tsx', 'scripts/report.ts', 'clients', '--url', `http://127.0.0.1:${port}`]
  const spawned = spawnSync('npx', argv, { env: { PATH: process.env.PATH, ADMIN_TOKEN }, encoding: 'utf8' })
  t.equal(spawned.status, 1)
  t.equal(spawned.stdout, '')
  t.equal(spawned.stderr, `error: cannot reach the collector at http://127.0.0.1:${port} (ECONNREFUSED).\n` +
    'Start it (npm start) or pass --url with its address, or set DATABASE_URL to read PostgreSQL directly.\n')

  const nowhere = `postgres://postgres@127.0.0.1:${port}/none`
  const badDatabase = await report(['clients'], { DATABASE_URL: nowhere })
  t.equal(badDatabase.err, `error: cannot connect to PostgreSQL (127.0.0.1:${port}/none): ` +
    'check DATABASE_URL, or unset it to ask the running collector at http://127.0.0.1:8080\n')
})

t.test('csv quotes only what needs quoting and leaves null empty', async (t) => {
  const rows = [{ a: 'plain', b: 'x,y', c: 'say "hi"', d: null }, { a: 'line\nbreak', b: 12, c: true, d: '' }]
  t.equal(csv(['a', 'b', 'c', 'd'], rows), 'a,b,c,d\r\nplain,"x,y","say ""hi""",\r\n"line\nbreak",12,true,')
})

/** A loopback port with nothing listening on it. */
async function closedPort() {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}
