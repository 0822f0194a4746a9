import {
  ClientDetail, ClientList, ClientListQuery, ClientParams, ClientQuery, ErrorBody
} from '../../schemas/index.js'
import type { AppContext, TypedApp } from '../context.js'
import { clientService, knownService, listClients, listVisits, readClient } from '../db/report-queries.js'
import { CollectorError } from '../errors.js'
import {
  decodeCursor, emailPart, encodeCursor, parseLimit, parseServiceId, parseSince, serviceIdPart
} from '../report-input.js'
import { ADMIN_SECURITY } from '../plugins/openapi.js'
import { normalizeEmail } from '../validate.js'

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody }

/** Reporting per client (issue 5); admin token only. Emails in paths are never logged. */
export function clientRoutes({ database, requireAdmin }: AppContext) {
  return async function routes(app: TypedApp) {
    app.addHook('onRequest', requireAdmin)

    app.get('/api/client/', {
      schema: {
        summary: 'List clients with their report rows, paged by service and email',
        tags: ['reporting'],
        security: ADMIN_SECURITY,
        querystring: ClientListQuery,
        response: { 200: ClientList, ...errors }
      }
    }, async (request) => {
      const query = request.query
      const serviceId = await knownService(database.db, parseServiceId(query.service))
      const position = query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, [serviceIdPart, emailPart])
      const page = await listClients(database.db, {
        serviceId,
        flag: query.flag,
        since: query.since === undefined ? undefined : parseSince(query.since),
        limit: parseLimit(query.limit, 50, 500),
        after: position && { service_id: position[0], email: position[1] }
      })
      const next = page.next && encodeCursor([page.next.service_id, page.next.email])
      return { clients: page.rows, next_cursor: next ?? null }
    })

    app.get('/api/client/:email/', {
      schema: {
        summary: "One client's report row and recent visits (newest first)",
        tags: ['reporting'],
        security: ADMIN_SECURITY,
        params: ClientParams,
        querystring: ClientQuery,
        response: { 200: ClientDetail, ...errors }
      }
    }, async (request) => {
      const email = normalizeEmail(request.params.email)
      const serviceId = await clientService(database.db, email, parseServiceId(request.query.service))
      const client = await readClient(database.db, serviceId, email)
      if (!client) throw new CollectorError('CLIENT_NOT_FOUND')

      const since = request.query.since
      const visits = await listVisits(database.db, {
        serviceId,
        email,
        since: since === undefined ? undefined : parseSince(since),
        limit: parseLimit(request.query.limit, 20, 500)
      })
      return { client, visits: visits.rows }
    })
  }
}
