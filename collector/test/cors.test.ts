import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ensureService } from '../db/service-queries.js'
import { errorBody } from '../errors.js'
import { ADMIN } from './app.js'
import { hardenedApp, perDatabase, rowCounts } from './hardening.js'

const SHOP = 'https://shop.example'
const EVIL = 'https://evil.example'

function setOrigins(app: FastifyInstance, service: number, origins: unknown[], headers = ADMIN) {
  return app.inject({ method: 'PATCH', url: `/api/service/${service}/`, headers,
    payload: { allowed_origins: origins } })
}

function createVisit(app: FastifyInstance, service: number, id: string, origin?: string) {
  return app.inject({
    method: 'POST',
    url: '/api/session/',
    headers: origin ? { origin } : {},
    payload: { email: 'ann@example.com', service, session_id: id }
  })
}

function logUrl(app: FastifyInstance, id: string, origin: string, contentType = 'application/json') {
  return app.inject({
    method: 'POST',
    url: `/api/session/${id}/url/`,
    headers: { origin, 'content-type': contentType },
    payload: JSON.stringify({ url: 'https://shop.example/cart', is_external_resource: false })
  })
}

function preflight(app: FastifyInstance, url: string, origin: string, method: string) {
  return app.inject({
    method: 'OPTIONS',
    url,
    headers: { origin, 'access-control-request-method': method,
      'access-control-request-headers': 'content-type' }
  })
}

