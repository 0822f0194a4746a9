import { createHmac } from 'node:crypto'

/** The admin page's cookie: it opens the page's HTML only, never the admin API. */
export const ADMIN_COOKIE = 'visitlog_admin'

// Bound to this use, so the value is worth nothing anywhere else the token is used.
const COOKIE_LABEL = 'visitlog admin page cookie v1'

/**
 * The cookie's value: an HMAC of a fixed label keyed by the admin token. The raw token never
 * sits in a cookie, and a new ADMIN_TOKEN signs everyone out.
 */
export function adminCookieValue(adminToken: string) {
  return createHmac('sha256', adminToken).update(COOKIE_LABEL).digest('base64url')
}

/** One cookie's value from a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string) {
  for (const pair of (header ?? '').split(';')) {
    const split = pair.indexOf('=')
    if (split > 0 && pair.slice(0, split).trim() === name) return pair.slice(split + 1).trim()
  }
  return undefined
}

/**
 * Set-Cookie for the admin page: HttpOnly (no script reads it), SameSite=Strict (no other site
 * sends it), Path=/admin, Secure when the request came over https, and gone with the browser.
 */
export function adminCookieHeader(value: string, secure: boolean) {
  return `${ADMIN_COOKIE}=${value}; Path=/admin; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
}

export function clearedAdminCookieHeader(secure: boolean) {
  return `${adminCookieHeader('', secure)}; Max-Age=0`
}
