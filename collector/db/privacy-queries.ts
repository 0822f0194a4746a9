import { type Kysely, sql } from 'kysely'
import type { Database } from './types.js'
import { forgetSessions } from './write-groups.js'

export interface DeletedCounts {
  visits: number
  url_logs: number
  button_logs: number
}

const none = (): DeletedCounts => ({ visits: 0, url_logs: 0, button_logs: 0 })

/**
 * Deletes the given visits with their logs in one transaction, counting each kind. Logs are
 * deleted first and explicitly (the foreign keys would cascade) so that the counts are exact.
 */
async function deleteVisits(db: Kysely<Database>, sessionIds: string[]): Promise<DeletedCounts> {
  if (sessionIds.length === 0) return none()
  const counts = await db.transaction().execute(async (trx) => {
    const remove = (table: 'url_log' | 'button_log' | 'user_session') =>
      trx.deleteFrom(table).where('session_id', 'in', sessionIds).executeTakeFirst()
    const urls = await remove('url_log')
    const buttons = await remove('button_log')
    const visits = await remove('user_session')
    return {
      visits: Number(visits.numDeletedRows),
      url_logs: Number(urls.numDeletedRows),
      button_logs: Number(buttons.numDeletedRows)
    }
  })
  // A log for a deleted visit must not skip its existence check (docs/throughput.md).
  forgetSessions(db, sessionIds)
  return counts
}

function add(total: DeletedCounts, part: DeletedCounts) {
  total.visits += part.visits
  total.url_logs += part.url_logs
  total.button_logs += part.button_logs
}

/** Visits are deleted this many at a time, so that no statement runs long or locks much. */
export const DELETE_BATCH = 500

/** Erasure: everything stored for one client (email, already normalized) in one service. */
export async function eraseClient(db: Kysely<Database>, serviceId: number, email: string) {
  const total = none()
  for (;;) {
    const batch = await db
      .selectFrom('user_session')
      .select('session_id')
      .where('service_id', '=', serviceId)
      .where('email', '=', email)
      .limit(DELETE_BATCH)
      .execute()
    add(total, await deleteVisits(db, batch.map((row) => row.session_id)))
    if (batch.length < DELETE_BATCH) return total
  }
}

/** Retention: visits that began more than `days` days ago, with their logs. */
export async function deleteVisitsOlderThan(db: Kysely<Database>, days: number) {
  const cutoff = new Date(Date.now() - days * 24 * 3600 * 1000)
  const total = none()
  for (;;) {
    const batch = await db
      .selectFrom('user_session')
      .select('session_id')
      // Raw: types.ts nests Timestamp inside Generated, which Kysely cannot compare with a Date.
      .where(sql<boolean>`login_time < ${cutoff}`)
      .orderBy('login_time')
      .limit(DELETE_BATCH)
      .execute()
    add(total, await deleteVisits(db, batch.map((row) => row.session_id)))
    if (batch.length < DELETE_BATCH) return total
  }
}

export async function serviceExists(db: Kysely<Database>, serviceId: number) {
  const row = await db.selectFrom('service').select('id').where('id', '=', serviceId).executeTakeFirst()
  return row !== undefined
}
