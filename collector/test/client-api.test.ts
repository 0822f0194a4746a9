import { Writable } from 'node:stream'
import type { LightMyRequestResponse } from 'fastify'
import t, { type Test } from 'tap'
import { buildApp } from '../app.js'
import type { DatabaseHandle } from '../db/database.js'
import { errorBody } from '../errors.js'
import { loggerOptions } from '../logger.js'
import { ADMIN, ADMIN_TOKEN } from './app.js'
import { eachDatabase } from './databases.js'
import { SEED, seedReport } from './report-seed.js'

const ANN_IN_COMPANY1 = {
  service_name: 'Company1', email: 'ann@example.com',
  visits: 3, first_visit: '2026-10-05T09:00:00.000Z', last_visit: '2026-10-12T08:00:00.000Z',
  total_time_seconds: 2850, median_time_seconds: 600, total_active_seconds: 2000, visits_without_logout: 1,
  pages_visited: 6, links_clicked: 1, buttons_clicked: 3,
  is_click_platform: true, is_click_platform_first_at: '2026-10-05T09:25:00.000Z',
  is_click_personal_account: true, is_click_personal_account_first_at: '2026-10-05T09:02:00.000Z',
  is_write_to_support: true, is_write_to_support_first_at: '2026-10-12T08:07:30.000Z',
  is_click_deposit_button: true, is_click_deposit_button_first_at: '2026-10-05T09:20:00.000Z',
  is_click_contacts: true, is_click_contacts_first_at: '2026-10-07T14:00:10.000Z',
  is_change_password: true, is_change_password_first_at: '2026-10-07T14:05:00.000Z',
  last_password_change_at: '2026-10-12T08:06:00.000Z'
}

type Headers = Record<string, string | undefined>

const clientKey = (client: { service_id: number, email: string }) => `${client.service_id} ${client.email}`

type World = {
  app: Awaited<ReturnType<typeof buildApp>>
  get: (url: string, headers?: Headers) => Promise<LightMyRequestResponse>
  database: DatabaseHandle
  company1: { id: number }
  company2: { id: number }
}
const TESTS: Array<[string, (t: Test, world: World) => Promise<void>]> = []
const test = (name: string, body: (t: Test, world: World) => Promise<void>) => TESTS.push([name, body])

test('a client answers its row and its recent visits, newest first', async (t, { get, company1 }) => {

  const response = await get(`/api/client/ann%40example.com/?service=${company1.id}`)
  t.equal(response.statusCode, 200)
  const body = response.json()
  t.same(body.client, { service_id: company1.id, ...ANN_IN_COMPANY1 })
  t.same(body.visits.map((visit: { session_id: string }) => visit.session_id), [SEED.A3, SEED.A2, SEED.A1])
  t.match(body.visits[0], {
    login_time: '2026-10-12T08:00:00.000Z', logout_time: null, end_time: '2026-10-12T08:07:30.000Z',
    ended_by: 'last_action', time_spent_seconds: 450, is_change_password_at: '2026-10-12T08:06:00.000Z',
    browser: 'Mobile Safari', os: 'iOS', device_type: 'mobile', ip_address: '2001:db8::7'
  })
})

test('a client is found by any spelling of its email, in the one service it visited', async (t, world) => {
  const { get, company1 } = world

  const response = await get('/api/client/%20Bob%40Example.COM/?limit=1&since=2026-10-07')
  t.equal(response.statusCode, 200)
  const body = response.json()
  t.match(body.client, { service_id: company1.id, email: 'bob@example.com', visits: 2 })
  t.match(body.client, { total_time_seconds: 1200 })
  t.same(body.visits.map((visit: { session_id: string }) => visit.session_id), [SEED.B2])
  t.match(body.visits[0], { ended_by: 'none', time_spent_seconds: 0, end_time: '2026-10-07T18:00:00.000Z' })
})

