import t from 'tap'
import type { InjectOptions } from 'fastify'
import type { DatabaseHandle } from '../db/database.js'
import { errorBody } from '../errors.js'
import { ADMIN } from './app.js'
import { hardenedApp, perDatabase } from './hardening.js'

// Every endpoint against bad input: each case answers its documented status and code, stores
// and changes nothing (every table is compared whole), and the collector keeps answering.

const SESSION = '6f1c8b1e-3c2a-4f4b-9a57-00000000b001'
const UNKNOWN = '6f1c8b1e-3c2a-4f4b-9a57-00000000b0ff'
const EVENT = '0b1e4c2a-9d8f-4e6a-8b7c-6d5e4f3a2b1c'
const BUTTON_EVENT = '1b1e4c2a-9d8f-4e6a-8b7c-6d5e4f3a2b1c'
const JSON_TYPE = { 'content-type': 'application/json' }

type Case = [name: string, request: InjectOptions, status: number, code: string | null]

const body = (method: InjectOptions['method'], url: string, payload: unknown, headers = {}): InjectOptions =>
  ({ method, url, payload: payload as InjectOptions['payload'], headers })
type Headers = Record<string, string>
const raw = (url: string, payload: string | Buffer, headers: Headers = JSON_TYPE): InjectOptions =>
  ({ method: 'POST', url, payload, headers })
const invalidUtf8 = (prefix: string) => Buffer.concat([Buffer.from(prefix), Buffer.from([0xc3, 0x28]),
  Buffer.from('"}')])

