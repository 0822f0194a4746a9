import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect, type PostgresPool, sql } from 'kysely'
import pg from 'pg'
import { lockDataDir } from './data-dir-lock.js'
import { PGlitePool } from './pglite-driver.js'
import { preparingPool } from './prepared-statements.js'
import { createPostgresPool } from './postgres-pool.js'
import type { Database } from './types.js'
import { attachWriteGroups, type WriteGroupOptions } from './write-groups.js'

export type DatabaseKind = 'postgres' | 'pglite'

export interface DatabaseHandle {
  db: Kysely<Database>
  kind: DatabaseKind
  /** Where the data lives, without credentials: safe to print. */
  location: string
  ping(): Promise<boolean>
  close(): Promise<void>
}

export interface DatabaseOptions {
  databaseUrl?: string
  /** A directory for PGlite; `memory://` keeps everything in memory (tests). */
  dataDir?: string
  poolSize?: number
  /** PostgreSQL only: bound connecting and each statement to this (DATABASE_TIMEOUT_MS). */
  timeoutMs?: number
  /** How concurrent log writes are grouped into one statement (docs/throughput.md). */
  writeGroups?: Partial<WriteGroupOptions>
}

const WRITE_GROUP_DEFAULTS: WriteGroupOptions = {
  maxSize: 500,
  maxWaitMs: 0,
  concurrency: 2,
  sessionCacheSize: 100_000
}

// int8 (counts, sums) as numbers: the values this product counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value))

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const handle = options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 20, options.timeoutMs)
    : await openPGlite(options.dataDir ?? './data')

  const settings = { ...WRITE_GROUP_DEFAULTS, ...options.writeGroups }
  // PGlite is one connection: a second group in flight would only wait for it, holding its items.
  if (handle.kind === 'pglite') settings.concurrency = 1
  const groups = attachWriteGroups(handle.db, settings)
  // Every queued write is answered before the pool goes away; closing twice closes once.
  let closing: Promise<void> | undefined
  const close = () => (closing ??= groups.drain().then(handle.close))
  return { ...handle, close }
}

function openPostgres(databaseUrl: string, poolSize: number, timeoutMs?: number): DatabaseHandle {
  const pool = createPostgresPool(databaseUrl, poolSize, timeoutMs)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) })
  const location = describePostgres(databaseUrl)
  return { db, kind: 'postgres', location, ping: () => ping(db), close: () => db.destroy() }
}

async function openPGlite(dataDir: string): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith('memory://')
  if (!inMemory) mkdirSync(dataDir, { recursive: true })
  const unlock = inMemory ? () => {} : lockDataDir(dataDir)

  let pglite: PGlite
  try {
    pglite = await PGlite.create(inMemory ? undefined : dataDir, {
      parsers: { 20: (value: string) => Number(value), 1700: (value: string) => Number(value) }
    })
  } catch (error) {
    unlock()
    throw error
  }
  // Cast: the pool implements what the dialect calls, but not streaming through cursors.
  const pool = new PGlitePool(pglite) as unknown as PostgresPool
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const location = inMemory ? 'memory' : dataDir
  const close = () => db.destroy().finally(unlock)
  return { db, kind: 'pglite', location, ping: () => ping(db), close }
}

async function ping(db: Kysely<Database>) {
  try {
    await sql`select 1`.execute(db)
    return true
  } catch {
    return false
  }
}

/** A PostgreSQL URL without user and password: safe to print. */
export function describePostgres(databaseUrl: string) {
  try {
    const url = new URL(databaseUrl)
    return `postgres://${url.hostname}:${url.port || 5432}${url.pathname}`
  } catch {
    return 'postgres'
  }
}
