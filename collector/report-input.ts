import { CollectorError } from './errors.js'

/**
 * Filters that the report API and the report command read alike. A bad value throws
 * QUERY_INVALID or CURSOR_INVALID with a message naming the parameter.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A day (midnight UTC) or an ISO date and time with an offset; refuses impossible dates. */
export function parseSince(raw: string): Date {
  const day = DAY.exec(raw)
  const time = new Date(day ? `${raw}T00:00:00Z` : raw)
  const real = !Number.isNaN(time.getTime()) && (!day || time.toISOString().startsWith(raw))
  if (!real) throw new CollectorError('QUERY_INVALID', 'since must be a real date such as 2026-12-01')
  return time
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

/** Reads a cursor back; `shape` names the type of each element. */
export function decodeCursor(raw: string, shape: Array<'string' | 'number'>): Array<string | number> {
  let position: unknown
  try {
    position = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))
  } catch {
    throw new CollectorError('CURSOR_INVALID')
  }
  const fits = Array.isArray(position) && position.length === shape.length &&
    position.every((item, index) => typeof item === shape[index])
  if (!fits) throw new CollectorError('CURSOR_INVALID')
  return position as Array<string | number>
}