test('client lookups that cannot be answered say why', async (t, { get, company2 }) => {
  const cases: Array<[string, number, string, string?]> = [
    ['/api/client/nobody%40example.com/', 404, 'CLIENT_NOT_FOUND'],
    [`/api/client/bob%40example.com/?service=${company2.id}`, 404, 'CLIENT_NOT_FOUND'],
    ['/api/client/bob%40example.com/?service=999', 404, 'SERVICE_NOT_FOUND'],
    ['/api/client/ann%40example.com/', 400, 'SERVICE_REQUIRED',
      'This client has visits in services 1, 2; choose one with service=ID'],
    ['/api/client/not-an-email/', 400, 'EMAIL_INVALID'],
    ['/api/client/ann%40example.com/?service=abc', 400, 'QUERY_INVALID'],
    ['/api/client/bob%40example.com/?since=2026-13-01', 400, 'QUERY_INVALID'],
    ['/api/client/bob%40example.com/?limit=501', 400, 'QUERY_INVALID'],
    ['/api/client/bob%40example.com/?verbose=1', 400, 'QUERY_INVALID']
  ]
  for (const [url, status, code, message] of cases) {
    const response = await get(url)
    t.equal(response.statusCode, status, url)
    t.equal(response.json().error.code, code, url)
    if (message) t.equal(response.json().error.message, message)
  }
})

test('reporting endpoints answer 401 without the admin token', async (t, { get }) => {

  for (const url of ['/api/client/', '/api/client/bob%40example.com/', '/api/session/']) {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }]) {
      const response = await get(url, headers)
      t.equal(response.statusCode, 401, url)
      t.equal(response.json().error.code, 'ADMIN_TOKEN_REQUIRED')
    }
  }
})

test('the client list pages by service and email with a cursor', async (t, { get, company1, company2 }) => {
  const pages: string[][] = []

  let url = '/api/client/?limit=2'
  for (;;) {
    const body = (await get(url)).json()
    pages.push(body.clients.map(clientKey))
    if (body.next_cursor === null) break
    url = `/api/client/?limit=2&cursor=${body.next_cursor}`
  }
  t.same(pages, [
    [`${company1.id} ann@example.com`, `${company1.id} bob@example.com`],
    [`${company1.id} cy@example.com`, `${company2.id} ann@example.com`]
  ])
})

test('the client list filters by service, flag and last visit', async (t, { get, company1, company2 }) => {
  const emails = async (query: string) => {
    const body = (await get(`/api/client/?${query}`)).json()
    return body.clients.map(clientKey)
  }

  t.same(await emails(`service=${company2.id}`), [`${company2.id} ann@example.com`])
  t.same(await emails('flag=is_click_deposit_button'),
    [`${company1.id} ann@example.com`, `${company1.id} cy@example.com`])
  t.same(await emails(`service=${company1.id}&flag=is_change_password`), [`${company1.id} ann@example.com`])
  t.same(await emails('since=2026-10-09'),
    [`${company1.id} ann@example.com`, `${company1.id} cy@example.com`, `${company2.id} ann@example.com`])
  t.same(await emails('since=2026-10-10T15:00:00%2B02:00'), [`${company1.id} ann@example.com`])
})

test('the client list refuses bad filters with a catalogue code', async (t, { get }) => {
  const cases: Array<[string, number, string]> = [
    ['limit=0', 400, 'QUERY_INVALID'],
    ['limit=ten', 400, 'QUERY_INVALID'],
    ['flag=is_happy', 400, 'QUERY_INVALID'],
    ['since=yesterday', 400, 'QUERY_INVALID'],
    ['since=2026-02-30', 400, 'QUERY_INVALID'],
    ['service=999', 404, 'SERVICE_NOT_FOUND'],
    ['cursor=bm90LWpzb24', 400, 'CURSOR_INVALID'],
    [`cursor=${Buffer.from('["1","x"]').toString('base64url')}`, 400, 'CURSOR_INVALID']
  ]
  for (const [query, status, code] of cases) {
    const response = await get(`/api/client/?${query}`)
    t.equal(response.statusCode, status, query)
    t.equal(response.json().error.code, code, query)
  }
})

