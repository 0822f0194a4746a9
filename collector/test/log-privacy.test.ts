import { createServer } from 'node:net'
import { Writable } from 'node:stream'
import t from 'tap'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildApp } from '../app.js'
import { openDatabase } from '../db/database.js'
import { ensureService } from '../db/service-queries.js'
import { scrubError } from '../log-scrub.js'
import { loggerOptions } from '../logger.js'
import { ADMIN, ADMIN_TOKEN } from './app.js'
import { openTestDatabase } from './databases.js'
import { sessionId } from './hardening.js'

// Values that must never reach a log line, whatever the request or its outcome.
const EMAIL = 'Secret.Client@private-mail.example'
const CLIENT_IP = '203.0.113.199'
const SENT_IP = '198.51.100.77'
const BODY_TEXTS = ['very-secret-path-7x', 'Secret Button Text 9q', 'SecretAgent/1.0 (q7)',
  'Hidden Service Name']
const SESSION = sessionId(1)

/** Collects every line the collector logs, at the most talkative level. */
function captureLogs() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean))
      done()
    }
  })
  return { lines, logger: { ...(loggerOptions('trace') as object), stream } }
}

async function closedPort() {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

t.test('logs hold no email, IP address, token or request body, for any endpoint or error', async (t) => {
  const { lines, logger } = captureLogs()
  const database = await openTestDatabase(t, 'pglite')
  const service = await ensureService(database.db, 'Company1')
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN, logger, bodyLimit: 2048 })
  app.get('/test/failure', async () => {
    throw new Error(`failed for ${EMAIL} from ${CLIENT_IP} with Bearer ${ADMIN_TOKEN}`)
  })
  t.teardown(() => app.close())

  const statuses = await exercise(app, service.id)
  t.same(new Set(statuses), new Set([200, 201, 204, 400, 401, 403, 404, 409, 413, 415, 500]),
    'every kind of answer')

  const limited = await buildApp({
    database, adminToken: ADMIN_TOKEN, logger, rateLimits: { max: 1, windowMs: 60_000, sessionMax: 0 }
  })
  t.teardown(() => limited.close())
  for (let i = 0; i < 2; i++) {
    statuses.push((await limited.inject(createVisit(service.id, sessionId(9)))).statusCode)
  }
  t.equal(statuses.at(-1), 429)

  const away = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${await closedPort()}/x`,
    timeoutMs: 500 })
  const unavailable = await buildApp({ database: away, adminToken: ADMIN_TOKEN, logger })
  t.teardown(async () => { await unavailable.close(); await away.close() })
  t.equal((await unavailable.inject(createVisit(service.id, sessionId(8)))).statusCode, 503)

  const text = lines.join('\n')
  t.ok(lines.filter((line) => line.includes('"msg":"request"')).length >= statuses.length,
    'one line per request')
  const failure = lines.find((line) => line.includes('"msg":"request failed"'))
  t.match(failure, /"message":"failed for \[redacted\] from \[redacted\] with \[redacted\]"/,
    'the failing request is logged, scrubbed')
  t.match(failure, /log-privacy\.test\.ts:\d+:\d+/, 'its stack keeps file, line and column')
  for (const secret of [EMAIL, encodeURIComponent(EMAIL), CLIENT_IP, SENT_IP, ADMIN_TOKEN, ...BODY_TEXTS]) {
    t.notOk(text.toLowerCase().includes(secret.toLowerCase()), `no "${secret}" in ${lines.length} log lines`)
  }
})

t.test('a database error about a value keeps the message without the value', async (t) => {
  const databaseError = (code: string, message: string) => Object.assign(new Error(message), { code })

  const refused = scrubError(databaseError('22008', 'date/time field value out of range: "2026-02-30"'))
  t.match(refused, { code: '22008', message: 'date/time field value out of range: "[redacted]"' })
  const range = scrubError(databaseError('22003', 'value "-99999999999" is out of range for type integer'))
  t.equal(range.message, 'value "[redacted]" is out of range for type integer')
  const missing = scrubError(databaseError('42P01', 'relation "url_log" does not exist'))
  t.equal(missing.message, 'relation "url_log" does not exist', 'names of tables and columns stay')
})

function createVisit(service: number, id: string): InjectOptions {
  return {
    method: 'POST', url: '/api/session/', remoteAddress: CLIENT_IP,
    payload: { email: EMAIL, service, session_id: id, user_agent: BODY_TEXTS[2] }
  }
}

/** Every endpoint, with good and bad requests; answers the status of each. */
async function exercise(app: FastifyInstance, service: number) {
  const visit = `/api/session/${SESSION}/`
  const email = encodeURIComponent(EMAIL)
  const requests: InjectOptions[] = [
    createVisit(service, SESSION),
    createVisit(service, SESSION),
    { method: 'POST', url: '/api/session/', payload: { email: 'x@y.example', service, session_id: SESSION } },
    { method: 'POST', url: '/api/session/', payload: { email: `${EMAIL} x`, service } },
    { method: 'POST', url: '/api/session/', payload: { email: EMAIL, service, ip_address: SENT_IP } },
    { method: 'POST', url: '/api/session/', headers: ADMIN,
      payload: { email: EMAIL, service, ip_address: SENT_IP } },
    { method: 'POST', url: '/api/session/', headers: { origin: 'https://evil.example' },
      payload: { email: EMAIL, service } },
    { method: 'PUT', url: visit, payload: { is_click_platform: true, user_agent: BODY_TEXTS[2] } },
    { method: 'POST', url: visit, payload: { logout_time: '1999-01-01T00:00:00Z' } },
    { method: 'POST', url: `${visit}url/`,
      payload: { url: `https://shop.example/${BODY_TEXTS[0]}`, is_external_resource: false } },
    { method: 'POST', url: `${visit}url/`,
      payload: { url: `javascript:${BODY_TEXTS[0]}`, is_external_resource: false } },
    { method: 'POST', url: `${visit}button/`, payload: { button_text: BODY_TEXTS[1] } },
    { method: 'POST', url: `${visit}button/`, payload: { button_text: BODY_TEXTS[1], [BODY_TEXTS[0]]: 1 } },
    { method: 'POST', url: `${visit}button/`, headers: { 'content-type': 'application/json' },
      payload: `{"${EMAIL}` },
    { method: 'POST', url: `${visit}button/`, headers: { 'content-type': 'application/json' },
      payload: Buffer.concat([Buffer.from(`{"button_text":"${EMAIL}`), Buffer.from([0xff]),
        Buffer.from('"}')]) },
    { method: 'POST', url: `${visit}button/`, payload: { button_text: EMAIL.repeat(100) } },
    { method: 'POST', url: `${visit}button/`, headers: { 'content-type': 'application/xml' },
      payload: `<a>${EMAIL}</a>` },
    { method: 'GET', url: visit, headers: ADMIN },
    { method: 'GET', url: visit },
    { method: 'GET', url: visit, headers: { authorization: `Bearer ${ADMIN_TOKEN}x` } },
    { method: 'OPTIONS', url: visit,
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'PUT' } },
    { method: 'POST', url: '/api/service/', headers: ADMIN, payload: { service_name: BODY_TEXTS[3] } },
    { method: 'GET', url: '/api/service/', headers: ADMIN },
    { method: 'PATCH', url: `/api/service/${service}/`, headers: ADMIN,
      payload: { allowed_origins: ['https://shop.example'] } },
    { method: 'PATCH', url: `/api/service/${service}/`, headers: ADMIN,
      payload: { allowed_origins: [`https://${email}/`] } },
    { method: 'DELETE', url: `/api/client/${email}/?service=${service}`, headers: ADMIN },
    { method: 'DELETE', url: `/api/client/${email}/?service=${service}` },
    { method: 'GET', url: `/api/nothing/${email}/` },
    { method: 'GET', url: `/api/session/${email}%ZZ/` },
    { method: 'GET', url: '/healthz' },
    { method: 'GET', url: '/readyz' },
    { method: 'GET', url: '/test/failure', remoteAddress: CLIENT_IP }
  ]
  const statuses: number[] = []
  for (const request of requests) statuses.push((await app.inject(request)).statusCode)
  return statuses
}
