import type { FastifyServerOptions } from 'fastify'
import { scrubError } from './log-scrub.js'

/**
 * Pino options for operators: structured lines, pretty only on a terminal is left to the
 * operator's pipe (`| pino-pretty`). The request serializer keeps the method and the route
 * pattern only: raw paths can hold an email, and addresses are personal data.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'email', 'ip', '*.email', '*.ip'], censor: '[redacted]' },
    serializers: {
      req: (request: { method?: string, routeOptions?: { url?: string } }) => ({
        method: request.method,
        route: request.routeOptions?.url
      }),
      res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
      err: scrubError
    }
  }
}