function cases(service: number): Case[] {
  const create = (fields: object) => body('POST', '/api/session/',
    { email: 'ann@example.com', service, ...fields })
  const visit = `/api/session/${SESSION}/`
  const url = `${visit}url/`
  const button = `${visit}button/`
  const page = { url: 'https://shop.example/a', is_external_resource: false }
  return [
    // POST /api/session/
    ['create: email of the wrong type', create({ email: 42 }), 400, 'BODY_INVALID'],
    ['create: service as a string', create({ service: String(service) }), 400, 'BODY_INVALID'],
    ['create: flag as a string', create({ is_click_platform: 'true' }), 400, 'BODY_INVALID'],
    ['create: no email', body('POST', '/api/session/', { service }), 400, 'BODY_INVALID'],
    ['create: no service', body('POST', '/api/session/', { email: 'ann@example.com' }), 400, 'BODY_INVALID'],
    ['create: an extra field', create({ is_admin: true }), 400, 'BODY_INVALID'],
    ['create: not an email', create({ email: 'ann at example.com' }), 400, 'EMAIL_INVALID'],
    ['create: an email over 254 characters', create({ email: `${'a'.repeat(250)}@example.com` }), 400,
      'EMAIL_INVALID'],
    ['create: an email over 320 characters', create({ email: `${'a'.repeat(320)}@x.example` }), 400,
      'BODY_INVALID'],
    ['create: a huge user agent', create({ user_agent: 'M'.repeat(5000) }), 400, 'BODY_INVALID'],
    ['create: a body over the limit', create({ user_agent: 'M'.repeat(70_000) }), 413, 'BODY_TOO_LARGE'],
    ['create: a malformed session id', create({ session_id: 'not-a-uuid' }), 400, 'BODY_INVALID'],
    ['create: an unknown service', create({ service: 999999 }), 400, 'SERVICE_UNKNOWN'],
    ['create: a service id out of range', create({ service: 2 ** 31 }), 400, 'BODY_INVALID'],
    ['create: replayed for another email', create({ email: 'eve@example.com', session_id: SESSION }), 409,
      'SESSION_CONFLICT'],
    ['create: logout_time without offset', create({ logout_time: '2026-01-01T10:00:00' }), 400,
      'BODY_INVALID'],
    ['create: logout_time far in the past', create({ logout_time: '1999-01-01T10:00:00Z' }), 400,
      'LOGOUT_TIME_OUT_OF_RANGE'],
    ['create: logout_time far ahead', create({ logout_time: '2999-01-01T10:00:00Z' }), 400,
      'LOGOUT_TIME_OUT_OF_RANGE'],
    ['create: logout_time on February 30', create({ logout_time: '2026-02-30T10:00:00Z' }), 400,
      'BODY_INVALID'],
    ['create: logout_time in month 13', create({ logout_time: '2026-13-01T00:00:00+03:00' }), 400,
      'BODY_INVALID'],
    ['create: logout_time at hour 25', create({ logout_time: '2026-01-01T25:00:00Z' }), 400,
      'BODY_INVALID'],
    ['create: ip_address without the token', create({ ip_address: '198.51.100.1' }), 403,
      'IP_ADDRESS_ADMIN_ONLY'],
    ['create: a bad ip_address', { ...create({ ip_address: '300.1.1.1' }), headers: ADMIN }, 400,
      'IP_ADDRESS_INVALID'],
    ['create: active_seconds negative', create({ active_seconds: -1 }), 400, 'BODY_INVALID'],
    ['create: NUL in the email', create({ email: 'ann\u0000@example.com' }), 400, 'TEXT_HAS_NUL'],
    ['create: a lone surrogate',
      raw('/api/session/', `{"email":"a\\ud800@example.com","service":${service}}`), 400,
      'BODY_NOT_UTF8'],
    ['create: invalid UTF-8', raw('/api/session/', invalidUtf8('{"email":"ann@example.com","x":"')), 400,
      'BODY_NOT_UTF8'],
    ['create: not JSON', raw('/api/session/', '{"email":'), 400, 'BODY_NOT_JSON'],
    ['create: __proto__', raw('/api/session/', '{"__proto__":{"admin":true}}'), 400, 'BODY_NOT_JSON'],
    ['create: a JSON array', raw('/api/session/', '[]'), 400, 'BODY_INVALID'],
    ['create: JSON null', raw('/api/session/', 'null'), 400, 'BODY_INVALID'],
    ['create: an empty body', raw('/api/session/', ''), 400, 'BODY_INVALID'],
    ['create: a form body',
      raw('/api/session/', 'email=a', { 'content-type': 'application/x-www-form-urlencoded' }), 415,
      'CONTENT_TYPE_UNSUPPORTED'],
    // PUT and POST /api/session/<id>/
    ['update: an empty object', body('PUT', visit, {}), 400, 'BODY_EMPTY'],
    ['update: a flag of the wrong type', body('PUT', visit, { is_change_password: 1 }), 400, 'BODY_INVALID'],
    ['update: an extra field', body('PUT', visit, { email: 'eve@example.com' }), 400, 'BODY_INVALID'],
    ['update: a malformed id', body('PUT', '/api/session/123/', { is_click_contacts: true }), 400,
      'SESSION_ID_INVALID'],
    ['update: an unknown id', body('PUT', `/api/session/${UNKNOWN}/`, { is_click_contacts: true }), 404,
      'SESSION_NOT_FOUND'],
    ['update: logout_time before the visit', body('POST', visit, { logout_time: '2001-01-01T00:00:00Z' }),
      400,
      'LOGOUT_TIME_OUT_OF_RANGE'],
    ['update: logout_time on February 30', body('PUT', visit, { logout_time: '2026-02-30T10:00:00Z' }), 400,
      'BODY_INVALID'],
    ['update: logout_time with a bad offset', body('PUT', visit, { logout_time: '2026-01-01T10:00:00+5' }),
      400,
      'BODY_INVALID'],
    ['update: active_seconds over a week', body('PUT', visit, { active_seconds: 7 * 24 * 3600 + 1 }), 400,
      'BODY_INVALID'],
    ['update: a body over the limit', body('PUT', visit, { user_agent: 'x'.repeat(70_000) }), 413,
      'BODY_TOO_LARGE'],
    // POST /api/session/<id>/url/
    ['url: is_external_resource as a string', body('POST', url, { ...page, is_external_resource: 'no' }), 400,
      'BODY_INVALID'],
    ['url: no url', body('POST', url, { is_external_resource: true }), 400, 'BODY_INVALID'],
    ['url: an extra field', body('POST', url, { ...page, date: '2026-01-01T00:00:00Z' }), 400,
      'BODY_INVALID'],
    ['url: a relative url', body('POST', url, { ...page, url: '/cart' }), 400, 'URL_INVALID'],
    ['url: a javascript: url', body('POST', url, { ...page, url: 'javascript:alert(1)' }), 400,
      'URL_INVALID'],
    ['url: a url over 8192 characters',
      body('POST', url, { ...page, url: `https://a.example/${'p'.repeat(8200)}` }), 400,
      'BODY_INVALID'],
    ['url: a malformed event id', body('POST', url, { ...page, event_id: 'e1' }), 400, 'BODY_INVALID'],
    ['url: a replayed event with other content', body('POST', url, { ...page, event_id: EVENT }), 409,
      'EVENT_CONFLICT'],
    ['url: a replayed event',
      body('POST', url, { url: 'https://shop.example/first', is_external_resource: false,
      event_id: EVENT }), 200, null],
    ['url: an unknown session', body('POST', `/api/session/${UNKNOWN}/url/`, page), 404, 'SESSION_NOT_FOUND'],
    ['url: a malformed session', body('POST', '/api/session/zzzz/url/', page), 400, 'SESSION_ID_INVALID'],
    ['url: NUL in the url', body('POST', url, { ...page, url: 'https://shop.example/\u0000' }), 400,
      'TEXT_HAS_NUL'],
    ['url: invalid UTF-8', raw(url, invalidUtf8('{"is_external_resource":false,"url":"https://a.example/')),
      400,
      'BODY_NOT_UTF8'],
    // POST /api/session/<id>/button/
    ['button: text of the wrong type', body('POST', button, { button_text: ['Pay'] }), 400, 'BODY_INVALID'],
    ['button: no text', body('POST', button, { url: 'https://shop.example/' }), 400, 'BODY_INVALID'],
    ['button: only spaces', body('POST', button, { button_text: '   \n ' }), 400, 'BUTTON_TEXT_INVALID'],
    ['button: text over 1000 characters after trimming',
      body('POST', button, { button_text: 'b'.repeat(1001) }), 400,
      'BUTTON_TEXT_INVALID'],
    ['button: text over 4000 characters', body('POST', button, { button_text: 'b'.repeat(4001) }), 400,
      'BODY_INVALID'],
    ['button: an extra field', body('POST', button, { button_text: 'Pay', session_id: SESSION }), 400,
      'BODY_INVALID'],
    ['button: a bad page url', body('POST', button, { button_text: 'Pay', url: 'mailto:a@b.example' }), 400,
      'URL_INVALID'],
    ['button: a replayed event', body('POST', button, { button_text: 'First', event_id: BUTTON_EVENT }), 200,
      null],
    ['button: NUL in a key', raw(button, '{"button_text":"Pay","a\\u0000":1}'), 400, 'TEXT_HAS_NUL'],
    // GET /api/session/<id>/ (admin)
    ['read: a malformed id', { method: 'GET', url: '/api/session/%20/', headers: ADMIN }, 400,
      'SESSION_ID_INVALID'],
    ['read: an unknown id', { method: 'GET', url: `/api/session/${UNKNOWN}/`, headers: ADMIN }, 404,
      'SESSION_NOT_FOUND'],
    // /api/service/ (admin)
    ['service: a name of the wrong type', body('POST', '/api/service/', { service_name: 7 }, ADMIN), 400,
      'BODY_INVALID'],
    ['service: a blank name', body('POST', '/api/service/', { service_name: '   ' }, ADMIN), 400,
      'BODY_INVALID'],
    ['service: a name over 200 characters',
      body('POST', '/api/service/', { service_name: 'n'.repeat(201) }, ADMIN), 400,
      'BODY_INVALID'],
    ['service: a taken name', body('POST', '/api/service/', { service_name: 'BadInput' }, ADMIN), 409,
      'SERVICE_NAME_TAKEN'],
    ['origins: not a list', body('PATCH', `/api/service/${service}/`, { allowed_origins: 'x' }, ADMIN), 400,
      'BODY_INVALID'],
    ['origins: a path',
      body('PATCH', `/api/service/${service}/`, { allowed_origins: ['https://a.example/p'] }, ADMIN),
      400, 'ORIGIN_INVALID'],
    ['origins: a malformed id', body('PATCH', '/api/service/x/', { allowed_origins: [] }, ADMIN), 400,
      'SERVICE_ID_INVALID'],
    ['origins: an unknown id', body('PATCH', '/api/service/999999/', { allowed_origins: [] }, ADMIN), 404,
      'SERVICE_NOT_FOUND'],
    // DELETE /api/client/<email>/ (admin)
    ['erase: not an email',
      { method: 'DELETE', url: `/api/client/nobody/?service=${service}`, headers: ADMIN }, 400,
      'EMAIL_INVALID'],
    ['erase: no service', { method: 'DELETE', url: '/api/client/ann@example.com/', headers: ADMIN }, 400,
      'QUERY_INVALID'],
    // Paths and methods
    ['a path with bad percent-encoding', { method: 'GET', url: '/api/session/%E0%A4%A/' }, 400,
      'PATH_INVALID'],
    ['an unknown path', { method: 'POST', url: '/api/sessions/' }, 404, 'ROUTE_NOT_FOUND'],
    ['a method no endpoint answers', { method: 'DELETE', url: visit }, 404, 'ROUTE_NOT_FOUND']
  ]
}

