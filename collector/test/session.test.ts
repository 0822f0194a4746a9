import t from 'tap'
import { eachDatabase } from './databases.js'
import { ADMIN, testApp } from './app.js'

const SESSION = '6f1c8b1e-3c2a-4f4b-9a57-1d2e3f4a5b6c'
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
const FLAGS = {
  is_click_platform: false,
  is_click_personal_account: false,
  is_write_to_support: false,
  is_click_deposit_button: false,
  is_click_contacts: false,
  is_change_password: false
}

eachDatabase(t, 'a visit is created with a client-chosen id and read back whole', async (t, database) => {
  const { app, service } = await testApp(t, database)

  const created = await app.inject({
    method: 'POST',
    url: '/api/session/',
    headers: { 'user-agent': IPHONE },
    payload: { email: '  Ann@Example.COM ', service: service.id, session_id: SESSION.toUpperCase() }
  })
  t.equal(created.statusCode, 201)
  t.same(created.json(), { session_id: SESSION })

  const read = await app.inject({ method: 'GET', url: `/api/session/${SESSION}`, headers: ADMIN })
  t.equal(read.statusCode, 200)
  const { login_time, ...visit } = read.json()
  t.ok(Math.abs(Date.parse(login_time) - Date.now()) < 60_000, 'login_time is the server time of creation')
  t.same(visit, {
    session_id: SESSION,
    service_id: service.id,
    email: 'ann@example.com',
    user_agent: IPHONE,
    ip_address: '127.0.0.1',
    browser: 'Mobile Safari',
    browser_version: '17.0',
    os: 'iOS',
    os_version: '17.0',
    device_type: 'mobile',
    device_vendor: 'Apple',
    device_model: 'iPhone',
    logout_time: null,
    ...FLAGS,
    password_changed_at: null,
    active_seconds: 0,
    urls: [],
    buttons: []
  })
})

