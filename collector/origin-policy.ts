import type { Kysely } from 'kysely'
import { allAllowedOrigins, serviceOfSession } from './db/origin-queries.js'
import type { Database } from './db/types.js'
import { normalizeOrigin } from './origins.js'

export interface OriginPolicyOptions {
  /** How long a copy of every service's list is used before it is read again. */
  ttlMs?: number
  /** How many session → service answers are remembered (a visit never changes service). */
  sessionCacheSize?: number
}

type Snapshot = Map<number, string[]>

/**
 * Which browser origins may write for which service. Every service's list is small and read
 * in one query, then kept for a few seconds, so a PATCH on another collector copy is seen
 * within ttlMs (at once on this one). Answers for a session's service are kept, bounded.
 */
const FAILURE_KEPT_MS = 1000

export class OriginPolicy {
  readonly #db: Kysely<Database>
  readonly #ttlMs: number
  readonly #sessionCacheSize: number
  readonly #sessionService = new Map<string, number>()
  #snapshot: Snapshot | undefined
  #readAt = 0
  #reading: Promise<Snapshot> | undefined
  #generation = 0
  /** The last failed read while there was no copy, so one request waits for it once, not twice. */
  #failure: { error: unknown, at: number } | undefined

  constructor(db: Kysely<Database>, options: OriginPolicyOptions = {}) {
    this.#db = db
    this.#ttlMs = options.ttlMs ?? 10_000
    this.#sessionCacheSize = options.sessionCacheSize ?? 10_000
  }

  /** True when the service takes writes from this Origin header (an empty list takes all). */
  async allows(serviceId: number, origin: string) {
    const list = (await this.#lists()).get(serviceId)
    if (!list || list.length === 0) return true
    const normalized = normalizeOrigin(origin)
    return normalized !== undefined && list.includes(normalized)
  }

  /**
   * The origin to echo in Access-Control-Allow-Origin when at least one service may take
   * writes from it, decided without knowing the service (a preflight carries no body).
   */
  async corsOrigin(origin: string): Promise<string | undefined> {
    const normalized = normalizeOrigin(origin)
    if (!normalized) return undefined
    let lists: Snapshot
    try {
      lists = await this.#lists()
    } catch {
      // The database is away: the write itself answers 503 and stores nothing, and the page
      // may read that answer and its Retry-After.
      return origin
    }
    for (const list of lists.values()) {
      if (list.length === 0 || list.includes(normalized)) return origin
    }
    return undefined
  }

  /**
   * True when some service limits the origins it takes writes from. Until one does, every
   * origin may write and no write needs its visit's service looked up (issue 6: no database
   * round trip per request for what can be known).
   */
  async restrictsAny() {
    for (const list of (await this.#lists()).values()) if (list.length > 0) return true
    return false
  }

  async serviceOfSession(sessionId: string) {
    const known = this.#sessionService.get(sessionId)
    if (known !== undefined) return known

    const serviceId = await serviceOfSession(this.#db, sessionId)
    if (serviceId === undefined) return undefined
    if (this.#sessionService.size >= this.#sessionCacheSize) {
      this.#sessionService.delete(this.#sessionService.keys().next().value as string)
    }
    this.#sessionService.set(sessionId, serviceId)
    return serviceId
  }

  /** Drops the copy of the lists, after this collector changed one. */
  forget() {
    this.#snapshot = undefined
    this.#readAt = 0
    this.#reading = undefined
    this.#failure = undefined
    this.#generation += 1
  }

  /** Serves a stale copy while a fresh one is read; waits only when there is none. */
  async #lists(): Promise<Snapshot> {
    const fresh = Date.now() - this.#readAt < this.#ttlMs
    if (this.#snapshot && fresh) return this.#snapshot

    const failure = this.#failure
    if (!this.#snapshot && failure && Date.now() - failure.at < FAILURE_KEPT_MS) throw failure.error

    const reading = this.#reading ?? this.#read()
    if (this.#snapshot) {
      reading.catch(() => {})
      return this.#snapshot
    }
    return reading
  }

  #read() {
    const generation = this.#generation
    const current = () => generation === this.#generation
    const reading: Promise<Snapshot> = allAllowedOrigins(this.#db)
      .then((snapshot) => {
        // A read that began before forget() may hold the old lists: answer it, keep nothing.
        if (current()) this.#keep(snapshot)
        return snapshot
      })
      .catch((error: unknown) => {
        // The database is away: keep serving the stale copy and ask again in a second; without
        // one, answer the same failure for a second (a request asks in two hooks).
        if (current() && this.#snapshot) this.#readAt = Date.now() - this.#ttlMs + FAILURE_KEPT_MS
        if (current() && !this.#snapshot) this.#failure = { error, at: Date.now() }
        throw error
      })
      .finally(() => { if (this.#reading === reading) this.#reading = undefined })
    this.#reading = reading
    return reading
  }

  #keep(snapshot: Snapshot) {
    this.#failure = undefined
    this.#snapshot = snapshot
    this.#readAt = Date.now()
  }
}
