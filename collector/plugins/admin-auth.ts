import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { CollectorError } from '../errors.js'

const digest = (value: string) => createHash('sha256').update(value).digest()

/** Compares Bearer tokens in constant time (hashing first makes the lengths equal). */
export function makeAdminCheck(adminToken: string) {
  const expected = digest(adminToken)

  const isAdmin = (request: FastifyRequest) => {
    const header = request.headers.authorization
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false
    return timingSafeEqual(digest(header.slice('Bearer '.length).trim()), expected)
  }

  const requireAdmin = async (request: FastifyRequest) => {
    if (!isAdmin(request)) throw new CollectorError('ADMIN_TOKEN_REQUIRED')
  }

  return { isAdmin, requireAdmin }
}