test('the visit list pages newest first and filters by service and email', async (t, { get, company1 }) => {
  const ids = (body: { visits: Array<{ session_id: string }> }) => body.visits.map((v) => v.session_id)

  const first = (await get(`/api/session/?service=${company1.id}&limit=4`)).json()
  t.same(ids(first), [SEED.A3, SEED.C1, SEED.B2, SEED.A2])
  const next = `/api/session/?service=${company1.id}&limit=4&cursor=${first.next_cursor}`
  const second = (await get(next)).json()
  t.same(ids(second), [SEED.B1, SEED.A1])
  t.equal(second.next_cursor, null)

  const ann = (await get('/api/session/?email=ann%40example.com&since=2026-10-07')).json()
  t.same(ids(ann), [SEED.A3, SEED.D1, SEED.A2])
  const bad = await get(`/api/session/?cursor=${Buffer.from('["yesterday","x"]').toString('base64url')}`)
  t.equal(bad.json().error.code, 'CURSOR_INVALID')
})

const cursor = (position: unknown[]) => Buffer.from(JSON.stringify(position)).toString('base64url')
const VISIT_ID = '4a11cf3e-048a-4bad-ac8f-6f905e5e5121'

/** Cursors shaped like real ones whose values PostgreSQL would refuse (a 500 before the fix). */
const REFUSED_CURSORS: Array<[string, string]> = [
  ['a fractional service id', `/api/client/?cursor=${cursor([1.5, 'a'])}`],
  ['a service id below the integer range', `/api/client/?cursor=${cursor([-99999999999, 'a'])}`],
  ['a service id above the integer range', `/api/client/?cursor=${cursor([2147483648, 'a'])}`],
  ['a service id of 0', `/api/client/?cursor=${cursor([0, 'a'])}`],
  ['a NUL in the email', `/api/client/?cursor=${cursor([1, 'a\u0000b'])}`],
  ['a lone surrogate in the email', `/api/client/?cursor=${cursor([1, 'a\ud800'])}`],
  ['an email over 254 characters', `/api/client/?cursor=${cursor([1, 'a'.repeat(255)])}`],
  ['February 30', `/api/session/?cursor=${cursor(['2026-02-30T00:00:00.000000Z', VISIT_ID])}`],
  ['hour 99', `/api/session/?cursor=${cursor(['2026-02-01T99:00:00.000000Z', VISIT_ID])}`],
  ['year 0000', `/api/session/?cursor=${cursor(['0000-02-01T00:00:00.000000Z', VISIT_ID])}`],
  ['a time without microseconds', `/api/session/?cursor=${cursor(['2026-02-01T00:00:00Z', VISIT_ID])}`],
  ['a visit id that is not a UUID', `/api/session/?cursor=${cursor(['2026-02-01T00:00:00.000000Z', 'x'])}`],
  ['a visit id as a number', `/api/session/?cursor=${cursor(['2026-02-01T00:00:00.000000Z', 7])}`]
]

test('a cursor holding a value the database would refuse answers CURSOR_INVALID', async (t, { get }) => {
  for (const [name, url] of REFUSED_CURSORS) {
    const response = await get(url)
    t.same([response.statusCode, response.json()], [400, errorBody('CURSOR_INVALID')], name)
  }

  const leapDay = await get(`/api/session/?cursor=${cursor(['2028-02-29T00:00:00.000000Z', VISIT_ID])}`)
  t.equal(leapDay.statusCode, 200, 'a leap day exists')
  t.equal(leapDay.json().visits.length, Object.keys(SEED).length, 'every seeded visit lies before it')
  const last = await get(`/api/client/?cursor=${cursor([2147483647, 'a'])}`)
  t.same([last.statusCode, last.json()], [200, { clients: [], next_cursor: null }], 'the largest id')
})

