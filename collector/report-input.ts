import { UUID_PATTERN } from '../schemas/index.js'
import { CollectorError } from './errors.js'
import { isRealTime } from './validate.js'

/**
 * Filters that the report API and the report command read alike. A bad value throws
 * QUERY_INVALID or CURSOR_INVALID with a message naming the parameter.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/

/**
 * A day (midnight UTC) or an ISO date and time with an offset. A day or time that does not
 * exist (February 30, 24:00) is refused: Date would quietly move it to another one.
 */
export function parseSince(raw: string): Date {
  const time = DAY.test(raw) ? `${raw}T00:00:00Z` : raw
  const ms = Date.parse(time)
  if (!isRealTime(time) || Number.isNaN(ms)) {
    throw new CollectorError('QUERY_INVALID', 'since must be a real date such as 2026-12-01')
  }
  return new Date(ms)
}

export function parseLimit(raw: string | undefined, fallback: number, max: number) {
  if (raw === undefined) return fallback
  const limit = Number(raw)
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new CollectorError('QUERY_INVALID', `limit must be a whole number from 1 to ${max}`)
  }
  return limit
}

export function parseServiceId(raw: string | undefined) {
  if (raw === undefined) return undefined
  const id = Number(raw)
  if (!Number.isInteger(id) || id < 1 || id > 2147483647) {
    throw new CollectorError('QUERY_INVALID', 'service must be a service id')
  }
  return id
}

/** A keyset position as an opaque string: base64url of a JSON array of scalars. */
export function encodeCursor(position: Array<string | number>) {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

/** Says whether one element of a decoded cursor could have been given out by the endpoint. */
export type CursorPart<T> = (value: unknown) => value is T

const MAX_ID = 2147483647
const EMAIL_MAX = 254
// NUL cannot reach PostgreSQL text; a lone surrogate has no UTF-8 form.
const UNSTORABLE = /[\u0000\p{Cs}]/u
const LOGIN_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/
const SESSION_ID = new RegExp(UUID_PATTERN)

/** A service id within PostgreSQL's integer. */
export const serviceIdPart = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_ID

/** An email as stored: no longer than a normalised one, nothing PostgreSQL text refuses. */
export const emailPart = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= EMAIL_MAX && !UNSTORABLE.test(value)

/** A login_time to the microsecond in UTC, as the visit list gives it out, that exists. */
export const loginTimePart = (value: unknown): value is string =>
  typeof value === 'string' && LOGIN_TIME.test(value) && isRealTime(value)

/** A visit id, any case, as the list gives it out. */
export const sessionIdPart = (value: unknown): value is string =>
  typeof value === 'string' && SESSION_ID.test(value)

/**
 * Reads a cursor back, each element checked by its part, so that nothing the database would
 * refuse (1.5 for an integer, February 30) reaches it: that would be a 500, not a 400.
 */
export function decodeCursor<T extends unknown[]>(
  raw: string,
  parts: { [K in keyof T]: CursorPart<T[K]> }
): T {
  let position: unknown
  try {
    position = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    throw new CollectorError('CURSOR_INVALID')
  }
  const fits = Array.isArray(position) && position.length === parts.length &&
    position.every((item, index) => parts[index](item))
  if (!fits) throw new CollectorError('CURSOR_INVALID')
  return position as T
}
