import t from 'tap'
import { openDatabase } from '../db/database.js'
import { buildApp } from '../app.js'
import { eachDatabase } from './databases.js'
import { ADMIN_TOKEN, testApp } from './app.js'

const SESSION = '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c'

eachDatabase(t, 'bodies are JSON as application/json or text/plain, and nothing else', async (t, database) => {
  const { app, service } = await testApp(t, database)
  const send = (contentType: string | undefined, body: string | Buffer, url = '/api/session/') =>
    app.inject({ method: 'POST', url, headers: contentType ? { 'content-type': contentType } : {}, payload: body })
  const create = JSON.stringify({ email: 'ann@example.com', service: service.id, session_id: SESSION })

  t.equal((await send('text/plain;charset=UTF-8', create)).statusCode, 201, 'text/plain as sendBeacon sends it')
  t.equal((await send('application/json; charset=utf-8', create)).statusCode, 200)

  const cases: Array<[string, string | undefined, string | Buffer, number, string]> = [
    ['xml', 'application/xml', '<a/>', 415, 'CONTENT_TYPE_UNSUPPORTED'],
    ['form', 'application/x-www-form-urlencoded', 'a=1', 415, 'CONTENT_TYPE_UNSUPPORTED'],
    ['broken json', 'application/json', '{"email":', 400, 'BODY_NOT_JSON'],
    ['empty json', 'application/json', '', 400, 'BODY_INVALID'],
    ['invalid utf-8', 'application/json', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 400, 'BODY_NOT_UTF8'],
    ['nul', 'application/json', '{"email":"a\\u0000@example.com","service":1}', 400, 'TEXT_HAS_NUL'],
    ['proto', 'application/json', '{"__proto__":{"x":1},"email":"a@example.com","service":1}', 400, 'BODY_NOT_JSON'],
    ['too large', 'application/json', JSON.stringify({ email: 'a@example.com', pad: 'x'.repeat(70 * 1024) }), 413,
      'BODY_TOO_LARGE']
  ]
  for (const [name, type, body, status, code] of cases) {
    const response = await send(type, body)
    t.equal(response.statusCode, status, name)
    t.equal(response.json().error.code, code, name)
    t.equal(response.json().success, false, name)
  }
})

eachDatabase(t, 'paths work with and without the trailing slash; unknown paths answer 404', async (t, database) => {
  const { app, service } = await testApp(t, database)
  const created = await app.inject({ method: 'POST', url: '/api/session', payload: { email: 'a@example.com', service: service.id } })
  const id = created.json().session_id
  const withSlash = await app.inject({ method: 'POST', url: `/api/session/${id}/url/`, payload: { url: 'https://a.example/', is_external_resource: false } })
  const without = await app.inject({ method: 'POST', url: `/api/session/${id}/url`, payload: { url: 'https://a.example/b', is_external_resource: false } })
  t.same([created.statusCode, withSlash.statusCode, without.statusCode], [201, 201, 201])

  const missing = await app.inject({ method: 'GET', url: '/api/nothing-here' })
  t.equal(missing.statusCode, 404)
  t.same(missing.json(), { success: false, error: { code: 'ROUTE_NOT_FOUND', message: 'No endpoint answers this method and path' } })
})

eachDatabase(t, 'health answers while the process runs; readiness while the database answers', async (t, database) => {
  const { app } = await testApp(t, database)
  t.same((await app.inject({ url: '/healthz' })).json(), { status: 'ok' })
  const ready = await app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ready', database: database.kind })
})

t.test('readiness fails and writes answer 503 when PostgreSQL cannot be reached', async (t) => {
  // Port 1 on loopback refuses connections at once: a database that is down.
  const database = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', poolSize: 2 })
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN })
  t.teardown(async () => { await app.close(); await database.close() })

  const ready = await app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.same(ready.json(), { status: 'not ready', database: 'postgres' })

  const write = await app.inject({ method: 'POST', url: '/api/session/', payload: { email: 'a@example.com', service: 1 } })
  t.equal(write.statusCode, 503)
  t.equal(write.json().error.code, 'DATABASE_UNAVAILABLE')
  t.equal(write.headers['retry-after'], '5')
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, 'the process keeps answering')
})
