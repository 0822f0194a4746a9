import { ClientErased, ClientErasureQuery, ErrorBody } from '../../schemas/index.js'
import type { AppContext, TypedApp } from '../context.js'
import { eraseClient, serviceExists } from '../db/privacy-queries.js'
import { CollectorError } from '../errors.js'
import { normalizeEmail } from '../validate.js'

const MAX_ID = 2147483647

/**
 * DELETE /api/client/<email>/?service=ID (admin token): erases everything stored for one
 * client in one service and answers how many visits and log rows went. Erasing a client with
 * nothing stored answers zeros, so a repeated request is harmless.
 */
export function erasureRoutes({ database, requireAdmin }: AppContext) {
  return async function routes(app: TypedApp) {
    app.delete('/api/client/:email/', {
      onRequest: requireAdmin,
      schema: {
        querystring: ClientErasureQuery,
        response: { 200: ClientErased, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody }
      }
    }, async (request) => {
      const email = normalizeEmail((request.params as { email: string }).email)
      const serviceId = Number(request.query.service)
      if (serviceId < 1 || serviceId > MAX_ID) throw new CollectorError('SERVICE_ID_INVALID')
      if (!await serviceExists(database.db, serviceId)) throw new CollectorError('SERVICE_NOT_FOUND')

      const deleted = await eraseClient(database.db, serviceId, email)
      request.log.info({ service: serviceId, ...deleted }, 'client erased')
      return { success: true as const, ...deleted }
    })
  }
}
