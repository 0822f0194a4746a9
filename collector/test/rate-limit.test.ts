import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { DatabaseHandle } from '../db/database.js'
import { errorBody } from '../errors.js'
import { openTestDatabase } from './databases.js'
import { hardenedApp, sessionId } from './hardening.js'

const WINDOW = 60_000

// One database for the whole file (PGlite takes seconds to start); each test has its own visits.
const database = await openTestDatabase(t, 'pglite')
let offset = 0

/** A visit created by a client at `address`, optionally through a proxy header. */
function createVisit(app: FastifyInstance, service: number, n: number, address: string, forwarded?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/session/',
    remoteAddress: address,
    headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
    payload: { email: `client${n}@example.com`, service, session_id: sessionId(offset + n) }
  })
}

/** Read from the database, so that reading counts against no limit. */
async function storedIp(database: DatabaseHandle, n: number) {
  const row = await database.db.selectFrom('user_session')
    .select(sql<string>`host(ip_address)`.as('ip'))
    .where('session_id', '=', sessionId(offset + n))
    .executeTakeFirstOrThrow()
  return row.ip
}

t.test('a client IP over RATE_LIMIT_MAX gets 429 RATE_LIMITED with Retry-After; others do not', async (t) => {
  offset += 100
  const { app, service } = await hardenedApp(t, database,
    { rateLimits: { max: 3, windowMs: WINDOW, sessionMax: 0 } })

  const statuses = []
  for (let n = 1; n <= 4; n++) statuses.push((await createVisit(app, service.id, n,
    '203.0.113.7')).statusCode)
  t.same(statuses, [201, 201, 201, 429])

  const refused = await createVisit(app, service.id, 5, '203.0.113.7')
  t.equal(refused.statusCode, 429)
  t.same(refused.json(), errorBody('RATE_LIMITED'))
  const retryAfter = Number(refused.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter} lies within the one-minute window`)

  t.equal((await createVisit(app, service.id, 6, '198.51.100.2')).statusCode, 201,
    'another address is not affected')
  t.equal((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '203.0.113.7' })).statusCode,
    200,
    'probes are never limited')
  t.equal((await app.inject({ method: 'GET', url: '/readyz', remoteAddress: '203.0.113.7' })).statusCode, 200)
})

t.test('without TRUST_PROXY, X-Forwarded-For neither changes the bucket nor the stored address',
  async (t) => {
  offset += 100
  const { app, service } = await hardenedApp(t, database,
    { rateLimits: { max: 3, windowMs: WINDOW, sessionMax: 0 } })

  const statuses = []
  for (let n = 1; n <= 4; n++) {
    statuses.push((await createVisit(app, service.id, n, '203.0.113.7', `192.0.2.${n}`)).statusCode)
  }
  t.same(statuses, [201, 201, 201, 429], 'a new forged address per request does not escape the limit')
  t.equal(await storedIp(database, 1), '203.0.113.7')
})

t.test('behind a trusted proxy each client has its own bucket and its own stored address', async (t) => {
  offset += 100
  const { app, service } = await hardenedApp(t, database, {
    trustProxy: ['10.0.0.0/8'],
    rateLimits: { max: 2, windowMs: WINDOW, sessionMax: 0 }
  })
  const viaProxy = (n: number, client: string) => createVisit(app, service.id, n, '10.1.2.3', client)

  t.same([(await viaProxy(1, '198.51.100.1')).statusCode, (await viaProxy(2, '198.51.100.1')).statusCode],
    [201, 201])
  t.equal((await viaProxy(3, '198.51.100.1')).statusCode, 429, 'the first client used its bucket')
  t.equal((await viaProxy(4, '198.51.100.2')).statusCode, 201, 'a second client behind the proxy still sends')
  t.equal(await storedIp(database, 1), '198.51.100.1')
  t.equal(await storedIp(database, 4), '198.51.100.2')

  const untrusted = await createVisit(app, service.id, 5, '203.0.113.9', '198.51.100.3')
  t.equal(untrusted.statusCode, 201)
  t.equal(await storedIp(database, 5), '203.0.113.9', 'a header from an untrusted peer is ignored')
})

t.test('with a hop count, an address the client prepends to X-Forwarded-For is ignored', async (t) => {
  offset += 100
  const { app, service } = await hardenedApp(t, database, {
    trustProxy: 1,
    rateLimits: { max: 1, windowMs: WINDOW, sessionMax: 0 }
  })

  t.equal((await createVisit(app, service.id, 1, '10.0.0.5', '6.6.6.1, 198.51.100.7')).statusCode, 201)
  t.equal((await createVisit(app, service.id, 2, '10.0.0.5', '6.6.6.2, 198.51.100.7')).statusCode, 429)
  t.equal(await storedIp(database, 1), '198.51.100.7')

  const direct = await createVisit(app, service.id, 3, '203.0.113.8', '198.51.100.8')
  t.equal(direct.statusCode, 201)
  t.equal(await storedIp(database, 3), '203.0.113.8',
    'a client reaching the collector directly cannot claim an address')
})

t.test('an IPv4-mapped address shares the bucket of its IPv4 address; IPv6 counts per /64', async (t) => {
  offset += 100
  const { app, service } = await hardenedApp(t, database,
    { rateLimits: { max: 1, windowMs: WINDOW, sessionMax: 0 } })

  t.equal((await createVisit(app, service.id, 1, '::ffff:203.0.113.5')).statusCode, 201)
  t.equal((await createVisit(app, service.id, 2, '203.0.113.5')).statusCode, 429)
  t.equal(await storedIp(database, 1), '203.0.113.5')

  t.equal((await createVisit(app, service.id, 3, '2001:db8:0:1::1')).statusCode, 201)
  t.equal((await createVisit(app, service.id, 4, '2001:db8:0:1::2')).statusCode, 429, 'same /64')
  t.equal((await createVisit(app, service.id, 5, '2001:db8:0:2::1')).statusCode, 201, 'another /64')
})

t.test('a mapped address in hex from a trusted proxy counts as its IPv4 address', async (t) => {
  offset += 100
  const { app, service } = await hardenedApp(t, database,
    { trustProxy: 1, rateLimits: { max: 1, windowMs: WINDOW, sessionMax: 0 } })

  t.equal((await createVisit(app, service.id, 1, '10.0.0.5', '::ffff:cb00:710a')).statusCode, 201)
  t.equal(await storedIp(database, 1), '203.0.113.10')
  t.equal((await createVisit(app, service.id, 2, '10.0.0.5', '203.0.113.10')).statusCode, 429, 'same address')
  t.equal((await createVisit(app, service.id, 3, '10.0.0.5', '::ffff:cb00:710b')).statusCode, 201,
    'another IPv4 address, not the same /64')
})

t.test('one visit over RATE_LIMIT_SESSION_MAX gets 429 while other visits go on', async (t) => {
  offset += 100
  const { app, service } = await hardenedApp(t, database,
    { rateLimits: { max: 0, windowMs: WINDOW, sessionMax: 2 } })
  await createVisit(app, service.id, 1, '203.0.113.7')
  await createVisit(app, service.id, 2, '203.0.113.7')
  const logUrl = (n: number, path: string) => app.inject({
    method: 'POST',
    url: `/api/session/${sessionId(offset + n).toUpperCase()}/url/`,
    payload: { url: `https://shop.example/${path}`, is_external_resource: false }
  })

  t.same([(await logUrl(1, 'a')).statusCode, (await logUrl(1, 'b')).statusCode], [201, 201])
  const refused = await logUrl(1, 'c')
  t.equal(refused.statusCode, 429)
  t.same(refused.json(), errorBody('RATE_LIMITED'))
  t.ok(Number(refused.headers['retry-after']) >= 1)
  t.equal((await logUrl(2, 'a')).statusCode, 201, 'another visit is not affected')

  const fromPage = await app.inject({
    method: 'POST', url: `/api/session/${sessionId(offset + 1)}/url/`,
      headers: { origin: 'https://shop.example' },
    payload: { url: 'https://shop.example/d', is_external_resource: false }
  })
  t.equal(fromPage.statusCode, 429)
  t.equal(fromPage.headers['access-control-allow-origin'], 'https://shop.example', 'a page can read the 429')
  t.equal(fromPage.headers['access-control-expose-headers'], 'Retry-After', 'and its Retry-After')

  const stored = await database.db.selectFrom('url_log').select('url')
    .where('session_id', '=', sessionId(offset + 1)).execute()
  t.same(stored.map((row) => row.url), ['https://shop.example/a', 'https://shop.example/b'],
    'nothing refused was stored')
})

t.test('a max of 0 turns a limit off', async (t) => {
  offset += 100
  const { app, service } = await hardenedApp(t, database,
    { rateLimits: { max: 0, windowMs: WINDOW, sessionMax: 0 } })

  const statuses = new Set<number>()
  for (let n = 1; n <= 30; n++) statuses.add((await createVisit(app, service.id, n,
    '203.0.113.7')).statusCode)
  t.same([...statuses], [201])
})
