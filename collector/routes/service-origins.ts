import { ErrorBody, ServiceIdParams, ServiceOrigins, ServiceOriginsUpdate } from '../../schemas/index.js'
import type { AppContext, TypedApp } from '../context.js'
import { setAllowedOrigins } from '../db/origin-queries.js'
import { CollectorError } from '../errors.js'
import type { OriginPolicy } from '../origin-policy.js'
import { parseAllowedOrigins } from '../origins.js'

const MAX_ID = 2147483647

/** PATCH /api/service/<id>/ with {"allowed_origins": [...]} (admin token). */
export function serviceOriginRoutes({ database, requireAdmin }: AppContext, policy: OriginPolicy) {
  return async function routes(app: TypedApp) {
    app.patch('/api/service/:id/', {
      onRequest: requireAdmin,
      // A bad id is reported as such, not as a bad session id (the catalogue's default for paths).
      attachValidation: true,
      schema: {
        params: ServiceIdParams,
        body: ServiceOriginsUpdate,
        response: { 200: ServiceOrigins, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody }
      }
    }, async (request) => {
      const invalid = request.validationError
      if (invalid?.validationContext === 'params') throw new CollectorError('SERVICE_ID_INVALID')
      if (invalid) throw invalid

      const serviceId = Number(request.params.id)
      if (serviceId < 1 || serviceId > MAX_ID) throw new CollectorError('SERVICE_ID_INVALID')
      const origins = parseAllowedOrigins(request.body.allowed_origins)

      const service = await setAllowedOrigins(database.db, serviceId, origins)
      if (!service) throw new CollectorError('SERVICE_NOT_FOUND')
      policy.forget()
      return service
    })
  }
}
