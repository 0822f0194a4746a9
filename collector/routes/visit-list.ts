import { ErrorBody, UUID_PATTERN, VisitList, VisitListQuery } from '../../schemas/index.js'
import type { AppContext, TypedApp } from '../context.js'
import { knownService, listVisits } from '../db/report-queries.js'
import { CollectorError } from '../errors.js'
import { decodeCursor, encodeCursor, parseLimit, parseServiceId, parseSince } from '../report-input.js'
import { ADMIN_SECURITY } from '../plugins/openapi.js'
import { normalizeEmail } from '../validate.js'

const POSITION_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/
const SESSION_ID = new RegExp(UUID_PATTERN)

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
  const [loginTime, sessionId] = decodeCursor(cursor, ['string', 'string']) as string[]
  const valid = POSITION_TIME.test(loginTime) && SESSION_ID.test(sessionId)
  if (!valid) throw new CollectorError('CURSOR_INVALID')
  return { login_time: loginTime, session_id: sessionId }
}
