import { CollectorError } from './errors.js'

// Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is not our business.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/

export function normalizeEmail(raw: string) {
  const email = raw.trim().toLowerCase()
  if (email.length > 254 || !EMAIL.test(email)) throw new CollectorError('EMAIL_INVALID')
  return email
}

export function requireHttpUrl(raw: string) {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new CollectorError('URL_INVALID')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CollectorError('URL_INVALID')
  return raw
}

/** True when some string (value or key) anywhere in a parsed JSON value passes the test. */
function someString(value: unknown, test: (text: string) => boolean): boolean {
  if (typeof value === 'string') return test(value)
  if (Array.isArray(value)) return value.some((item) => someString(item, test))
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => test(key) || someString(item, test))
  }
  return false
}

/** Finds a NUL anywhere in a parsed JSON value; PostgreSQL text cannot hold one. */
export function hasNul(value: unknown): boolean {
  return someString(value, (text) => text.includes('\u0000'))
}

// In a `u` regular expression a proper pair is one code point, so only lone halves match.
const LONE_SURROGATE = /\p{Surrogate}/u

/**
 * Finds a lone UTF-16 surrogate (JSON can escape one, "\ud800"): it has no UTF-8 form, and
 * storing it would silently turn it into U+FFFD.
 */
export function hasLoneSurrogate(value: unknown): boolean {
  return someString(value, (text) => LONE_SURROGATE.test(text))
}

export interface TimeWindow {
  earliest: Date
  latest: Date
}

/** Parses an ISO time with offset and checks it lies inside the window. */
export function timeInWindow(raw: string, window: TimeWindow) {
  const time = new Date(raw)
  const ms = time.getTime()
  const outside = Number.isNaN(ms) || ms < window.earliest.getTime() || ms > window.latest.getTime()
  if (outside) throw new CollectorError('LOGOUT_TIME_OUT_OF_RANGE')
  return time
}
