import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

const ROOT = fileURLToPath(new URL('../admin-page/', import.meta.url))

/**
 * The admin page at /admin/: static files only. It asks for the admin token and sends it to the
 * admin API, which answers 401 without it; the page itself holds no data.
 */
export async function registerAdminPage(app: FastifyInstance) {
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: ROOT, prefix: '/admin/', index: false, setHeaders: pageHeaders
    })
    // The router ignores trailing slashes, so /admin/ is /admin: it needs a route of its own.
    scope.get('/admin/', { schema: { hide: true } }, (_request, reply) => {
      pageHeaders(reply)
      return reply.sendFile('index.html')
    })
  })
}

function pageHeaders(reply: FastifyReply) {
  reply.headers({
    'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; " +
      "base-uri 'none'; form-action 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache'
  })
}
