import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AdminSignIn, ErrorBody, Success } from '../../schemas/index.js'
import { adminCookieHeader, clearedAdminCookieHeader } from '../admin-cookie.js'
import { CollectorError } from '../errors.js'
import type { AdminCheck } from './admin-auth.js'

const ROOT = fileURLToPath(new URL('../admin-page/', import.meta.url))

/** Script and styles hold no data, so they are public; the sign-in page needs them. */
const ASSETS = ['admin.js', 'admin.css', 'sign-in.js']

// Only JSON, which a form on another site cannot send without a CORS preflight this collector
// never grants: no other site can sign a browser in.
const JSON_TYPE = /^application\/json\s*(;|$)/i

/**
 * The admin page at /admin/ (issue 7): without its cookie (or the Bearer token) it answers 401
 * with a sign-in page. The sign-in checks the token and sets the cookie; the page's data calls
 * still send the Bearer token, which the sign-in page keeps in sessionStorage (this tab only),
 * so the cookie opens the page and nothing else.
 */
export async function registerAdminPage(app: FastifyInstance, admin: AdminCheck) {
  const pages = { app: await readFile(`${ROOT}index.html`), signIn: await readFile(`${ROOT}sign-in.html`) }

  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: ROOT, serve: false, cacheControl: false })
    assetRoutes(scope)
    pageRoute(scope, admin, pages)
    signInRoutes(scope, admin)
  })
}

function assetRoutes(scope: FastifyInstance) {
  for (const asset of ASSETS) {
    scope.get(`/admin/${asset}`, { schema: { hide: true } }, (_request, reply) => {
      pageHeaders(reply)
      return reply.header('cache-control', 'no-cache').sendFile(asset)
    })
  }
}

function pageRoute(scope: FastifyInstance, admin: AdminCheck, pages: { app: Buffer, signIn: Buffer }) {
  // The router ignores trailing slashes, so this is /admin as well.
  scope.get('/admin/', { schema: { hide: true } }, (request, reply) => {
    pageHeaders(reply)
    reply.type('text/html; charset=utf-8')
    if (admin.mayOpenPage(request)) return reply.send(pages.app)
    return reply.code(401).header('www-authenticate', 'Bearer').send(pages.signIn)
  })
}

function signInRoutes(scope: FastifyInstance, admin: AdminCheck) {
  scope.post('/admin/sign-in', {
    onRequest: requireJson,
    schema: { hide: true, body: AdminSignIn, response: { 200: Success, 401: ErrorBody } }
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    if (!admin.isAdminToken((request.body as AdminSignIn).token.trim())) {
      throw new CollectorError('ADMIN_TOKEN_REQUIRED')
    }
    reply.header('set-cookie', adminCookieHeader(admin.pageCookie, isHttps(request)))
    return { success: true as const }
  })

  const signOut = { schema: { hide: true, response: { 200: Success } } }
  scope.post('/admin/sign-out', signOut, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    reply.header('set-cookie', clearedAdminCookieHeader(isHttps(request)))
    return { success: true as const }
  })
}

/** Whether the browser reached us over https, directly or through a proxy TRUST_PROXY names. */
const isHttps = (request: FastifyRequest) => request.protocol === 'https'

async function requireJson(request: FastifyRequest) {
  const type = request.headers['content-type'] ?? ''
  if (!JSON_TYPE.test(type)) {
    throw new CollectorError('CONTENT_TYPE_UNSUPPORTED', 'The sign-in takes application/json only')
  }
}

/** Pages answer differently with and without the cookie: no cache may keep one. */
function pageHeaders(reply: FastifyReply) {
  reply.headers({
    'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; " +
      "base-uri 'none'; form-action 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store'
  })
}
