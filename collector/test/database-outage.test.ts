import t, { type Test } from 'tap'
import pg from 'pg'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../app.js'
import { openDatabase } from '../db/database.js'
import { ensureService } from '../db/service-queries.js'
import { errorBody } from '../errors.js'
import { ADMIN_TOKEN } from './app.js'
import { openTestDatabase } from './databases.js'
import { sessionId } from './hardening.js'
import { TcpProxy } from './tcp-proxy.js'

// Real PostgreSQL only: a fresh database reached through a proxy this test cuts and restores.
// The shared server itself is never stopped.
const serverUrl = process.env.TEST_DATABASE_URL
const POOL_SIZE = 4
const TIMEOUT_MS = 1000
const SESSION = sessionId(1)
const APPLICATION = 'visitlog-outage-test'

const skip = !serverUrl && 'needs TEST_DATABASE_URL'

t.test('the collector answers 503 while PostgreSQL is away and recovers by itself', { skip }, async (t) => {
  const direct = await openTestDatabase(t, 'postgres')
  const databaseName = new URL(direct.location).pathname.slice(1)
  const target = new URL(serverUrl!)
  const proxy = await TcpProxy.start(target.hostname, Number(target.port || 5432))
  t.teardown(() => proxy.close())

  const proxiedUrl = new URL(serverUrl!)
  proxiedUrl.hostname = '127.0.0.1'
  proxiedUrl.port = String(proxy.port)
  proxiedUrl.pathname = `/${databaseName}`
  // Tells the collector's connections apart from this test's own in pg_stat_activity.
  proxiedUrl.searchParams.set('application_name', APPLICATION)
  const database = await openDatabase({ databaseUrl: proxiedUrl.toString(), poolSize: POOL_SIZE, timeoutMs: TIMEOUT_MS })
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN })
  t.teardown(() => app.close())

  const service = await ensureService(direct.db, 'Company1')
  const created = await app.inject({
    method: 'POST', url: '/api/session/', payload: { email: 'ann@example.com', service: service.id, session_id: SESSION }
  })
  t.equal(created.statusCode, 201)
  let accepted = 0
  const logUrl = async (path: string) => {
    const response = await app.inject({
      method: 'POST', url: `/api/session/${SESSION}/url/`,
      payload: { url: `https://shop.example/${path}`, is_external_resource: false }
    })
    if (response.statusCode === 201) accepted += 1
    return response
  }
  t.equal((await logUrl('before')).statusCode, 201)

  const refuse = (allow: boolean) => adminQueries(serverUrl!, [
    `alter database ${databaseName} allow_connections ${allow}`,
    ...(allow ? [] : [`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = '${databaseName}' and pid <> pg_backend_pid()`])
  ])
  const outages = [
    { outage: 'cut', start: async () => proxy.cut(), end: async () => proxy.restore() },
    { outage: 'silent', start: async () => proxy.silence(), end: async () => proxy.restore() },
    { outage: 'refusing', start: () => refuse(false), end: () => refuse(true) }
  ]
  for (const { outage, start, end } of outages) {
    await start()
    await assertUnavailable(t, app, logUrl, outage)
    await end()
    t.equal((await logUrl(`after-${outage}`)).statusCode, 201, `the first request after the ${outage} outage is stored`)
    t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200)
  }

  const stored = await direct.db.selectFrom('url_log').select('url').orderBy('id').execute()
  t.equal(stored.length, accepted, 'exactly the answered requests were stored')
  t.same(stored.map((row) => row.url), [
    'https://shop.example/before', 'https://shop.example/after-cut', 'https://shop.example/after-silent',
    'https://shop.example/after-refusing'
  ])

  const during = await backends(serverUrl!, databaseName)
  t.ok(during >= 1 && during <= POOL_SIZE, `${during} connections after recovery, at most the pool size ${POOL_SIZE}`)
  await database.close()
  t.equal(await backendsAfterClose(serverUrl!, databaseName), 0, 'no connection outlives the pool')
})

type LogUrl = (path: string) => Promise<LightMyRequestResponse>

/** Several requests at once during the outage: each answers 503 with Retry-After, none hangs. */
async function assertUnavailable(t: Test, app: FastifyInstance, logUrl: LogUrl, outage: string) {
  const started = Date.now()
  const answers = await Promise.all(Array.from({ length: POOL_SIZE + 2 }, (_, i) => logUrl(`${outage}-${i}`)))
  t.comment(`${outage}: ${answers.length} requests answered 503 after ${Date.now() - started} ms`)
  for (const answer of answers) {
    t.equal(answer.statusCode, 503, outage)
    t.same(answer.json(), errorBody('DATABASE_UNAVAILABLE'))
    t.equal(answer.headers['retry-after'], '5')
  }
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.same([ready.statusCode, ready.json().status], [503, 'not ready'], `${outage}: /readyz says not ready`)
}

async function adminQueries(url: string, statements: string[]) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const statement of statements) await client.query(statement)
  } finally {
    await client.end()
  }
}

async function backends(url: string, databaseName: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const result = await client.query(
      "select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = $2",
      [databaseName, APPLICATION]
    )
    return result.rows[0].n as number
  } finally {
    await client.end()
  }
}

/** A closed connection's backend exits a moment later; wait for that, boundedly. */
async function backendsAfterClose(url: string, databaseName: string) {
  let count = await backends(url, databaseName)
  for (let attempt = 0; attempt < 50 && count > 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    count = await backends(url, databaseName)
  }
  return count
}