/** Every row of every table, to compare before and after a refused request. */
async function snapshot(database: DatabaseHandle) {
  const tables = ['service', 'user_session', 'url_log', 'button_log'] as const
  const rows = await Promise.all(tables.map((table) => database.db.selectFrom(table).selectAll().execute()))
  return JSON.stringify(rows)
}

perDatabase(t, async (t, database) => {
  const { app, service } = await hardenedApp(t, database)
  await app.inject(body('POST', '/api/service/', { service_name: 'BadInput' }, ADMIN))
  const setup = [
    body('POST', '/api/session/', { email: 'ann@example.com', service: service.id, session_id: SESSION }),
    body('POST', `/api/session/${SESSION}/url/`,
      { url: 'https://shop.example/first', is_external_resource: false,
      event_id: EVENT }),
    body('POST', `/api/session/${SESSION}/button/`, { button_text: 'First', event_id: BUTTON_EVENT })
  ]
  for (const request of setup) t.equal((await app.inject(request)).statusCode, 201, 'set-up')

  for (const [name, request, status, code] of cases(service.id)) {
    const before = await snapshot(database)
    const response = await app.inject(request)
    t.equal(response.statusCode, status, name)
    if (code) t.same(response.json(),
      { success: false, error: { code, message: response.json().error?.message } }, name)
    t.equal(await snapshot(database), before, `${name}: nothing stored or changed`)
    t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200,
      `${name}: still answering`)
  }
})

