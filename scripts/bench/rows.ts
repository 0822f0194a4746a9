import { type Kysely, sql } from 'kysely'
import type { Database } from '../../collector/db/types.js'
import { ensureService } from '../../collector/db/service-queries.js'
import { FLAG_NAMES } from '../../schemas/index.js'
import type { Accepted } from './load.js'

/** A service and many visits for the load to write to; answers their ids. */
export async function seed(db: Kysely<Database>, sessionCount: number) {
  const service = await ensureService(db, 'bench')
  const { rows } = await sql<{ session_id: string }>`
    insert into user_session (session_id, service_id, email)
    select gen_random_uuid(), ${service.id}, 'seed' || n || '@example.com'
    from generate_series(1, ${sessionCount}) n
    returning session_id::text`.execute(db)
  return { serviceId: service.id, sessions: rows.map((row) => row.session_id) }
}

export interface RowCheck {
  /** 2xx answers whose action is not stored exactly once. */
  lost: number
  /** Rows stored for requests whose answer the load generator never counted as 2xx. */
  unanswered: number
  accepted: number
}

/** Compares every 2xx answer with the rows: one row per log and created visit, a set flag per update. */
export async function checkRows(db: Kysely<Database>, accepted: Accepted, seeded: number): Promise<RowCheck> {
  const urls = await eventCounts(db, 'url_log')
  const buttons = await eventCounts(db, 'button_log')
  const visits = await sql<Record<string, unknown> & { session_id: string }>`
    select session_id::text, ${sql.join(FLAG_NAMES.map((flag) => sql.ref(flag)))}
    from user_session`.execute(db)
  const visitById = new Map(visits.rows.map((row) => [row.session_id, row]))

  let lost = 0
  for (const id of accepted.urlEvents) if (urls.get(id) !== 1) lost++
  for (const id of accepted.buttonEvents) if (buttons.get(id) !== 1) lost++
  for (const id of accepted.createdSessions) if (!visitById.has(id)) lost++
  for (const [id, flag] of accepted.flags) if (visitById.get(id)?.[flag] !== true) lost++

  const stored = urls.size + buttons.size + visits.rows.length - seeded
  const answered = accepted.urlEvents.length + accepted.buttonEvents.length + accepted.createdSessions.length
  return { lost, unanswered: Math.max(0, stored - answered), accepted: answered + accepted.flags.length }
}

async function eventCounts(db: Kysely<Database>, table: 'url_log' | 'button_log') {
  const { rows } = await sql<{ event_id: string, n: number }>`
    select event_id::text, count(*)::int as n from ${sql.table(table)} group by event_id`.execute(db)
  return new Map(rows.map((row) => [row.event_id, row.n]))
}
