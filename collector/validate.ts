import { BUTTON_TEXT_MAX } from '../schemas/index.js'
import { CollectorError } from './errors.js'

// Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is not our business.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/

// Control and format characters (NUL, bidi marks, zero-width joiners) and lone surrogates: unseen
// or reordering what is shown, they would make two clients of addresses that read the same.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}]/u

/**
 * The one form an email is stored and looked up in: trimmed, lower-cased and in Unicode NFC, so
 * that "é" typed as one character or as "e" and an accent is one client.
 */
export function normalizeEmail(raw: string) {
  const email = raw.trim().toLowerCase().normalize('NFC')
  const valid = email.length <= 254 && !INVISIBLE.test(email) && EMAIL.test(email)
  if (!valid) throw new CollectorError('EMAIL_INVALID')
  return email
}

/**
 * The button text to store: trimmed, with 1 to BUTTON_TEXT_MAX characters left. Characters are
 * code points, as the schema's maxLength counts them: an emoji is one, not two UTF-16 units.
 */
export function buttonText(raw: string) {
  const text = raw.trim()
  const length = [...text].length
  if (length === 0 || length > BUTTON_TEXT_MAX) throw new CollectorError('BUTTON_TEXT_INVALID')
  return text
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

// The parts of a time that DATE_TIME_PATTERN accepts; the pattern alone lets 02-30 or 25:00 through.
const TIME_PARTS =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/

/**
 * True when every part names something that exists: Date would read 02-30 as 03-02 and 24:00 as
 * the next day. Year 0000 is refused too: PostgreSQL has no year 0.
 */
export function isRealTime(raw: string) {
  const parts = TIME_PARTS.exec(raw)
  if (!parts) return false
  // Seconds and offset may be left out; they count as zero.
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] =
    parts.slice(1).map((part) => Number(part ?? 0))
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
    && hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59
}

function daysInMonth(year: number, month: number) {
  // Not Date.UTC: it reads years 0 to 99 as 1900 to 1999.
  const lastDay = new Date(0)
  lastDay.setUTCFullYear(year, month, 0)
  return lastDay.getUTCDate()
}

/**
 * Milliseconds of an ISO time with offset. A time that cannot exist (February 30, month 13,
 * hour 25) is malformed input, answered like any other schema error on that field.
 */
export function parseTime(raw: string, field: string) {
  const ms = Date.parse(raw)
  if (!isRealTime(raw) || Number.isNaN(ms)) {
    throw new CollectorError('BODY_INVALID', `${field} is not a real date and time`)
  }
  return ms
}

/** Parses a real ISO time with offset and checks it lies inside the window. */
export function timeInWindow(raw: string, window: TimeWindow, field: string) {
  const ms = parseTime(raw, field)
  if (ms < window.earliest.getTime() || ms > window.latest.getTime()) {
    throw new CollectorError('LOGOUT_TIME_OUT_OF_RANGE')
  }
  return new Date(ms)
}
