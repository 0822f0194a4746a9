import type { Kysely } from 'kysely'
import type { Database } from './types.js'

/** Replaces a service's allowed origins; undefined when no service has this id. */
export function setAllowedOrigins(db: Kysely<Database>, serviceId: number, origins: string[]) {
  return db
    .updateTable('service')
    .set({ allowed_origins: origins })
    .where('id', '=', serviceId)
    .returning(['id', 'service_name', 'allowed_origins'])
    .executeTakeFirst()
}

export function readAllowedOrigins(db: Kysely<Database>, serviceId: number) {
  return db
    .selectFrom('service')
    .select(['id', 'service_name', 'allowed_origins'])
    .where('id', '=', serviceId)
    .executeTakeFirst()
}

/** Every service's list, for the collector's origin cache. */
export async function allAllowedOrigins(db: Kysely<Database>) {
  const rows = await db.selectFrom('service').select(['id', 'allowed_origins']).execute()
  return new Map(rows.map((row) => [row.id, row.allowed_origins]))
}

/** The service a visit belongs to, or undefined for an unknown session id. */
export async function serviceOfSession(db: Kysely<Database>, sessionId: string) {
  const row = await db
    .selectFrom('user_session')
    .select('service_id')
    .where('session_id', '=', sessionId)
    .executeTakeFirst()
  return row?.service_id
}
