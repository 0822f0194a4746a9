import { ButtonLogCreate, ErrorBody, SessionParams, Success, UrlLogCreate } from '../../schemas/index.js'
import type { AppContext, TypedApp } from '../context.js'
import { insertButtonLog, insertUrlLog } from '../db/log-queries.js'
import { buttonText, requireHttpUrl } from '../validate.js'

const responses = { 200: Success, 201: Success, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody }

/** A first delivery answers 201; a replay of an event already stored answers 200. */
export function logRoutes({ database }: AppContext) {
  return async function routes(app: TypedApp) {
    app.post('/api/session/:session_id/url/', {
      schema: { params: SessionParams, body: UrlLogCreate, response: responses }
    }, async (request, reply) => {
      const { url, is_external_resource, event_id } = request.body
      const { created } = await insertUrlLog(database.db, request.params.session_id.toLowerCase(), {
        url: requireHttpUrl(url),
        is_external_resource,
        event_id: event_id?.toLowerCase()
      })
      return reply.code(created ? 201 : 200).send({ success: true })
    })

    app.post('/api/session/:session_id/button/', {
      schema: { params: SessionParams, body: ButtonLogCreate, response: responses }
    }, async (request, reply) => {
      const { button_text, url, event_id } = request.body
      const { created } = await insertButtonLog(database.db, request.params.session_id.toLowerCase(), {
        button_text: buttonText(button_text),
        url: url === undefined ? undefined : requireHttpUrl(url),
        event_id: event_id?.toLowerCase()
      })
      return reply.code(created ? 201 : 200).send({ success: true })
    })
  }
}
