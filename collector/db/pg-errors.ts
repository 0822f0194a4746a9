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

/** True when the database could not be reached or dropped the connection. */
export function isConnectionError(error: unknown): boolean {
  const code = sqlState(error)
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('08') || code === '57P01')) return true
  const message = error instanceof Error ? error.message : ''
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message)
}
