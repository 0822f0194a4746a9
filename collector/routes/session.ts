import { randomUUID } from 'node:crypto'
import {
  ErrorBody, SessionCreate, SessionCreated, SessionDetail, SessionParams, SessionUpdate, Success
} from '../../schemas/index.js'
import type { AppContext, TypedApp } from '../context.js'
import { createVisit, flagsOf, readVisit, updateVisit } from '../db/session-queries.js'
import { CollectorError } from '../errors.js'
import { normalizeIp, truncateIp } from '../ip-address.js'
import { requestUserAgent } from '../user-agent.js'
import { normalizeEmail, timeInWindow } from '../validate.js'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

export function sessionRoutes(context: AppContext) {
  const { database, clockSkewMs } = context

  return async function routes(app: TypedApp) {
    app.post('/api/session/', {
      schema: { body: SessionCreate, response: { 200: SessionCreated, 201: SessionCreated, ...errors } }
    }, async (request, reply) => {
      const body = request.body
      const email = normalizeEmail(body.email)
      const ipAddress = chooseIp(context, request, body.ip_address)
      const now = Date.now()
      const window = { earliest: new Date(now - clockSkewMs), latest: new Date(now + clockSkewMs) }
      const logoutTime = body.logout_time === undefined
        ? undefined
        : timeInWindow(body.logout_time, window, 'body/logout_time')
      const sessionId = (body.session_id ?? randomUUID()).toLowerCase()

      const { created } = await createVisit(database.db, {
        session_id: sessionId,
        service_id: body.service,
        email,
        ip_address: ipAddress,
        user_agent: body.user_agent ?? requestUserAgent(request),
        logout_time: logoutTime,
        active_seconds: body.active_seconds,
        flags: flagsOf(body)
      })
      return reply.code(created ? 201 : 200).send({ session_id: sessionId })
    })

    const update = {
      schema: { params: SessionParams, body: SessionUpdate, response: { 200: Success, ...errors } }
    }
    const handleUpdate = async (request: { params: SessionParams, body: SessionUpdate }) => {
      const body = request.body
      const window = { earliest: new Date(0), latest: new Date(Date.now() + clockSkewMs) }
      const logoutTime = body.logout_time === undefined
        ? undefined
        : timeInWindow(body.logout_time, window, 'body/logout_time')
      await updateVisit(database.db, request.params.session_id.toLowerCase(), {
        user_agent: body.user_agent,
        logout_time: logoutTime,
        active_seconds: body.active_seconds,
        flags: flagsOf(body)
      }, { earliestSkewMs: clockSkewMs })
      return { success: true as const }
    }
    app.put('/api/session/:session_id/', update, handleUpdate)
    // navigator.sendBeacon can only POST, so the same update is accepted on POST.
    app.post('/api/session/:session_id/', update, handleUpdate)

    app.get('/api/session/:session_id/', {
      onRequest: context.requireAdmin,
      schema: { params: SessionParams, response: { 200: SessionDetail, ...errors } }
    }, async (request) => {
      const visit = await readVisit(database.db, request.params.session_id.toLowerCase())
      if (!visit) throw new CollectorError('SESSION_NOT_FOUND')
      return visit
    })
  }
}

/**
 * The request's own address, unless an admin sends one on a visitor's behalf; shortened
 * before storage when IP_TRUNCATE is on.
 */
function chooseIp(context: AppContext, request: Parameters<AppContext['isAdmin']>[0], sent?: string) {
  const address = sent === undefined ? normalizeIp(request.ip) : sentIp(context, request, sent)
  return address && context.ipTruncate ? truncateIp(address) : address
}

function sentIp(context: AppContext, request: Parameters<AppContext['isAdmin']>[0], sent: string) {
  if (!context.isAdmin(request)) throw new CollectorError('IP_ADDRESS_ADMIN_ONLY')
  const address = normalizeIp(sent)
  if (!address) throw new CollectorError('IP_ADDRESS_INVALID')
  return address
}
