import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { CollectorError } from '../errors.js'
import { clientBucket } from '../ip-address.js'
import { FixedWindowLimiter } from '../rate-limiter.js'
import { sessionIdOf } from './session-param.js'

export interface RateLimits {
  /** Requests per window per client IP (IPv6 per /64); 0 turns it off. */
  max: number
  windowMs: number
  /** Requests per window per session id in the path; 0 turns it off. */
  sessionMax: number
}

/** Probes must keep answering whoever asks; everything else counts. */
const UNLIMITED_PATHS = new Set(['/healthz', '/readyz'])

// Bounded memory: the least recently seen keys are forgotten first.
const IP_KEYS = 10_000
const SESSION_KEYS = 10_000

/**
 * Two limits in one onRequest hook, before the body is read or the database is asked: one per
 * client address (request.ip, which honours TRUST_PROXY and nothing else) and one per visit.
 * An exceeded limit answers 429 RATE_LIMITED with Retry-After in seconds.
 */
export function registerRateLimits(app: FastifyInstance, limits: RateLimits) {
  if (limits.max === 0 && limits.sessionMax === 0) return
  const perIp = limiter(limits.max, limits.windowMs, IP_KEYS)
  const perSession = limiter(limits.sessionMax, limits.windowMs, SESSION_KEYS)

  // A callback hook rather than an async one: the check itself is synchronous.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (UNLIMITED_PATHS.has(request.routeOptions.url ?? '')) return done()
    let wait = perIp ? perIp.hit(clientBucket(request.ip)) : 0
    if (wait === 0 && perSession) {
      const sessionId = sessionIdOf(request)
      if (sessionId !== undefined) wait = perSession.hit(sessionId)
    }
    if (wait === 0) return done()
    reply.header('retry-after', wait)
    done(new CollectorError('RATE_LIMITED'))
  })
}

/** A limiter for `max` requests per window, or none when `max` is 0 (the limit is off). */
function limiter(max: number, windowMs: number, keys: number) {
  return max > 0 ? new FixedWindowLimiter({ max, windowMs, keys }) : undefined
}
