import { type Kysely, sql } from 'kysely'

// Frozen. Issue 6: one index entry less per url or button log. The unique (session_id, event_id)
// index also starts with session_id, so it finds one visit's logs as the dropped index did; a
// visit's few rows are then ordered by date in memory. Retention keeps its (date) index.

export async function up(db: Kysely<unknown>) {
  await sql`drop index url_log_session_date_idx`.execute(db)
  await sql`drop index button_log_session_date_idx`.execute(db)
}

export async function down(db: Kysely<unknown>) {
  await sql`create index url_log_session_date_idx on url_log (session_id, date)`.execute(db)
  await sql`create index button_log_session_date_idx on button_log (session_id, date)`.execute(db)
}
