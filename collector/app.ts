import Fastify, { type FastifyServerOptions } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { PATH_PARAMETER_MAX } from '../schemas/index.js'
import type { AppContext } from './context.js'
import type { DatabaseHandle } from './db/database.js'
import { OriginPolicy } from './origin-policy.js'
import { fastifyTrustProxy } from './trust-proxy.js'
import { makeAdminCheck } from './plugins/admin-auth.js'
import { registerAdminPage } from './plugins/admin-page.js'
import { registerCors } from './plugins/cors.js'
import { frameworkErrors, registerErrorHandler } from './plugins/error-handler.js'
import { registerJsonBody } from './plugins/json-body.js'
import { answerMalformedHttp } from './plugins/malformed-http.js'
import { registerOpenApi } from './plugins/openapi.js'
import { type RateLimits, registerRateLimits } from './plugins/rate-limits.js'
import { RequestLog } from './plugins/request-log.js'
import { batchRoutes } from './routes/batch.js'
import { clientRoutes } from './routes/client.js'
import { type DemoOptions, demoRoutes } from './routes/demo.js'
import { erasureRoutes } from './routes/erasure.js'
import { healthRoutes } from './routes/health.js'
import { logRoutes } from './routes/logs.js'
import { runtimeRoutes } from './routes/runtime.js'
import { serviceRoutes } from './routes/service.js'
import { serviceOriginRoutes } from './routes/service-origins.js'
import { sessionRoutes } from './routes/session.js'
import { visitListRoutes } from './routes/visit-list.js'

export interface AppOptions {
  database: DatabaseHandle
  adminToken: string
  bodyLimit?: number
  trustProxy?: boolean | number | string[]
  clockSkewMs?: number
  logger?: FastifyServerOptions['logger']
  /** The runtime's code to serve; by default the build in gtm-template/build/vl.js. */
  runtimeScript?: string
  /** Serve the demo site under /demo/ for this service. */
  demo?: DemoOptions
  /** Off unless given (tests and tools); the server passes RATE_LIMIT_* (issue 7). */
  rateLimits?: RateLimits
  /** Store IPv4 addresses without their last octet and IPv6 as their /48 network. */
  ipTruncate?: boolean
}

const REQUEST_TIMEOUT_MS = 30_000

/** Builds the collector without listening, so tests drive it with inject() or a real socket. */
export async function buildApp(options: AppOptions) {
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new RequestLog(),
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // A request whose body trickles in is cut off (408) rather than holding a connection open.
    // Node 20 takes the limit only when the server is made (set later, it went unenforced for
    // a minute or more), and looks for such requests every connectionsCheckingInterval (30 s
    // by default): every second keeps the cut close to REQUEST_TIMEOUT_MS.
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    trustProxy: fastifyTrustProxy(options.trustProxy ?? false),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: PATH_PARAMETER_MAX },
    frameworkErrors,
    // Requests Node's HTTP parser refuses answer in the catalogue's shape too (issue 7).
    clientErrorHandler: answerMalformedHttp,
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
  registerCors(app, originPolicy)
  if (options.rateLimits) registerRateLimits(app, options.rateLimits)
  await registerOpenApi(app)

  await app.register(healthRoutes(context))
  await app.register(serviceRoutes(context))
  await app.register(serviceOriginRoutes(context, originPolicy))
  await app.register(sessionRoutes(context))
  await app.register(logRoutes(context))
  await app.register(batchRoutes(context))
  await app.register(runtimeRoutes(options.runtimeScript))
  if (options.demo) await app.register(demoRoutes(options.demo))
  await app.register(clientRoutes(context))
  await app.register(visitListRoutes(context))
  await registerAdminPage(app, admin)
  await app.register(erasureRoutes(context))
  return app
}
