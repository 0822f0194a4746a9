import { Type } from 'typebox'
import type { AppContext, TypedApp } from '../context.js'

const Status = Type.Object({ status: Type.String(), database: Type.Optional(Type.String()) })

export function healthRoutes({ database }: AppContext) {
  return async function routes(app: TypedApp) {
    app.get('/healthz', { schema: { response: { 200: Status } } }, async () => ({ status: 'ok' }))

    app.get('/readyz', { schema: { response: { 200: Status, 503: Status } } }, async (_request, reply) => {
      const ready = await database.ping()
      return reply.code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not ready', database: database.kind })
    })
  }
}
