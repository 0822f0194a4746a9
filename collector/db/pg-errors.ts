/** SQLSTATE codes the collector turns into client answers; both pg and PGlite expose `code`. */
export const FOREIGN_KEY_VIOLATION = '23503'
export const UNIQUE_VIOLATION = '23505'

export function sqlState(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/** The constraint a violation names, for telling one foreign key from another. */
export function constraintOf(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined
  const constraint = (error as { constraint?: unknown }).constraint
  return typeof constraint === 'string' ? constraint : undefined
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'])

/**
 * SQLSTATEs meaning "not now": the server is shutting down or starting (57P0x), has no free
 * connection slot (53300), or cancelled a statement past DATABASE_TIMEOUT_MS (57014).
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '57014'])

const UNAVAILABLE_MESSAGE = new RegExp([
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connect ECONNREFUSED',
  'not queryable',
  'is not currently accepting connections'
].join('|'), 'i')

/** True when the database could not be reached, dropped the connection or is too slow. */
export function isConnectionError(error: unknown): boolean {
  const code = sqlState(error)
  const unavailable = code
    && (CONNECTION_CODES.has(code) || code.startsWith('08') || UNAVAILABLE_STATES.has(code))
  if (unavailable) return true
  const message = error instanceof Error ? error.message : ''
  return UNAVAILABLE_MESSAGE.test(message)
}
