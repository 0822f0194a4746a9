import type { FastifyRequest } from 'fastify'
import { UUID_PATTERN } from '../../schemas/index.js'

const SESSION_ID = new RegExp(UUID_PATTERN)

/**
 * The visit a request's path names, lower-cased, or undefined. For the hooks that run before
 * or beside validation (rate limits, CORS), which must not trust the parameter's shape.
 */
export function sessionIdOf(request: FastifyRequest): string | undefined {
  const id = (request.params as { session_id?: unknown } | undefined)?.session_id
  return typeof id === 'string' && SESSION_ID.test(id) ? id.toLowerCase() : undefined
}
