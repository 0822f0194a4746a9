import { type Kysely, sql } from 'kysely'

// Frozen. Active time: seconds the page was visible and focused during the visit; it only grows.

export async function up(db: Kysely<unknown>) {
  await sql`alter table user_session
    add column active_seconds integer not null default 0 check (active_seconds >= 0)`.execute(db)
}

export async function down(db: Kysely<unknown>) {
  await sql`alter table user_session drop column active_seconds`.execute(db)
}
