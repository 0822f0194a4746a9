import { createHmac } from 'node:crypto'
import t from 'tap'
import { errorBody } from '../errors.js'
import { ADMIN_TOKEN } from './app.js'
import { hardenedApp, perDatabase } from './hardening.js'

// An HMAC of a fixed label keyed by the token: never the token itself.
const COOKIE_VALUE = createHmac('sha256', ADMIN_TOKEN).update('visitlog admin page cookie v1')
  .digest('base64url')
const SET_COOKIE = `visitlog_admin=${COOKIE_VALUE}; Path=/admin; HttpOnly; SameSite=Strict`
const CLEARED = 'visitlog_admin=; Path=/admin; HttpOnly; SameSite=Strict'
const JSON_TYPE = { 'content-type': 'application/json' }

const signIn = (token: unknown, headers: Record<string, string> = JSON_TYPE) =>
  ({ method: 'POST' as const, url: '/admin/sign-in', headers, payload: JSON.stringify({ token }) })

perDatabase(t, async (t, database) => {
  await t.test('without the cookie /admin/ answers 401 with the sign-in page', async (t) => {
    const { app } = await hardenedApp(t, database)
    for (const url of ['/admin/', '/admin']) {
      const page = await app.inject({ url })
      t.same([page.statusCode, page.headers['www-authenticate'], page.headers['cache-control'],
        page.headers['content-type']], [401, 'Bearer', 'no-store', 'text/html; charset=utf-8'], url)
      t.match(page.body, '<form id="token-form">', url)
      t.notMatch(page.body, 'client-rows', `${url}: nothing of the admin page itself`)
    }
  })

  await t.test("the page's script and styles are public; nothing else of its folder is served", async (t) => {
    const { app } = await hardenedApp(t, database)
    const answers = []
    for (const url of ['/admin/admin.js', '/admin/admin.css', '/admin/sign-in.js', '/admin/index.html',
      '/admin/sign-in.html', '/admin/admin-page.test.ts']) {
      const response = await app.inject({ url })
      answers.push([url, response.statusCode, response.headers['content-type']])
    }
    t.same(answers, [
      ['/admin/admin.js', 200, 'application/javascript; charset=utf-8'],
      ['/admin/admin.css', 200, 'text/css; charset=utf-8'],
      ['/admin/sign-in.js', 200, 'application/javascript; charset=utf-8'],
      ['/admin/index.html', 404, 'application/json; charset=utf-8'],
      ['/admin/sign-in.html', 404, 'application/json; charset=utf-8'],
      ['/admin/admin-page.test.ts', 404, 'application/json; charset=utf-8']
    ])
  })

  await t.test('the right token sets the cookie, which opens the page', async (t) => {
    const { app } = await hardenedApp(t, database)
    const signedIn = await app.inject(signIn(` ${ADMIN_TOKEN} `))
    const { statusCode, headers } = signedIn
    t.same([statusCode, signedIn.json(), headers['set-cookie'], headers['cache-control']],
      [200, { success: true }, SET_COOKIE, 'no-store'])

    const cookie = `visitlog_admin=${COOKIE_VALUE}`
    const page = await app.inject({ url: '/admin/', headers: { cookie: `theme=dark; ${cookie}` } })
    t.same([page.statusCode, page.headers['cache-control']], [200, 'no-store'])
    t.match(page.body, '<tbody id="client-rows">')
    const api = await app.inject({ url: '/api/service/', headers: { cookie } })
    t.same([api.statusCode, api.json()], [401, errorBody('ADMIN_TOKEN_REQUIRED')], 'the cookie opens no API')
  })

  await t.test('the cookie is Secure when the browser came over https', async (t) => {
    const { app } = await hardenedApp(t, database, { trustProxy: ['127.0.0.1'] })
    const https = { 'x-forwarded-proto': 'https' }
    const signedIn = await app.inject(signIn(ADMIN_TOKEN, { ...JSON_TYPE, ...https }))
    t.equal(signedIn.headers['set-cookie'], `${SET_COOKIE}; Secure`)
    const out = await app.inject({ method: 'POST', url: '/admin/sign-out', headers: https })
    t.equal(out.headers['set-cookie'], `${CLEARED}; Secure; Max-Age=0`)
  })

  await t.test('a wrong or malformed sign-in sets no cookie', async (t) => {
    const { app } = await hardenedApp(t, database)
    const cases: Array<[string, ReturnType<typeof signIn>, number, object]> = [
      ['a wrong token', signIn(`${ADMIN_TOKEN}x`), 401, errorBody('ADMIN_TOKEN_REQUIRED')],
      ['the cookie value as token', signIn(COOKIE_VALUE), 401, errorBody('ADMIN_TOKEN_REQUIRED')],
      ['an empty token', signIn(''), 400, { success: false, error: { code: 'BODY_INVALID',
        message: 'body/token must NOT have fewer than 1 characters' } }],
      ['a token of the wrong type', signIn(42), 400, { success: false, error: { code: 'BODY_INVALID',
        message: 'body/token must be string' } }],
      // A form on another site can send text/plain without a preflight; JSON it cannot.
      ['text/plain', signIn(ADMIN_TOKEN, { 'content-type': 'text/plain' }), 415, { success: false,
        error: { code: 'CONTENT_TYPE_UNSUPPORTED', message: 'The sign-in takes application/json only' } }]
    ]
    for (const [name, request, status, body] of cases) {
      const response = await app.inject(request)
      const answer = [response.statusCode, response.json(), response.headers['set-cookie']]
      t.same(answer, [status, body, undefined], name)
    }
  })

  await t.test('sign-out clears the cookie', async (t) => {
    const { app } = await hardenedApp(t, database)
    const out = await app.inject({ method: 'POST', url: '/admin/sign-out' })
    t.same([out.statusCode, out.json(), out.headers['set-cookie'], out.headers['cache-control']],
      [200, { success: true }, `${CLEARED}; Max-Age=0`, 'no-store'])
  })

  await t.test('sign-in is rate limited like every other request', async (t) => {
    const rateLimits = { max: 3, windowMs: 60_000, sessionMax: 0 }
    const { app } = await hardenedApp(t, database, { rateLimits })
    const statuses = []
    for (let i = 0; i < 3; i++) {
      statuses.push((await app.inject(signIn(`wrong-token-${i}-0123456789`))).statusCode)
    }
    const limited = await app.inject(signIn(ADMIN_TOKEN))
    t.same(statuses, [401, 401, 401])
    t.same([limited.statusCode, limited.json(), limited.headers['set-cookie']],
      [429, errorBody('RATE_LIMITED'), undefined], 'even the right token waits')
  })
})
