import { type Kysely, sql } from 'kysely'

// Frozen. Per-service CORS: the browser origins allowed to write; an empty list allows any origin.

export async function up(db: Kysely<unknown>) {
  await sql`alter table service add column allowed_origins text[] not null default '{}'`.execute(db)
}

export async function down(db: Kysely<unknown>) {
  await sql`alter table service drop column allowed_origins`.execute(db)
}
