import { createHmac } from 'node:crypto'
import t from 'tap'
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify'
import { type ErrorCode, errorBody } from '../errors.js'
import { ADMIN, ADMIN_TOKEN } from './app.js'
import { openTestDatabase } from './databases.js'
import { hardenedApp } from './hardening.js'

interface Route {
  method: HTTPMethods
  path: string
}

// The admin page's script and styles hold no data; its sign-in and sign-out work without a token.
const ADMIN_PAGE_PUBLIC = new Set(['GET /admin/admin.js/', 'GET /admin/admin.css/', 'GET /admin/sign-in.js/',
  'POST /admin/sign-in/', 'POST /admin/sign-out/'])

/**
 * Public on purpose: what browsers send (visit create, update, logs, under /api/session/ and
 * only with POST or PUT), health probes, the runtime script, the admin page's assets and
 * sign-in, and pages without stored data. Everything else is the operator's and needs the admin
 * token; a new route is covered by this test without editing it.
 */
function isPublic({ method, path }: Route) {
  if (path === '/healthz/' || path === '/readyz/' || path.startsWith('/assets/')) return true
  if (ADMIN_PAGE_PUBLIC.has(`${method} ${path}`)) return true
  // Pages that hold no stored data: the API's own documentation and the demo site.
  if (method === 'GET' && ['/docs', '/demo'].some((prefix) => path.startsWith(prefix))) return true
  return (method === 'POST' || method === 'PUT') && path.startsWith('/api/session/')
}

/** The admin page answers a person, so it refuses with its sign-in page rather than JSON. */
const isAdminPage = ({ method, path }: Route) => method === 'GET' && path === '/admin/'

/** What a refused request answers: the sign-in page for the admin page, else the JSON error. */
function refusal(route: Route, response: LightMyRequestResponse) {
  if (!isAdminPage(route)) return [response.statusCode, response.headers['www-authenticate'], response.json()]
  return [response.statusCode, response.headers['www-authenticate'], response.headers['cache-control'],
    response.body.includes('id="token-form"'), response.body.includes('client-rows')]
}
const refused = (route: Route) => (isAdminPage(route)
  ? [401, 'Bearer', 'no-store', true, false]
  : [401, 'Bearer', errorBody('ADMIN_TOKEN_REQUIRED')])

const otherCookie = createHmac('sha256', `${ADMIN_TOKEN}x`).update('visitlog admin page cookie v1')
  .digest('base64url')
const PAGE_COOKIE = { cookie: `visitlog_admin=${createHmac('sha256', ADMIN_TOKEN)
  .update('visitlog admin page cookie v1').digest('base64url')}` }

/** Every route of the app, read from Fastify's own route tree (depth is four columns a level). */
function routesOf(app: FastifyInstance): Route[] {
  const routes: Route[] = []
  const parents: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│├└─\s]*)(\S+)(?: \(([^)]*)\))?$/.exec(line)
    if (!match) continue
    const depth = match[1].length / 4
    parents.length = depth
    const path = `${parents.join('')}${match[2]}`
    parents.push(match[2])
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method: method as HTTPMethods,
        path: `${path}/` })
    }
  }
  return routes
}

const EMAIL = 'reader.test@example.com'

t.test('every endpoint but the public ones answers 401 without the admin token', async (t) => {
  const database = await openTestDatabase(t, 'pglite')
  const { app, service, visit } = await hardenedApp(t, database)
  const created = await app.inject({
    method: 'POST', url: '/api/session/', headers: { 'user-agent': 'ReaderTestAgent/1.0' },
    payload: { email: EMAIL, service: service.id, session_id: visit(1) }
  })
  t.equal(created.statusCode, 201)
  await app.ready()
  const fill = (path: string) => path
    .replace(':session_id', visit(1)).replace(':id', String(service.id)).replace(':email',
      encodeURIComponent(EMAIL))
    .replace(/\/\/$/, '/')

  const routes = routesOf(app)
  t.ok(routes.some((route) => route.method === 'GET' && route.path === '/api/session/:session_id/'),
    'routes are read')
  for (const route of routes) {
    const response = await app.inject({
      method: route.method, url: fill(route.path), headers: { origin: 'https://shop.example' }, payload: {}
    })
    t.notOk(response.body.includes(EMAIL) || response.body.includes('ReaderTestAgent'),
      `${route.method} ${route.path} shows nothing of the visit without the token`)
  }
  const withToken = await app.inject({ method: 'GET', url: `/api/session/${visit(1)}/`, headers: ADMIN })
  t.match(withToken.body, EMAIL, 'while the token reads it')

  const wrongTokens: Array<Record<string, string>> = [
    {},
    { authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}x` },
    { authorization: `Bearer ${ADMIN_TOKEN}${ADMIN_TOKEN}` },
    { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
    { authorization: ADMIN_TOKEN },
    { cookie: `visitlog_admin=${ADMIN_TOKEN}` },
    { cookie: `visitlog_admin=${otherCookie}` },
    { cookie: `${PAGE_COOKIE.cookie}x` }
  ]
  const adminRoutes = routes.filter((candidate) => !isPublic(candidate))
  t.ok(adminRoutes.some(isAdminPage), 'the admin page is among them')
  for (const route of adminRoutes) {
    const send = (headers: Record<string, string>) => app.inject({ method: route.method,
      url: `${fill(route.path)}?service=${service.id}`, headers })
    // The page's cookie opens the page and nothing else: the API still needs the Bearer token.
    const refusedHeaders = isAdminPage(route) ? wrongTokens : [...wrongTokens, PAGE_COOKIE]
    for (const headers of refusedHeaders) {
      t.same(refusal(route, await send(headers)), refused(route),
        `${route.method} ${route.path} with ${JSON.stringify(headers).replaceAll(ADMIN_TOKEN, 'the token')}`)
    }
    t.not((await send(ADMIN)).statusCode, 401, `${route.method} ${route.path} with the token`)
  }
})

t.test('the Bearer scheme is case-insensitive; other schemes and wrong tokens are refused', async (t) => {
  const database = await openTestDatabase(t, 'pglite')
  const { app } = await hardenedApp(t, database)
  const cases: Array<[authorization: string, status: number, code: ErrorCode | null]> = [
    [`Bearer ${ADMIN_TOKEN}`, 200, null],
    [`bearer ${ADMIN_TOKEN}`, 200, null],
    [`BEARER ${ADMIN_TOKEN}`, 200, null],
    [`bEaReR  ${ADMIN_TOKEN} `, 200, null],
    ['Basic x', 401, 'ADMIN_TOKEN_REQUIRED'],
    [`Basic ${ADMIN_TOKEN}`, 401, 'ADMIN_TOKEN_REQUIRED'],
    ['bearer wrong-token-0123456789', 401, 'ADMIN_TOKEN_REQUIRED'],
    [`bearer${ADMIN_TOKEN}`, 401, 'ADMIN_TOKEN_REQUIRED']
  ]
  for (const [authorization, status, code] of cases) {
    const response = await app.inject({ method: 'GET', url: '/api/service/', headers: { authorization } })
    t.equal(response.statusCode, status, authorization)
    if (code) t.same(response.json(), errorBody(code), authorization)
  }
})
