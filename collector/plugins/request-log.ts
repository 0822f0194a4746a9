import { LogController } from 'fastify'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * One line per request for operators: route pattern (never the raw path, which can hold an
 * email), status and duration; no bodies, query strings or addresses.
 */
export class RequestLog extends LogController {
  constructor() {
    super({ disableRequestLogging: false })
  }

  override incomingRequest() {}

  override requestCompleted(_error: unknown, request: FastifyRequest, reply: FastifyReply) {
    const status = reply.statusCode
    const line = {
      method: request.method,
      route: request.routeOptions?.url ?? 'unmatched',
      statusCode: status,
      durationMs: Math.round(reply.elapsedTime * 10) / 10
    }
    // The error handler has logged a 5xx's error under `err` already.
    if (status >= 500) request.log.error(line, 'request')
    else request.log.info(line, 'request')
  }
}
