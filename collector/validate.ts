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

/**
 * True when some string (value or key) anywhere in a parsed JSON value passes the test. It walks
 * with a stack of its own, not by recursion: a small body can nest thousands of levels deep.
 */
function someString(root: unknown, test: (text: string) => boolean): boolean {
  const pending: unknown[] = [root]
  while (pending.length > 0) {
    const value = pending.pop()
    if (typeof value === 'string') {
      if (test(value)) return true
    } else if (Array.isArray(value)) {
      pending.push(...value)
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (test(key)) return true
        pending.push(item)
      }
    }
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

/** True when the YYYY-MM-DD at the start names a real day: Date would read 02-30 as 03-02. */
function isCalendarDay(raw: string) {
  const [year, month, day] = raw.slice(0, 10).split('-').map(Number)
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth
}

/** Parses an ISO time with offset and checks it lies inside the window. */
export function timeInWindow(raw: string, window: TimeWindow) {
  const time = new Date(raw)
  const ms = time.getTime()
  const outside = Number.isNaN(ms) || !isCalendarDay(raw) || ms < window.earliest.getTime()
    || ms > window.latest.getTime()
  if (outside) throw new CollectorError('LOGOUT_TIME_OUT_OF_RANGE')
  return time
}