perDatabase(t, async (t, database) => {
  t.test('allowed origins are set with PATCH, normalized, and need the admin token', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)

    const anonymous = await setOrigins(app, service.id, [SHOP], {} as typeof ADMIN)
    t.equal(anonymous.statusCode, 401)
    t.same(anonymous.json(), errorBody('ADMIN_TOKEN_REQUIRED'))

    const set = await setOrigins(app, service.id,
      ['https://Shop.Example:443/', 'http://localhost:3000', SHOP])
    t.equal(set.statusCode, 200)
    t.same(set.json(), {
      id: service.id,
      service_name: service.service_name,
      allowed_origins: ['https://shop.example', 'http://localhost:3000']
    })
    const stored = await database.db.selectFrom('service').select('allowed_origins')
      .where('id', '=', service.id).executeTakeFirstOrThrow()
    t.same(stored.allowed_origins, ['https://shop.example', 'http://localhost:3000'])

    const cleared = await setOrigins(app, service.id, [])
    t.same(cleared.json().allowed_origins, [])
  })

  t.test('a bad origin list or service id is refused with its code and changes nothing', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    await setOrigins(app, service.id, [SHOP])

    const cases: Array<[string, unknown, number, string]> = [
      ['a path', ['https://shop.example/cart'], 400, 'ORIGIN_INVALID'],
      ['another scheme', ['ftp://shop.example'], 400, 'ORIGIN_INVALID'],
      ['a wildcard', ['*'], 400, 'ORIGIN_INVALID'],
      ['the opaque origin', ['null'], 400, 'ORIGIN_INVALID'],
      ['credentials', ['https://ann@shop.example'], 400, 'ORIGIN_INVALID'],
      ['a query', ['https://shop.example?x=1'], 400, 'ORIGIN_INVALID'],
      ['a number', [42], 400, 'BODY_INVALID'],
      ['an empty string', [''], 400, 'BODY_INVALID'],
      ['a string, not a list', SHOP, 400, 'BODY_INVALID'],
      ['too many origins', Array.from({ length: 101 }, (_, i) => `https://s${i}.example`), 400,
        'BODY_INVALID']
    ]
    for (const [name, origins, status, code] of cases) {
      const response = await app.inject({
        method: 'PATCH', url: `/api/service/${service.id}/`, headers: ADMIN,
          payload: { allowed_origins: origins }
      })
      t.equal(response.statusCode, status, name)
      t.equal(response.json().error.code, code, name)
    }

    const extra = await app.inject({
      method: 'PATCH', url: `/api/service/${service.id}/`, headers: ADMIN,
      payload: { allowed_origins: [SHOP], service_name: 'Renamed' }
    })
    t.equal(extra.json().error.code, 'BODY_INVALID')
    t.equal((await setOrigins(app, 999999, [SHOP])).json().error.code, 'SERVICE_NOT_FOUND')
    for (const id of ['abc', '0', '-1', '99999999999', '2147483648']) {
      const response = await app.inject({
        method: 'PATCH', url: `/api/service/${id}/`, headers: ADMIN, payload: { allowed_origins: [SHOP] }
      })
      t.same([response.statusCode, response.json().error.code], [400, 'SERVICE_ID_INVALID'], `id ${id}`)
    }

    const stored = await database.db.selectFrom('service').select(['service_name', 'allowed_origins'])
      .where('id', '=', service.id).executeTakeFirstOrThrow()
    t.same(stored, { service_name: service.service_name, allowed_origins: [SHOP] })
  })

  t.test('a browser from an allowed origin gets allow headers for that origin only', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    await setOrigins(app, service.id, [SHOP])

    const created = await createVisit(app, service.id, visit(1), SHOP)
    t.equal(created.statusCode, 201)
    t.equal(created.headers['access-control-allow-origin'], SHOP)
    t.match(created.headers.vary, /Origin/)
    t.equal(created.headers['access-control-expose-headers'], 'Retry-After')

    const logged = await logUrl(app, visit(1), SHOP, 'text/plain;charset=UTF-8')
    t.equal(logged.statusCode, 201, 'a text/plain beacon needs no preflight and is stored')
    t.equal(logged.headers['access-control-allow-origin'], SHOP)

    const star = await createVisit(app, service.id, visit(2), '*')
    t.equal(star.headers['access-control-allow-origin'], undefined, 'never *')
  })

  t.test('writes from an origin outside the list are refused with 403 and stored nowhere', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    const other = await ensureService(database.db, `${service.service_name}-other`)
    await setOrigins(app, service.id, [SHOP])
    await setOrigins(app, other.id, [EVIL])
    t.equal((await createVisit(app, service.id, visit(1), SHOP)).statusCode, 201)
    const before = await rowCounts(database)

    const created = await createVisit(app, service.id, visit(2), EVIL)
    t.equal(created.statusCode, 403)
    t.same(created.json(), errorBody('ORIGIN_NOT_ALLOWED'))
    t.equal(created.headers['access-control-allow-origin'], undefined)
    t.match(created.headers.vary, /Origin/)

    const logged = await logUrl(app, visit(1), EVIL)
    t.equal(logged.statusCode, 403, "another service's origin cannot write to this service's visit")
    t.equal(logged.headers['access-control-allow-origin'], undefined)

    const updated = await app.inject({
      method: 'PUT', url: `/api/session/${visit(1)}/`, headers: { origin: 'https://nobody.example' },
      payload: { is_click_deposit_button: true }
    })
    t.equal(updated.statusCode, 403)
    t.same(await rowCounts(database), before)
    const stored = await database.db.selectFrom('user_session').select('is_click_deposit_button')
      .where('session_id', '=', visit(1)).executeTakeFirstOrThrow()
    t.equal(stored.is_click_deposit_button, false)
  })

  t.test('an encoded path or a batch naming a lenient service still meets the visit\'s list', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    const open = await ensureService(database.db, `${service.service_name}-open`)
    await setOrigins(app, service.id, [SHOP])
    t.equal((await createVisit(app, service.id, visit(1), SHOP)).statusCode, 201)
    const before = await rowCounts(database)

    const encodedCreate = await app.inject({
      method: 'POST', url: '/%61pi/session/', headers: { origin: EVIL },
      payload: { email: 'ann@example.com', service: service.id, session_id: visit(2) }
    })
    const encodedUpdate = await app.inject({
      method: 'PUT', url: `/api/sessio%6E/${visit(1)}/`, headers: { origin: EVIL },
      payload: { is_click_deposit_button: true }
    })
    const at = new Date().toISOString()
    const batch = await app.inject({
      method: 'POST', url: `/api/session/${visit(1)}/batch/`, headers: { origin: EVIL },
      payload: { sent_at: at, items: [
        { type: 'create', at, service: open.id, email: 'x@example.com' },
        { type: 'url', at, url: 'https://evil.example/injected', is_external_resource: true },
        { type: 'update', at, is_click_deposit_button: true }
      ] }
    })
    t.same([encodedCreate.statusCode, encodedUpdate.statusCode, batch.statusCode], [403, 403, 403])
    t.same(batch.json(), errorBody('ORIGIN_NOT_ALLOWED'))
    t.same(await rowCounts(database), before)
    const stored = await database.db.selectFrom('user_session').select('is_click_deposit_button')
      .where('session_id', '=', visit(1)).executeTakeFirstOrThrow()
    t.equal(stored.is_click_deposit_button, false)
  })

  t.test('a batch is checked against every create item, not only the first', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    const open = await ensureService(database.db, `${service.service_name}-open`)
    await setOrigins(app, service.id, [SHOP])
    const before = await rowCounts(database)

    const at = new Date().toISOString()
    const decoys: unknown[] = [
      { type: 'create', at, service: open.id, email: 'not-an-email' },
      { type: 'create', at, service: String(open.id), email: 'decoy@example.com' },
      { type: 'create', at, service: 999_999, email: 'decoy@example.com' }
    ]
    for (const [index, decoy] of decoys.entries()) {
      const batch = await app.inject({
        method: 'POST', url: `/api/session/${visit(index + 1)}/batch/`, headers: { origin: EVIL },
        payload: { sent_at: at, items: [
          decoy,
          { type: 'create', at, service: service.id, email: 'victim@example.com' },
          { type: 'button', at, button_text: 'planted' }
        ] }
      })
      t.equal(batch.statusCode, 403, JSON.stringify(decoy))
      t.equal(batch.headers['access-control-allow-origin'], undefined)
    }
    t.same(await rowCounts(database), before)

    const allowed = await app.inject({
      method: 'POST', url: `/api/session/${visit(9)}/batch/`, headers: { origin: EVIL },
      payload: { sent_at: at, items: [{ type: 'create', at, service: open.id, email: 'ann@example.com' }] }
    })
    t.same(allowed.json().results, [{ status: 201 }], 'a service with an empty list takes any origin')
  })

  t.test('servers without Origin, and any origin for a service with an empty list, may write', async (t) => {
      const { app, service, visit } = await hardenedApp(t, database)
      const open = await ensureService(database.db, `${service.service_name}-other`)
      await setOrigins(app, service.id, [SHOP])

      t.equal((await createVisit(app, service.id, visit(1))).statusCode, 201, 'no Origin: a server')
      const anywhere = await createVisit(app, open.id, visit(2), 'https://any.example')
      t.equal(anywhere.statusCode, 201)
      t.equal(anywhere.headers['access-control-allow-origin'], 'https://any.example')
      t.equal((await logUrl(app, visit(2), 'https://else.example')).statusCode, 201)
    })

  t.test('preflights for PUT and JSON bodies answer allowed origins and no one else', async (t) => {
    // A preflight is answered for origins that some service allows, so no service may allow all.
    await database.db.updateTable('service').set({ allowed_origins: [SHOP] }).execute()
    const { app, service, visit } = await hardenedApp(t, database)
    await setOrigins(app, service.id, [SHOP])
    await createVisit(app, service.id, visit(1))

    const put = await preflight(app, `/api/session/${visit(1)}/`, SHOP, 'PUT')
    t.equal(put.statusCode, 204)
    t.equal(put.headers['access-control-allow-origin'], SHOP)
    t.equal(put.headers['access-control-allow-methods'], 'POST, PUT')
    t.equal(put.headers['access-control-allow-headers'], 'Content-Type')
    t.equal(put.headers['access-control-max-age'], '86400')
    t.match(put.headers.vary, /Origin/)

    const json = await preflight(app, '/api/session/', SHOP, 'POST')
    t.equal(json.statusCode, 204)
    t.equal(json.headers['access-control-allow-origin'], SHOP)

    const foreign = await preflight(app, '/api/session/', EVIL, 'POST')
    t.equal(foreign.headers['access-control-allow-origin'], undefined)
    t.equal(foreign.statusCode, 404)

    const adminRead = await preflight(app, `/api/session/${visit(1)}/`, SHOP, 'GET')
    t.equal(adminRead.headers['access-control-allow-origin'], undefined, 'no page may read a visit')
  })

  t.test('admin endpoints never carry CORS allow headers', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    await createVisit(app, service.id, visit(1))

    for (const url of [`/api/session/${visit(1)}/`, '/api/service/']) {
      const response = await app.inject({ method: 'GET', url, headers: { ...ADMIN, origin: SHOP } })
      t.equal(response.statusCode, 200, url)
      t.equal(response.headers['access-control-allow-origin'], undefined, url)
    }
  })

  t.test('a changed list applies to the next request on this collector', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    await setOrigins(app, service.id, [SHOP])
    t.equal((await createVisit(app, service.id, visit(1), SHOP)).statusCode, 201)

    await setOrigins(app, service.id, ['https://new-shop.example'])
    t.equal((await logUrl(app, visit(1), SHOP)).statusCode, 403)
    t.equal((await logUrl(app, visit(1), 'https://new-shop.example')).statusCode, 201)
  })
})
