import { ErrorBody, Service, ServiceCreate, ServiceList } from '../../schemas/index.js'
import type { AppContext, TypedApp } from '../context.js'
import { addService, listServices } from '../db/service-queries.js'
import { CollectorError } from '../errors.js'

export function serviceRoutes({ database, requireAdmin }: AppContext) {
  return async function routes(app: TypedApp) {
    app.addHook('onRequest', requireAdmin)

    app.post('/api/service/', {
      schema: {
        body: ServiceCreate,
        response: { 201: Service, 400: ErrorBody, 401: ErrorBody, 409: ErrorBody }
      }
    }, async (request, reply) => {
      const name = request.body.service_name.trim()
      if (name === '') throw new CollectorError('BODY_INVALID', 'body/service_name is blank')
      const service = await addService(database.db, name)
      return reply.code(201).send(service)
    })

    app.get('/api/service/', {
      schema: { response: { 200: ServiceList, 401: ErrorBody } }
    }, async () => listServices(database.db))
  }
}
