import type { FastifyBaseLogger } from 'fastify'
import { Batch, type BatchItemResult, BatchResult, ErrorBody, SessionParams } from '../../schemas/index.js'
import { applyItem, checkItem, type ItemTarget } from '../batch-items.js'
import { clientClock } from '../client-time.js'
import type { AppContext, TypedApp } from '../context.js'
import { isConnectionError } from '../db/pg-errors.js'
import { CollectorError, errorBody } from '../errors.js'
import { normalizeIp, truncateIp } from '../ip-address.js'
import { requestUserAgent } from '../user-agent.js'

/**
 * Several actions of one visit in one request, each answered on its own and applied in order.
 * Once the database stops answering, the rest are answered 503 unapplied; a batch of which
 * nothing could be applied for that reason answers 503 as a whole (with Retry-After).
 */
export function batchRoutes({ database, clockSkewMs, ipTruncate }: AppContext) {
  return async function routes(app: TypedApp) {
    app.post('/api/session/:session_id/batch/', {
      schema: {
        params: SessionParams,
        body: Batch,
        response: { 200: BatchResult, 400: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody }
      }
    }, async (request) => {
      const { items, sent_at, dropped } = request.body
      const address = normalizeIp(request.ip)
      const target: ItemTarget = {
        db: database.db,
        sessionId: request.params.session_id.toLowerCase(),
        clock: clientClock(sent_at, Date.now()),
        ipAddress: address && ipTruncate ? truncateIp(address) : address,
        userAgent: requestUserAgent(request),
        clockSkewMs
      }
      if (dropped) request.log.warn({ dropped }, 'the runtime dropped actions from its full queue')

      const results = await applyAll(items, target, request.log)
      if (results.every((result) => result.status === 503)) throw new CollectorError('DATABASE_UNAVAILABLE')
      return { success: true as const, results }
    })
  }
}

async function applyAll(items: unknown[], target: ItemTarget, log: FastifyBaseLogger) {
  const results: BatchItemResult[] = []
  let unavailable = false

  for (const [index, raw] of items.entries()) {
    if (unavailable) {
      results.push(failure(new CollectorError('DATABASE_UNAVAILABLE')))
      continue
    }
    try {
      results.push({ status: await applyItem(checkItem(raw, index), target) })
    } catch (error) {
      if (isConnectionError(error)) unavailable = true
      results.push(failure(toCollectorError(error, log)))
    }
  }
  return results
}

function toCollectorError(error: unknown, log: FastifyBaseLogger) {
  if (error instanceof CollectorError) return error
  if (isConnectionError(error)) return new CollectorError('DATABASE_UNAVAILABLE')
  log.error({ err: error }, 'batch item failed')
  return new CollectorError('INTERNAL')
}

function failure(error: CollectorError): BatchItemResult {
  return { status: error.statusCode, error: errorBody(error.code, error.message).error }
}
