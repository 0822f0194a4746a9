import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { UUID_PATTERN } from '../../schemas/index.js'
import { CollectorError } from '../errors.js'
import { clientBucket } from '../ip-address.js'

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
const IP_KEYS = 20_000
const SESSION_KEYS = 50_000

const SESSION_ID = new RegExp(UUID_PATTERN)

/**
 * Two limits in one onRequest hook, before the body is read or the database is asked: one per
 * client address (request.ip, which honours TRUST_PROXY and nothing else) and one per visit.
 * An exceeded limit answers 429 RATE_LIMITED with Retry-After in seconds.
 */
export async function registerRateLimits(app: FastifyInstance, limits: RateLimits) {
  if (limits.max === 0 && limits.sessionMax === 0) return
  await app.register(rateLimit, { global: false })

  // `cache` (the number of keys kept) is read by createRateLimit, though its type omits it.
  const ipOptions = {
    max: limits.max,
    timeWindow: limits.windowMs,
    keyGenerator: (request: FastifyRequest) => `ip ${clientBucket(request.ip)}`,
    cache: IP_KEYS
  }
  const sessionOptions = {
    max: limits.sessionMax,
    timeWindow: limits.windowMs,
    keyGenerator: (request: FastifyRequest) => `session ${sessionIdOf(request)}`,
    cache: SESSION_KEYS
  }
  const perIp = limits.max > 0 && app.createRateLimit(ipOptions)
  const perSession = limits.sessionMax > 0 && app.createRateLimit(sessionOptions)

  app.addHook('onRequest', async (request, reply) => {
    if (UNLIMITED_PATHS.has(request.routeOptions.url ?? '')) return
    if (perIp) refuseWhenExceeded(await perIp(request), reply)
    if (perSession && sessionIdOf(request)) refuseWhenExceeded(await perSession(request), reply)
  })
}

type Verdict = { isAllowed: true } | { isAllowed: false, isExceeded: boolean, ttlInSeconds: number }

function refuseWhenExceeded(verdict: Verdict, reply: FastifyReply) {
  if (verdict.isAllowed || !verdict.isExceeded) return
  reply.header('retry-after', Math.max(1, verdict.ttlInSeconds))
  throw new CollectorError('RATE_LIMITED')
}

/** The visit a request is about, lower-cased, when its path names one. */
function sessionIdOf(request: FastifyRequest): string | undefined {
  const id = (request.params as { session_id?: unknown } | undefined)?.session_id
  return typeof id === 'string' && SESSION_ID.test(id) ? id.toLowerCase() : undefined
}
