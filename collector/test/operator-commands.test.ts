import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'
import { sql } from 'kysely'
import { loadConfig } from '../config.js'
import { ensureService } from '../db/service-queries.js'
import { startServer } from '../server.js'
import { createTestDatabase, openTestDatabase } from './databases.js'
import { sessionId } from './hardening.js'

// The commands as an operator runs them, and the collector's own retention schedule. Both need a
// database that two processes can open at once, so PostgreSQL (PGlite is one process's own).
const serverUrl = process.env.TEST_DATABASE_URL
const skip = !serverUrl && 'needs TEST_DATABASE_URL'
const run = promisify(execFile)

function visitlog(databaseUrl: string, ...args: string[]) {
  const { RETENTION_DAYS: _unset, ...env } = process.env
  return run(process.execPath, ['--import', 'tsx', 'scripts/visitlog.ts', ...args], {
    env: { ...env, DATABASE_URL: databaseUrl }
  })
}

t.test('service:origins, client:erase and retention are registered and work', { skip }, async (t) => {
  const database = await openTestDatabase(t, 'postgres')
  const url = databaseUrl(database.location)
  const service = await ensureService(database.db, 'Company1')
  await database.db.insertInto('user_session').values([
    { session_id: sessionId(1), service_id: service.id, email: 'ann@example.com', device_type: 'desktop',
      user_agent: null, ip_address: null, browser: null, browser_version: null, os: null, os_version: null,
      device_vendor: null, device_model: null, logout_time: null, password_changed_at: null },
    { session_id: sessionId(2), service_id: service.id, email: 'bob@example.com', device_type: 'desktop',
      user_agent: null, ip_address: null, browser: null, browser_version: null, os: null, os_version: null,
      device_vendor: null, device_model: null, logout_time: null, password_changed_at: null,
      login_time: sql`now() - interval '100 days'` }
  ]).execute()

  const set = await visitlog(url, 'service:origins', String(service.id), 'https://Shop.Example/',
    'http://localhost:3000')
  t.equal(set.stdout,
    `${service.id}\tCompany1\nallowed origin: https://shop.example\nallowed origin: http://localhost:3000\n`)
  const shown = await visitlog(url, 'service:origins', String(service.id))
  t.equal(shown.stdout, set.stdout)
  const cleared = await visitlog(url, 'service:origins', String(service.id), '--clear')
  t.equal(cleared.stdout, `${service.id}\tCompany1\nallowed origins: any (the list is empty)\n`)
  t.match(await failure(visitlog(url, 'service:origins', String(service.id), 'https://shop.example/cart')),
    { code: 1, stderr: /is not an origin/ })

  const erased = await visitlog(url, 'client:erase', 'ann@example.com', '--service', String(service.id))
  t.equal(erased.stdout,
    `deleted 1 visits, 0 url logs and 0 button logs of this client in service ${service.id}\n`)
  const expired = await visitlog(url, 'retention', '90')
  t.equal(expired.stdout, 'deleted 1 visits, 0 url logs and 0 button logs older than 90 days\n')
  t.match(await failure(visitlog(url, 'retention')), { code: 1, stderr: /give a whole number of days/ })
})

t.test('the collector applies RETENTION_DAYS on its own schedule from the start', { skip }, async (t) => {
  const database = await openTestDatabase(t, 'postgres')
  const service = await ensureService(database.db, 'Company1')
  await database.db.insertInto('user_session').values({
    session_id: sessionId(3), service_id: service.id, email: 'ann@example.com', device_type: 'desktop',
    user_agent: null, ip_address: null, browser: null, browser_version: null, os: null, os_version: null,
    device_vendor: null, device_model: null, logout_time: null, password_changed_at: null,
    login_time: sql`now() - interval '31 days'`
  }).execute()

  const config = loadConfig({
    DATABASE_URL: databaseUrl(database.location), PORT: '0', RETENTION_DAYS: '30', LOG_LEVEL: 'silent'
  })
  const { app } = await startServer(config)
  t.teardown(() => app.close())

  let remaining = 1
  for (let attempt = 0; attempt < 100 && remaining > 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    remaining = (await database.db.selectFrom('user_session').select('session_id').execute()).length
  }
  t.equal(remaining, 0, 'the visit older than 30 days is gone without any command')
})

/** The error of a command expected to fail, or undefined when it succeeded. */
t.test('db:migrate names the migrations it applied, then says the database is up to date', { skip },
  async (t) => {
  const url = new URL(await createTestDatabase(t))
  const where = `postgres: postgres://${url.host}${url.pathname}`
  const first = await visitlog(url.toString(), 'migrate')
  t.equal(first.stdout, `applied 5 migrations (${where}): 20261204T1500-initial, `
    + '20261204T1540-active-time, 20261204T1610-issue5-report-views, '
    + '20261204T1620-issue7-allowed-origins, 20261204T2300-issue6-log-indexes\n')
  const again = await visitlog(url.toString(), 'migrate')
  t.equal(again.stdout, `database is up to date (${where})\n`)
})

async function failure(command: Promise<unknown>) {
  return command.then(() => undefined, (error: unknown) => error)
}

/** The test database's URL with TEST_DATABASE_URL's credentials. */
function databaseUrl(location: string) {
  const url = new URL(serverUrl!)
  url.pathname = new URL(location).pathname
  return url.toString()
}
