import type { Kysely } from 'kysely'
import type { Outcome, StatementResult } from './group-outcomes.js'
import { writeGroup } from './group-statement.js'
import { type GroupOptions, GroupWriter } from './group-writer.js'
import { SessionCache } from './session-cache.js'
import type { Database } from './types.js'
import type { StatementPart } from './unnest.js'

export interface WriteGroupOptions extends GroupOptions {
  /** Most session ids the cache keeps. */
  sessionCacheSize: number
}

/** One kind of write (url log, button log, visit create, visit update) and its part of a group. */
export interface WriteKind<T, R> {
  /** Names the kind's part of the group statement: lower case and underscores. */
  name: string
  /** The visit an item needs to exist already; looked up once per group unless the cache knows it. */
  sessionOf?(item: T): string
  /**
   * Plans this kind's part for its items of one group; `missing` holds visits that do not exist.
   * Its one-row fallbacks must query directly, never submit here: they run while the group does.
   */
  plan(db: Kysely<Database>, sessions: SessionCache, items: T[], missing: ReadonlySet<string>): Part<R>
}

/** One kind's share of a group. */
export interface Part<R> {
  /** A data-modifying statement returning one text column, `key`; undefined when nothing needs it. */
  statement: StatementPart | undefined
  /** Every item's outcome, in order, once the group statement has committed or failed (and undone). */
  finish(result: StatementResult): Promise<Outcome<R>[]>
}

export interface Tagged {
  kind: WriteKind<any, any>
  item: unknown
}

/**
 * The group writer and session cache of one database. It belongs to the database handle, which
 * drains it before closing the pool; the query functions find it from the Kysely instance they
 * are given, so their signatures stay those of plain queries.
 */
export class WriteGroups {
  readonly sessions: SessionCache
  readonly #writer: GroupWriter<Tagged, unknown>

  constructor(db: Kysely<Database>, options: WriteGroupOptions) {
    this.sessions = new SessionCache(options.sessionCacheSize)
    this.#writer = new GroupWriter((items) => writeGroup(db, this.sessions, items), options)
  }

  /** Queues one write and answers its outcome once its group has committed. */
  submit<T, R>(kind: WriteKind<T, R>, item: T): Promise<R> {
    return this.#writer.submit({ kind, item }) as Promise<R>
  }

  /** Resolves when every queued write has been written and answered. */
  drain() {
    return this.#writer.drain()
  }
}

const attached = new WeakMap<Kysely<Database>, WriteGroups>()

export function attachWriteGroups(db: Kysely<Database>, options: WriteGroupOptions) {
  const groups = new WriteGroups(db, options)
  attached.set(db, groups)
  return groups
}

/**
 * The write groups of a database handle's Kysely instance. A transaction, or a Kysely instance
 * made elsewhere, has none: its writes go one by one, inside whatever transaction it is.
 */
export function writeGroupsOf(db: Kysely<Database>): WriteGroups | undefined {
  if (db.isTransaction) return undefined
  return attached.get(db)
}

/** For deletes (retention, erasure): drops the ids from the session cache of the handle's `db`. */
export function forgetSessions(db: Kysely<Database>, sessionIds: Iterable<string>) {
  const sessions = attached.get(db)?.sessions
  for (const id of sessionIds) sessions?.forget([id.toLowerCase()])
}
