import cors from '@fastify/cors'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { UUID_PATTERN } from '../../schemas/index.js'
import { CollectorError } from '../errors.js'
import type { OriginPolicy } from '../origin-policy.js'

/** Where browsers write: creating, updating and logging to visits. */
const PUBLIC_PATH = /^\/api\/session(\/|\?|$)/
const WRITE_METHODS = new Set(['POST', 'PUT'])
const SESSION_ID = new RegExp(UUID_PATTERN)

/**
 * CORS per service (issue 7). A browser gets Access-Control-Allow-Origin for its own origin
 * (never `*`, always with Vary: Origin) on the write endpoints when some service allows it;
 * a preflight carries no body, so that first answer cannot know the service. The write itself
 * is then checked against its own service, once the body is validated: an Origin outside a
 * non-empty list answers 403 ORIGIN_NOT_ALLOWED without the allow headers, and nothing is
 * stored. Requests without Origin (servers) are not browsers and pass; admin endpoints get no
 * CORS headers at all, so no other site's page can read what they answer.
 */
export async function registerCors(app: FastifyInstance, policy: OriginPolicy) {
  await app.register(cors, {
    hook: 'onRequest',
    delegator: async (request: FastifyRequest) => ({
      origin: (await allowedCorsOrigin(request, policy)) ?? false,
      methods: [...WRITE_METHODS],
      allowedHeaders: ['Content-Type'],
      exposedHeaders: ['Retry-After'],
      maxAge: 86400
    })
  })

  app.addHook('preHandler', async (request, reply) => {
    const origin = request.headers.origin
    // The route the router chose, not the raw path: /%61pi/session/ reaches the same handler.
    const route = request.routeOptions.url
    if (origin === undefined || route === undefined || !isPublicWrite(request.method, route)) return
    if (!(await policy.restrictsAny())) return

    for (const serviceId of await servicesOf(request, policy)) {
      if (!(await policy.allows(serviceId, origin))) refuse(reply)
    }
  })
}

async function allowedCorsOrigin(request: FastifyRequest, policy: OriginPolicy) {
  const origin = request.headers.origin
  if (origin === undefined) return undefined

  const preflightMethod = request.headers['access-control-request-method']
  const method = request.method === 'OPTIONS' && typeof preflightMethod === 'string'
    ? preflightMethod.toUpperCase()
    : request.method
  if (!isPublicWrite(method, request.url)) return undefined
  return policy.corsOrigin(origin)
}

function isPublicWrite(method: string, url: string) {
  return WRITE_METHODS.has(method) && PUBLIC_PATH.test(url)
}

/**
 * Every service a write may touch, each of which must take this origin: the visit's own when
 * it exists (a visit id in the path), the service of a create, and that of every create item
 * of a batch (items are applied in order, so a first create that fails must not stand for a
 * later one that succeeds).
 */
async function servicesOf(request: FastifyRequest, policy: OriginPolicy) {
  const body = request.body as { service?: unknown, items?: unknown } | undefined
  const named = [body?.service, ...createItems(body?.items).map((item) => item.service)]
  const services = new Set(named.filter((service): service is number => typeof service === 'number'))

  const sessionId = (request.params as { session_id?: unknown } | undefined)?.session_id
  if (typeof sessionId === 'string' && SESSION_ID.test(sessionId)) {
    const own = await policy.serviceOfSession(sessionId.toLowerCase())
    if (own !== undefined) services.add(own)
  }
  return services
}

function createItems(items: unknown) {
  if (!Array.isArray(items)) return []
  return items.filter((item): item is { service?: unknown } =>
    (item as { type?: unknown } | null)?.type === 'create')
}

function refuse(reply: FastifyReply): never {
  reply.removeHeader('access-control-allow-origin')
  reply.removeHeader('access-control-expose-headers')
  throw new CollectorError('ORIGIN_NOT_ALLOWED')
}
