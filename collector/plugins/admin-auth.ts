import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { ADMIN_COOKIE, adminCookieValue, cookieValue } from '../admin-cookie.js'
import { CollectorError } from '../errors.js'

const digest = (value: string) => createHash('sha256').update(value).digest()

// RFC 7235: the scheme is case-insensitive, so `bearer` and `BEARER` are the same as `Bearer`.
const BEARER = /^bearer +(.*)$/is

/** The token of an `Authorization: Bearer <token>` header, or undefined for any other header. */
export function bearerToken(header: string | undefined) {
  if (typeof header !== 'string') return undefined
  return BEARER.exec(header)?.[1].trim()
}

/**
 * Compares Bearer tokens, and the admin page's cookie, in constant time (hashing first makes
 * the lengths equal).
 */
export function makeAdminCheck(adminToken: string) {
  const expected = digest(adminToken)
  const pageCookie = adminCookieValue(adminToken)
  const expectedCookie = digest(pageCookie)

  const isAdminToken = (token: string) => timingSafeEqual(digest(token), expected)

  const isAdmin = (request: FastifyRequest) => {
    const token = bearerToken(request.headers.authorization)
    return token !== undefined && isAdminToken(token)
  }

  const requireAdmin = async (request: FastifyRequest) => {
    if (!isAdmin(request)) throw new CollectorError('ADMIN_TOKEN_REQUIRED')
  }

  /** The admin page opens with its cookie, or with the Bearer token as the API does. */
  const mayOpenPage = (request: FastifyRequest) => {
    const cookie = cookieValue(request.headers.cookie, ADMIN_COOKIE)
    return isAdmin(request) || (cookie !== undefined && timingSafeEqual(digest(cookie), expectedCookie))
  }

  return { isAdmin, isAdminToken, requireAdmin, mayOpenPage, pageCookie }
}

export type AdminCheck = ReturnType<typeof makeAdminCheck>
