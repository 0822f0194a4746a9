import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Test } from 'tap'
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import { runOnServer } from '../db/postgres-pool.js'

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets it). */
export function databaseKinds(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']
}

/**
 * A migrated database with empty tables for one test: PGlite in memory, or a new PostgreSQL
 * database made from TEST_DATABASE_URL and dropped afterwards, so tests never see each other's rows.
 */
export async function openTestDatabase(t: Test, kind: DatabaseKind): Promise<DatabaseHandle> {
  if (kind === 'pglite') return sharedPGlite()

  const url = await createTestDatabase(t)
  const handle = await openDatabase({ databaseUrl: url, poolSize: 10 })
  // Registered after the drop, so it runs before it: teardowns run last first.
  t.teardown(() => handle.close())
  await migrateToLatest(handle.db)
  return handle
}

/** A new, empty PostgreSQL database made from TEST_DATABASE_URL and dropped after the test. */
export async function createTestDatabase(t: Test) {
  const serverUrl = process.env.TEST_DATABASE_URL
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set')
  const name = `visitlog_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await runOnServer(serverUrl, `create database ${name}`)
  t.teardown(() => runOnServer(serverUrl, `drop database if exists ${name} with (force)`))

  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

let pglite: Promise<DatabaseHandle> | undefined

/**
 * Starting PGlite takes seconds, so a test file keeps one in memory and empties its tables
 * before each test instead. Tests in a file run one after another, so they never overlap.
 */
async function sharedPGlite() {
  pglite ??= openDatabase({ dataDir: 'memory://' }).then(async (handle) => {
    await migrateToLatest(handle.db)
    return handle
  })
  const handle = await pglite
  const { rows } = await sql<{ name: string }>`
    select quote_ident(tablename) as name from pg_tables
    where schemaname = 'public' and tablename not like 'kysely_%'`.execute(handle.db)
  await sql.raw(`truncate ${rows.map((row) => row.name).join(', ')} restart identity cascade`)
    .execute(handle.db)
  return handle
}

/** Runs the same subtest once per database kind. */
export function eachDatabase(
  t: Test,
  name: string,
  body: (t: Test, database: DatabaseHandle) => Promise<void>
) {
  for (const kind of databaseKinds()) {
    t.test(`${name} (${kind})`, async (t) => body(t, await openTestDatabase(t, kind)))
  }
}
