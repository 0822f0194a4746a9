import { Writable } from 'node:stream'
import t from 'tap'
import { buildApp } from '../app.js'
import { ensureService } from '../db/service-queries.js'
import { loggerOptions } from '../logger.js'
import { databaseKinds, openTestDatabase } from './databases.js'
import { ADMIN, ADMIN_TOKEN } from './app.js'

t.test('the request log has one line per request and no personal data', async (t) => {
  const database = await openTestDatabase(t, databaseKinds()[0])
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) { lines.push(...String(chunk).trim().split('\n')); done() }
  })
  const app = await buildApp({
    database,
    adminToken: ADMIN_TOKEN,
    logger: { ...(loggerOptions('info') as object), stream } as never
  })
  t.teardown(() => app.close())
  const service = await ensureService(database.db, 'Company1')

  const email = 'secret.person@example.com'
  const created = await app.inject({
    method: 'POST', url: '/api/session/', remoteAddress: '203.0.113.77',
    payload: { email, service: service.id, user_agent: 'UA-MARKER' }
  })
  const id = created.json().session_id
  await app.inject({
    method: 'POST', url: `/api/session/${id}/button/`, payload: { button_text: 'BODY-MARKER' }
  })
  await app.inject({ method: 'POST', url: '/api/session/', payload: { email: 'bad@', service: service.id } })
  await app.inject({ method: 'GET', url: `/api/session/${id}/?email=${email}`, headers: ADMIN })
  await app.inject({ method: 'GET', url: `/api/client/${email}/` })

  const requestLines = lines.filter((line) => JSON.parse(line).msg === 'request')
  t.equal(requestLines.length, 5, 'one line per request')
  t.same(requestLines.map((line) => JSON.parse(line).statusCode), [201, 201, 400, 200, 401])
  t.same(JSON.parse(requestLines[0]).route, '/api/session/')
  const all = lines.join('\n')
  for (const secret of [email, '203.0.113.77', '127.0.0.1', 'UA-MARKER', 'BODY-MARKER', ADMIN_TOKEN,
    'bad@']) {
    t.notOk(all.includes(secret), `logs do not contain ${secret}`)
  }
})
