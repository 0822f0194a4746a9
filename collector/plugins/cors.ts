import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { CollectorError } from '../errors.js'
import type { OriginPolicy } from '../origin-policy.js'
import { sessionIdOf } from './session-param.js'

/** Where browsers write: creating, updating and logging to visits. */
const PUBLIC_PATH = /^\/api\/session(\/|\?|$)/
const WRITE_METHODS = new Set(['POST', 'PUT'])

/** A preflight's answer is the same for every allowed origin, so browsers may keep it a day. */
const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': [...WRITE_METHODS].join(', '),
  'access-control-allow-headers': 'Content-Type',
  'access-control-max-age': '86400',
  // Without it Safari waits for a body that a 204 never has.
  'content-length': '0'
}

/**
 * CORS per service (issue 7). A browser gets Access-Control-Allow-Origin for its own origin
 * (never `*`, always with Vary: Origin) on the write endpoints when some service allows it;
 * a preflight carries no body, so that first answer cannot know the service. The write itself
 * is then checked against its own service, once the body is validated: an Origin outside a
 * non-empty list answers 403 ORIGIN_NOT_ALLOWED without the allow headers, and nothing is
 * stored. Requests without Origin (servers) are not browsers and pass; admin endpoints get no
 * CORS headers at all, so no other site's page can read what they answer.
 *
 * Registered before the rate limits, so that a page may read their 429 and its Retry-After.
 */
export function registerCors(app: FastifyInstance, policy: OriginPolicy) {
  app.addHook('onRequest', function cors(request, reply, done) {
    answerCors(policy, request, reply, done)
  })
  // Preflights the hook did not answer are for no write anyone may make: the usual 404.
  app.options('*', { schema: { hide: true } }, (_request, reply) => {
    reply.callNotFound()
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

/**
 * Synchronous for every request but a browser's write or its preflight, which waits for the
 * policy: this runs on every request, so it allocates nothing it can avoid.
 */
function answerCors(policy: OriginPolicy, request: FastifyRequest, reply: FastifyReply,
  done: HookHandlerDoneFunction) {
  // The first onRequest hook, so nothing has set Vary yet.
  reply.header('vary', 'Origin')
  const origin = request.headers.origin
  if (origin === undefined || !isPublicWrite(requestedMethod(request), request.url)) return done()

  policy.corsOrigin(origin).then((allowed) => {
    if (allowed === undefined) return done()
    reply.header('access-control-allow-origin', allowed)
    reply.header('access-control-expose-headers', 'Retry-After')
    if (request.method !== 'OPTIONS') return done()
    reply.headers(PREFLIGHT_HEADERS).code(204).send()
  }, done)
}

/** The method of the write itself: a preflight names it in Access-Control-Request-Method. */
function requestedMethod(request: FastifyRequest) {
  const preflightMethod = request.headers['access-control-request-method']
  return request.method === 'OPTIONS' && typeof preflightMethod === 'string'
    ? preflightMethod.toUpperCase()
    : request.method
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

  const sessionId = sessionIdOf(request)
  if (sessionId !== undefined) {
    const own = await policy.serviceOfSession(sessionId)
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
