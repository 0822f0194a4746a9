import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

/**
 * OpenAPI document of every route registered after this, at /docs/json, and Swagger UI at /docs
 * with its assets served from the npm package, so the documentation works offline.
 */
export async function registerOpenApi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Visitlog collector',
        description: 'Visits, pages, clicks and flags per client; reporting endpoints need the admin token.',
        version: '1'
      },
      components: { securitySchemes: { adminToken: { type: 'http', scheme: 'bearer' } } }
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } })
}

/** The OpenAPI security requirement of the admin endpoints. */
export const ADMIN_SECURITY = [{ adminToken: [] }]
