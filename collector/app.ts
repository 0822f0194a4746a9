import Fastify, { type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { AppContext } from './context.js'
import type { DatabaseHandle } from './db/database.js'
import { OriginPolicy } from './origin-policy.js'
import { fastifyTrustProxy } from './trust-proxy.js'
import { makeAdminCheck } from './plugins/admin-auth.js'
import { registerCors } from './plugins/cors.js'
import { frameworkErrors, registerErrorHandler } from './plugins/error-handler.js'
import { registerJsonBody } from './plugins/json-body.js'
import { type RateLimits, registerRateLimits } from './plugins/rate-limits.js'
import { RequestLog } from './plugins/request-log.js'
import { erasureRoutes } from './routes/erasure.js'
import { healthRoutes } from './routes/health.js'
import { logRoutes } from './routes/logs.js'
import { serviceRoutes } from './routes/service.js'
import { serviceOriginRoutes } from './routes/service-origins.js'
import { sessionRoutes } from './routes/session.js'

export interface AppOptions {
  database: DatabaseHandle
  adminToken: string
  bodyLimit?: number
  trustProxy?: boolean | number | string[]
  clockSkewMs?: number
  logger?: FastifyServerOptions['logger']
  /** Off unless given (tests and tools); the server passes RATE_LIMIT_* (issue 7). */
  rateLimits?: RateLimits
  /** Store IPv4 addresses without their last octet and IPv6 as their /48 network. */
  ipTruncate?: boolean
}

/** Builds the collector without listening, so tests drive it with inject() or a real socket. */
export async function buildApp(options: AppOptions) {
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new RequestLog(),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    // Long enough for an email in the path (/api/client/<email>/).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 320 },
    frameworkErrors,
    // Wrong types and unknown fields are the sender's mistake: refuse them, never coerce or drop.
    // Query strings are therefore declared as patterned strings.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } }
  }).withTypeProvider<TypeBoxTypeProvider>()

  const admin = makeAdminCheck(options.adminToken)
  const context: AppContext = {
    database: options.database,
    clockSkewMs: options.clockSkewMs ?? 5 * 60 * 1000,
    ipTruncate: options.ipTruncate ?? false,
    ...admin
  }
  const originPolicy = new OriginPolicy(options.database.db)

  registerJsonBody(app)
  registerErrorHandler(app)
  await registerCors(app, originPolicy)
  if (options.rateLimits) await registerRateLimits(app, options.rateLimits)

  await app.register(healthRoutes(context))
  await app.register(serviceRoutes(context))
  await app.register(serviceOriginRoutes(context, originPolicy))
  await app.register(sessionRoutes(context))
  await app.register(logRoutes(context))
  await app.register(erasureRoutes(context))
  return app
}