eachDatabase(t, 'the collector chooses a UUID v4 when the client sends none', async (t, database) => {
  const { app, service } = await testApp(t, database)
  const created = await app.inject({
    method: 'POST', url: '/api/session', payload: { email: 'bob@example.com', service: service.id }
  })
  t.equal(created.statusCode, 201)
  t.match(created.json().session_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
})

eachDatabase(t, 'a retried create answers 200 and a reused id answers 409', async (t, database) => {
  const { app, service } = await testApp(t, database)
  const other = await app.inject({
    method: 'POST', url: '/api/service/', headers: ADMIN, payload: { service_name: 'Company2' }
  })
  const create = (payload: object) => app.inject({ method: 'POST', url: '/api/session/', payload })
  const first = { email: 'ann@example.com', service: service.id, session_id: SESSION }

  t.equal((await create(first)).statusCode, 201)
  const retry = await create({ ...first, email: 'ANN@example.com', is_click_contacts: true })
  t.equal(retry.statusCode, 200)
  t.same(retry.json(), { session_id: SESSION })

  const otherEmail = await create({ ...first, email: 'eve@example.com' })
  t.equal(otherEmail.statusCode, 409)
  t.equal(otherEmail.json().error.code, 'SESSION_CONFLICT')
  const otherService = await create({ ...first, service: other.json().id })
  t.equal(otherService.statusCode, 409)

  const visit = await app.inject({ method: 'GET', url: `/api/session/${SESSION}/`, headers: ADMIN })
  t.equal(visit.json().is_click_contacts, true, 'the retry still applies its facts')
  t.equal(visit.json().email, 'ann@example.com')
})

eachDatabase(t, 'a create refuses bad emails, unknown services and foreign IP addresses',
  async (t, database) => {
  const { app, service } = await testApp(t, database)
  const ann = { email: 'ann@example.com', service: service.id }
  const cases: Array<[string, object, Record<string, string>, number, string]> = [
    ['no @', { email: 'ann.example.com', service: service.id }, {}, 400, 'EMAIL_INVALID'],
    ['space inside', { email: 'ann @example.com', service: service.id }, {}, 400, 'EMAIL_INVALID'],
    ['no dot in domain', { email: 'ann@localhost', service: service.id }, {}, 400, 'EMAIL_INVALID'],
    ['unknown service', { email: 'ann@example.com', service: 999 }, {}, 400, 'SERVICE_UNKNOWN'],
    ['service as string', { email: 'ann@example.com', service: '1' }, {}, 400, 'BODY_INVALID'],
    ['missing email', { service: service.id }, {}, 400, 'BODY_INVALID'],
    ['unknown field', { ...ann, admin: true }, {}, 400, 'BODY_INVALID'],
    ['bad session id', { ...ann, session_id: 'x' }, {}, 400, 'BODY_INVALID'],
    ['ip without token', { ...ann, ip_address: '1.2.3.4' }, {}, 403, 'IP_ADDRESS_ADMIN_ONLY'],
    ['bad ip with token', { ...ann, ip_address: '1.2.3' }, ADMIN, 400, 'IP_ADDRESS_INVALID'],
    ['logout long ago', { ...ann, logout_time: '2020-01-01T00:00:00Z' }, {}, 400, 'LOGOUT_TIME_OUT_OF_RANGE']
  ]
  for (const [name, payload, headers, status, code] of cases) {
    const response = await app.inject({ method: 'POST', url: '/api/session/', headers, payload })
    t.equal(response.statusCode, status, name)
    t.equal(response.json().error.code, code, name)
  }
  const count = await database.db.selectFrom('user_session')
    .select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()
  t.equal(Number(count?.n), 0, 'nothing was stored')
})

eachDatabase(t, 'an admin may record the visitor address; IPv4-mapped IPv6 is stored as IPv4',
  async (t, database) => {
  const { app, service } = await testApp(t, database)
  const cases: Array<[string, string, string]> = [
    ['::ffff:203.0.113.9', '203.0.113.9', SESSION],
    ['::ffff:cb00:710a', '203.0.113.10', '6f1c8b1e-3c2a-4f4b-9a57-1d2e3f4a5b6e'],
    ['0:0:0:0:0:FFFF:CB00:710B', '203.0.113.11', '6f1c8b1e-3c2a-4f4b-9a57-1d2e3f4a5b6f']
  ]
  for (const [sent, stored, id] of cases) {
    const response = await app.inject({
      method: 'POST', url: '/api/session/', headers: ADMIN,
      payload: { email: 'ann@example.com', service: service.id, session_id: id, ip_address: sent }
    })
    t.equal(response.statusCode, 201, sent)
    const visit = await app.inject({ method: 'GET', url: `/api/session/${id}/`, headers: ADMIN })
    t.equal(visit.json().ip_address, stored, sent)
  }
})

eachDatabase(t, 'a User-Agent header over 1024 characters is stored cut to 1024', async (t, database) => {
  const { app, service } = await testApp(t, database)
  const huge = IPHONE.padEnd(5000, ' x')
  const batchVisit = '6f1c8b1e-3c2a-4f4b-9a57-1d2e3f4a5b6d'
  const now = new Date().toISOString()

  const single = await app.inject({
    method: 'POST', url: '/api/session/', headers: { 'user-agent': huge },
    payload: { email: 'ann@example.com', service: service.id, session_id: SESSION }
  })
  const batch = await app.inject({
    method: 'POST', url: `/api/session/${batchVisit}/batch/`, headers: { 'user-agent': huge },
    payload: { sent_at: now, items: [
      { type: 'create', at: now, service: service.id, email: 'bob@example.com' }
    ] }
  })
  t.same([single.statusCode, batch.statusCode, batch.json().results], [201, 200, [{ status: 201 }]])

  for (const id of [SESSION, batchVisit]) {
    const visit = (await app.inject({ method: 'GET', url: `/api/session/${id}/`, headers: ADMIN })).json()
    t.equal(visit.user_agent.length, 1024, id)
    t.equal(visit.user_agent, huge.slice(0, 1024), id)
    t.same([visit.browser, visit.os, visit.device_type], ['Mobile Safari', 'iOS', 'mobile'], id)
  }
})
