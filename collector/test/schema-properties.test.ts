import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import t from 'tap'
import fc from 'fast-check'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { FLAG_NAMES } from '../../schemas/index.js'
import { ERRORS } from '../errors.js'
import { ADMIN } from './app.js'
import { hardenedApp, perDatabase } from './hardening.js'

// Property-based tests over the request schemas: no input is the server's fault, and what the
// schemas accept is stored exactly as sent (after the documented trimming and lower-casing).

const RUNS = 60
const CODES = new Set(Object.keys(ERRORS))
const FIELDS = ['email', 'service', 'session_id', 'ip_address', 'user_agent', 'logout_time', 'active_seconds',
  'url', 'is_external_resource', 'event_id', 'button_text', 'service_name', 'allowed_origins', ...FLAG_NAMES]

/** Objects whose keys are mostly real field names, so that values reach the deeper checks. */
const fieldShaped = fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })),
  fc.jsonValue(),
  { maxKeys: 6 })

/** Answers a 2xx, or a 4xx with a code from the catalogue; never a 5xx. */
async function assertHandled(app: FastifyInstance, request: InjectOptions) {
  const response = await app.inject(request)
  assert.ok(response.statusCode < 500, `${request.method} ${request.url} answered ${response.statusCode}`)
  if (response.statusCode >= 400) assert.ok(CODES.has(response.json().error.code), response.body)
}

perDatabase(t, async (t, database) => {
  const { app, service, visit } = await hardenedApp(t, database)
  await app.inject({ method: 'POST', url: '/api/session/',
    payload: { email: 'a@b.example', service: service.id,
    session_id: visit(1) } })
  const endpoints: Array<Pick<InjectOptions, 'method' | 'url' | 'headers'>> = [
    { method: 'POST', url: '/api/session/' },
    { method: 'PUT', url: `/api/session/${visit(1)}/` },
    { method: 'POST', url: `/api/session/${visit(1)}/url/` },
    { method: 'POST', url: `/api/session/${visit(1)}/button/` },
    { method: 'PATCH', url: `/api/service/${service.id}/`, headers: ADMIN }
  ]

  t.test('no JSON value, however odd, makes an endpoint fail on our side', async (t) => {
    let runs = 0
    await fc.assert(fc.asyncProperty(fc.constantFrom(...endpoints), fc.oneof(fc.jsonValue(), fieldShaped),
      async (endpoint, value) => {
        runs += 1
        const headers = { ...endpoint.headers, 'content-type': 'application/json' }
        await assertHandled(app, { ...endpoint, headers, payload: JSON.stringify(value) })
      }), { numRuns: RUNS * 4 })
    t.equal(runs, RUNS * 4)
  })

  t.test('no byte string makes an endpoint fail on our side', async (t) => {
    let runs = 0
    await fc.assert(fc.asyncProperty(fc.constantFrom(...endpoints), fc.uint8Array({ maxLength: 300 }),
      async (endpoint, bytes) => {
        runs += 1
        const headers = { ...endpoint.headers, 'content-type': 'text/plain' }
        await assertHandled(app, { ...endpoint, headers, payload: Buffer.from(bytes) })
      }), { numRuns: RUNS * 2 })
    t.equal(runs, RUNS * 2)
    t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200,
      'and the collector is still ready')
  })

  t.test('every valid visit is stored as sent', async (t) => {
    const flags = fc.record(Object.fromEntries(FLAG_NAMES.map((flag) => [flag, fc.boolean()])),
      { requiredKeys: [] })
    const visitBody = fc.record({
      email: fc.emailAddress().filter((email) => email.length <= 254),
      user_agent: fc.string({ maxLength: 1024,
        unit: 'grapheme-composite' }).filter((text) => text.length <= 1024),
      active_seconds: fc.integer({ min: 0, max: 7 * 24 * 3600 }),
      flags
    })
    await fc.assert(fc.asyncProperty(visitBody, async ({ flags, ...fields }) => {
      const sessionId = randomUUID()
      const created = await app.inject({ method: 'POST', url: '/api/session/',
        payload: { ...fields, ...flags, service: service.id, session_id: sessionId } })
      assert.equal(created.statusCode, 201, created.body)

      const row = await database.db.selectFrom('user_session').selectAll().where('session_id', '=', sessionId)
        .executeTakeFirstOrThrow()
      assert.deepEqual({ email: row.email, user_agent: row.user_agent, active_seconds: row.active_seconds },
        { email: fields.email.toLowerCase(), user_agent: fields.user_agent,
          active_seconds: fields.active_seconds })
      for (const flag of FLAG_NAMES) assert.equal(row[flag], flags[flag] === true, flag)
    }), { numRuns: RUNS })
    t.pass(`${RUNS} generated visits stored exactly`)
  })

  t.test('every valid url and button log is stored as sent', async (t) => {
    const urlLog = fc.record({
      url: fc.webUrl({ withQueryParameters: true, withFragments: true }),
      is_external_resource: fc.boolean()
    })
    const text = fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' })
      .filter((value) => value.trim().length > 0 && value.trim().length <= 1000)
    await fc.assert(fc.asyncProperty(urlLog, text, async (log, buttonText) => {
      const urlEvent = randomUUID()
      const buttonEvent = randomUUID()
      const logged = await app.inject({ method: 'POST', url: `/api/session/${visit(1)}/url/`,
        payload: { ...log, event_id: urlEvent } })
      const pressed = await app.inject({ method: 'POST', url: `/api/session/${visit(1)}/button/`,
        headers: { 'content-type': 'text/plain' },
          payload: JSON.stringify({ button_text: buttonText, url: log.url,
          event_id: buttonEvent }) })
      assert.deepEqual([logged.statusCode, pressed.statusCode], [201, 201], `${logged.body} ${pressed.body}`)

      const url = await database.db.selectFrom('url_log').select(['url', 'is_external_resource'])
        .where('event_id', '=', urlEvent).executeTakeFirstOrThrow()
      const button = await database.db.selectFrom('button_log').select(['button_text', 'url'])
        .where('event_id', '=', buttonEvent).executeTakeFirstOrThrow()
      assert.deepEqual(url, { url: log.url, is_external_resource: log.is_external_resource })
      assert.deepEqual(button, { button_text: buttonText.trim(), url: log.url })
    }), { numRuns: RUNS })
    t.pass(`${RUNS} generated url and button logs stored exactly`)
  })
})
