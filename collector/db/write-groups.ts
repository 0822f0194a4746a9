import type { Kysely } from 'kysely'
import { type GroupOptions, GroupWriter } from './group-writer.js'
import { SessionCache } from './session-cache.js'
import type { Database } from './types.js'

export interface WriteGroupOptions extends GroupOptions {
  /** Most session ids the cache keeps. */
  sessionCacheSize: number
}

/** Writes one group of one kind on the given database, with the database's session cache. */
export type WriteKind<T, R> = (db: Kysely<Database>, sessions: SessionCache, items: T[]) => Promise<Array<R | Error>>

/**
 * The group writers and session cache of one database. It belongs to the database handle, which
 * drains it before closing the pool; the query functions find it from the Kysely instance they
 * are given, so their signatures stay those of plain queries.
 */
export class WriteGroups {
  readonly sessions: SessionCache
  readonly #db: Kysely<Database>
  readonly #options: WriteGroupOptions
  readonly #writers = new Map<WriteKind<any, any>, GroupWriter<any, any>>()

  constructor(db: Kysely<Database>, options: WriteGroupOptions) {
    this.#db = db
    this.#options = options
    this.sessions = new SessionCache(options.sessionCacheSize)
  }

  /** Queues one item with the writer of its kind (made on first use) and answers its outcome. */
  submit<T, R>(kind: WriteKind<T, R>, item: T): Promise<R> {
    let writer = this.#writers.get(kind) as GroupWriter<T, R> | undefined
    if (!writer) {
      writer = new GroupWriter<T, R>((items) => kind(this.#db, this.sessions, items), this.#options)
      this.#writers.set(kind, writer)
    }
    return writer.submit(item)
  }

  /** Resolves when every queued item has been written and answered. */
  async drain() {
    await Promise.all([...this.#writers.values()].map((writer) => writer.drain()))
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