perDatabase(t, async (t, database) => {
  const { app, service, visit } = await hardenedApp(t, database)
  const id = visit(1)
  const create = (logout_time: string) => body('POST', '/api/session/',
    { email: 'ann@example.com', service: service.id, session_id: id, logout_time })
  const notReal = (field: string) =>
    ({ code: 'BODY_INVALID', message: `${field} is not a real date and time` })
  const now = new Date().toISOString()
  const batch = (sentAt: string, items: object[]) => body('POST', `/api/session/${id}/batch/`,
    { sent_at: sentAt, items })

  await t.test('a time that cannot exist is malformed input naming its field', async (t) => {
    const cases: Array<[string, InjectOptions, number, unknown]> = [
      ['February 30', create('2026-02-30T10:00:00Z'), 400, notReal('body/logout_time')],
      ['month 13 with an offset', create('2026-13-01T00:00:00+03:00'), 400, notReal('body/logout_time')],
      ['hour 25', create('2026-01-01T25:00:00Z'), 400, notReal('body/logout_time')],
      ['minute 60', create('2026-01-01T10:60:00Z'), 400, notReal('body/logout_time')],
      ['an offset of 24 hours', create('2026-01-01T10:00:00+24:00'), 400, notReal('body/logout_time')],
      ['an update on February 29 of 2026', body('PUT', `/api/session/${id}/`,
        { logout_time: '2026-02-29T10:00:00Z' }), 400, notReal('body/logout_time')],
      ['a batch sent on February 30', batch('2026-02-30T10:00:00Z', [{ type: 'update', at: now }]), 400,
        notReal('body/sent_at')]
    ]
    for (const [name, request, status, error] of cases) {
      const response = await app.inject(request)
      t.same([response.statusCode, response.json()], [status, { success: false, error }], name)
    }
  })

  await t.test('a batch item with a time that cannot exist is refused on its own', async (t) => {
    const response = await app.inject(batch(now, [
      { type: 'update', at: '2026-04-31T10:00:00Z', is_click_contacts: true },
      { type: 'update', at: now, logout_time: '2026-01-01T25:00:00Z' },
      { type: 'update', at: '2001-01-01T10:00:00Z', is_click_contacts: true }
    ]))
    t.equal(response.statusCode, 200)
    t.same(response.json().results, [
      { status: 400, error: notReal('items/0/at') },
      { status: 400, error: notReal('items/1/logout_time') },
      { status: 400, error: errorBody('CLIENT_TIME_OUT_OF_RANGE').error }
    ])
  })

  await t.test('a real time too far away is still out of range', async (t) => {
    const cases: Array<[string, InjectOptions]> = [
      ['long ago', create('1999-01-01T10:00:00Z')],
      ['a leap day years ahead', create('2096-02-29T10:00:00Z')]
    ]
    for (const [name, request] of cases) {
      const response = await app.inject(request)
      t.same([response.statusCode, response.json()], [400, errorBody('LOGOUT_TIME_OUT_OF_RANGE')], name)
    }
  })
})