test('a since that names no real time answers QUERY_INVALID', async (t, { get }) => {
  const refused = errorBody('QUERY_INVALID', 'since must be a real date such as 2026-12-01')
  const urls = [
    '/api/session/?since=2026-02-30T10:00:00Z',
    '/api/session/?since=2026-01-01T24:00:00Z',
    '/api/session/?since=2026-01-01T10:60Z',
    '/api/session/?since=0000-01-01',
    '/api/client/?since=2026-04-31T00:00:00%2B02:00',
    '/api/client/?since=2026-02-29',
    '/api/client/bob%40example.com/?since=2026-02-30T10:00:00Z'
  ]
  for (const url of urls) {
    const response = await get(url)
    t.same([response.statusCode, response.json()], [400, refused], url)
  }
  t.equal((await get('/api/session/?since=2028-02-29T23:59:59.999%2B14:00')).statusCode, 200)
})

test('an email with a NUL or an invisible character answers EMAIL_INVALID', async (t, { get }) => {
  const urls = [
    '/api/session/?email=a%40b.co%00',
    '/api/session/?email=ann%40example.com%E2%80%8E',
    '/api/client/a%00@b.co/',
    '/api/client/rtl%40example.com%E2%80%8E/',
    '/api/client/%E2%80%AE%40example.com/',
    '/api/client/a%E2%80%8Bnn%40example.com/'
  ]
  for (const url of urls) {
    const response = await get(url)
    t.same([response.statusCode, response.json()], [400, errorBody('EMAIL_INVALID')], url)
  }
})

test('a refused cursor is not quoted in the log', async (t, { database }) => {
  const lines: string[] = []
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const logger = { ...(loggerOptions('trace') as object), stream }
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN, logger })
  t.teardown(() => app.close())

  for (const [, url] of REFUSED_CURSORS) await app.inject({ url, headers: ADMIN })
  const log = lines.join('')
  t.match(log, /"statusCode":400/)
  t.notMatch(log, /"level":50/, 'nothing is logged as an error')
  for (const [name, url] of REFUSED_CURSORS) {
    const raw = url.split('cursor=')[1]
    const parts: unknown[] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
    // Short parts (1, "a") would match any line by chance.
    const quoted = parts.map(String).filter((part) => part.length > 6 && log.includes(part))
    t.same([log.includes(raw), quoted], [false, []], name)
  }
})

test('the request log names the route pattern and never the email', async (t, { database }) => {
  const lines: string[] = []
  const stream = new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done() } })
  const logger = { ...(loggerOptions('info') as object), stream }
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN, logger })
  t.teardown(() => app.close())

  await app.inject({ url: '/api/client/bob%40example.com/', headers: ADMIN })
  await app.inject({ url: '/api/client/nobody%40example.com/', headers: ADMIN })
  const log = lines.join('')
  t.match(log, /"route":"\/api\/client\/:email\/"/)
  t.notMatch(log, /bob|nobody|example\.com/)
})

test('the OpenAPI document describes the reporting endpoints; its UI works offline', async (t, { app }) => {
  const document = (await app.inject({ url: '/docs/json' })).json()
  const client = document.paths['/api/client/{email}/'].get
  t.same(client.security, [{ adminToken: [] }])
  t.same(Object.keys(client.responses).sort(), ['200', '400', '401', '404'])
  t.ok(document.paths['/api/client/'].get.parameters.some((p: { name: string }) => p.name === 'cursor'))
  t.ok(document.paths['/api/session/'].get)
  t.notOk(Object.keys(document.paths).some((path) => path.startsWith('/admin') || path.startsWith('/docs')))

  const page = await app.inject({ url: '/docs' })
  t.equal(page.statusCode, 200)
  t.notMatch(page.body, /(src|href)="https?:/, 'no asset comes from another host')
  const bundle = await app.inject({ url: '/docs/static/swagger-ui-bundle.js' })
  t.equal(bundle.statusCode, 200)
})

// One seeded database per kind for the whole file: these tests only read (PGlite starts slowly).
eachDatabase(t, 'reporting API on seeded data', async (t, database) => {
  const { company1, company2 } = await seedReport(database.db)
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN })
  t.teardown(() => app.close())
  const get = (url: string, headers: Headers = ADMIN) => app.inject({ method: 'GET', url, headers })
  const world = { app, get, database, company1, company2 }
  for (const [name, body] of TESTS) await t.test(name, (t) => body(t, world))
})
