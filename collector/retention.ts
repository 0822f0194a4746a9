import type { FastifyBaseLogger } from 'fastify'
import type { Kysely } from 'kysely'
import { deleteVisitsOlderThan } from './db/privacy-queries.js'
import type { Database } from './db/types.js'

/** How often the collector applies RETENTION_DAYS; it also applies it once at start. */
export const RETENTION_INTERVAL_MS = 60 * 60 * 1000

/**
 * One retention pass as the collector runs it on its schedule: never two at once, counts
 * logged for operators, a failure (the database away) logged and left to the next pass.
 */
export function makeRetentionPass(db: Kysely<Database>, days: number, log: FastifyBaseLogger) {
  let running: Promise<void> | undefined

  const pass = async () => {
    const started = Date.now()
    try {
      const deleted = await deleteVisitsOlderThan(db, days)
      log.info({ retentionDays: days, ...deleted, durationMs: Date.now() - started }, 'retention pass')
    } catch (error) {
      log.warn({ retentionDays: days, code: (error as { code?: unknown }).code }, 'retention pass failed')
    }
  }

  return () => {
    running ??= pass().finally(() => { running = undefined })
    return running
  }
}
