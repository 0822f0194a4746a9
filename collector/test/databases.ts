import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Test } from 'tap'
import { type DatabaseHandle, type DatabaseKind, openDatabase } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set (.ci/run sets it). */
export function databaseKinds(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']
}

/**
 * A fresh, migrated database for one test: PGlite in memory, or a new PostgreSQL database made
 * from TEST_DATABASE_URL and dropped afterwards, so test files never see each other's rows.
 */
export async function openTestDatabase(t: Test, kind: DatabaseKind): Promise<DatabaseHandle> {
  if (kind === 'pglite') {
    const handle = await openDatabase({ dataDir: 'memory://' })
    t.teardown(() => handle.close())
    await migrateToLatest(handle.db)
    return handle
  }

  const serverUrl = process.env.TEST_DATABASE_URL
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set')
  const name = `visitlog_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await adminQuery(serverUrl, `create database ${name}`)

  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 10 })
  t.teardown(async () => {
    await handle.close()
    await adminQuery(serverUrl, `drop database if exists ${name} with (force)`)
  })
  await migrateToLatest(handle.db)
  return handle
}

async function adminQuery(serverUrl: string, statement: string) {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** Runs the same subtest once per database kind. */
export function eachDatabase(t: Test, name: string, body: (t: Test, database: DatabaseHandle) => Promise<void>) {
  for (const kind of databaseKinds()) {
    t.test(`${name} (${kind})`, async (t) => body(t, await openTestDatabase(t, kind)))
  }
}
