import { ErrorBody, VisitList, VisitListQuery } from '../../schemas/index.js'
import type { AppContext, TypedApp } from '../context.js'
import { knownService, listVisits } from '../db/report-queries.js'
import {
  decodeCursor, encodeCursor, loginTimePart, parseLimit, parseServiceId, parseSince, sessionIdPart
} from '../report-input.js'
import { ADMIN_SECURITY } from '../plugins/openapi.js'
import { normalizeEmail } from '../validate.js'

/** The report's visit list (issue 5), newest first; admin token only. */
export function visitListRoutes({ database, requireAdmin }: AppContext) {
  return async function routes(app: TypedApp) {
    app.get('/api/session/', {
      onRequest: requireAdmin,
      schema: {
        summary: 'List visits with their report rows, newest first, paged',
        tags: ['reporting'],
        security: ADMIN_SECURITY,
        querystring: VisitListQuery,
        response: { 200: VisitList, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody }
      }
    }, async (request) => {
      const query = request.query
      const page = await listVisits(database.db, {
        serviceId: await knownService(database.db, parseServiceId(query.service)),
        email: query.email === undefined ? undefined : normalizeEmail(query.email),
        since: query.since === undefined ? undefined : parseSince(query.since),
        limit: parseLimit(query.limit, 100, 500),
        after: query.cursor === undefined ? undefined : visitPosition(query.cursor)
      })
      const next = page.next && encodeCursor([page.next.login_time, page.next.session_id])
      return { visits: page.rows, next_cursor: next ?? null }
    })
  }
}

function visitPosition(cursor: string) {
  const [loginTime, sessionId] = decodeCursor(cursor, [loginTimePart, sessionIdPart])
  return { login_time: loginTime, session_id: sessionId }
}
