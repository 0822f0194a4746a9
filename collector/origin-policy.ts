import type { Kysely } from 'kysely'
import { allAllowedOrigins, serviceOfSession } from './db/origin-queries.js'
import type { Database } from './db/types.js'
import { normalizeOrigin } from './origins.js'
import { setBounded } from './bounded-map.js'

export interface OriginPolicyOptions {
  /** How long a copy of every service's list is used before it is read again. */
  ttlMs?: number
  /** How many session → service answers are remembered (a visit never changes service). */
  sessionCacheSize?: number
}

/** Every service's list, with what each request asks of all of them worked out once per read. */
interface Snapshot {
  lists: Map<number, string[]>
  /** Some service takes writes from any origin (its list is empty). */
  open: boolean
  /** Some service limits the origins it takes writes from. */
  restricted: boolean
  /** Every origin some list names. */
  named: Set<string>
}

/** Origin headers remembered with their normal form; a browser sends the same one each time. */
const NORMALIZED_KEPT = 1000
/** Longer headers are no origin a browser sends, and are not kept. */
const NORMALIZED_KEPT_LENGTH = 300

/** How long a failed read is answered again while there is no copy. */
const FAILURE_KEPT_MS = 1000
/** How long past its time a copy is still served while the next one is read. */
const STALE_SERVED_MS = 1000

/**
 * Which browser origins may write for which service. Every service's list is small and read
 * in one query, then kept for a few seconds, so a PATCH on another collector copy is seen
 * within ttlMs and a second (at once on this one). Answers for a session's service are kept,
 * bounded.
 */
export class OriginPolicy {
  readonly #db: Kysely<Database>
  readonly #ttlMs: number
  readonly #sessionCacheSize: number
  readonly #sessionService = new Map<string, number>()
  /** Origin header → its normal form, or null for one that is not an origin. */
  readonly #normalized = new Map<string, string | null>()
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
    const list = (await this.#lists()).lists.get(serviceId)
    if (!list || list.length === 0) return true
    const normalized = this.#normalize(origin)
    return normalized !== undefined && list.includes(normalized)
  }

  /**
   * The origin to echo in Access-Control-Allow-Origin when at least one service may take
   * writes from it, decided without knowing the service (a preflight carries no body).
   */
  async corsOrigin(origin: string): Promise<string | undefined> {
    const normalized = this.#normalize(origin)
    if (!normalized) return undefined
    let snapshot: Snapshot
    try {
      snapshot = await this.#lists()
    } catch {
      // The database is away: the write itself answers 503 and stores nothing, and the page
      // may read that answer and its Retry-After.
      return origin
    }
    return snapshot.open || snapshot.named.has(normalized) ? origin : undefined
  }

  /**
   * True when some service limits the origins it takes writes from. Until one does, every
   * origin may write and no write needs its visit's service looked up (issue 6: no database
   * round trip per request for what can be known).
   */
  async restrictsAny() {
    return (await this.#lists()).restricted
  }

  async serviceOfSession(sessionId: string) {
    const known = this.#sessionService.get(sessionId)
    if (known !== undefined) return known

    const serviceId = await serviceOfSession(this.#db, sessionId)
    if (serviceId === undefined) return undefined
    setBounded(this.#sessionService, sessionId, serviceId, this.#sessionCacheSize)
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

  /**
   * Serves a copy just past its time while a fresh one is read. An older copy is not served: after
   * a quiet spell, a list changed by another collector copy would otherwise apply only from the
   * second request on. When the database cannot be read, the old copy serves rather than nothing.
   */
  async #lists(): Promise<Snapshot> {
    const age = performance.now() - this.#readAt
    const snapshot = this.#snapshot
    if (snapshot && age < this.#ttlMs) return snapshot

    const failure = this.#failure
    if (!snapshot && failure && performance.now() - failure.at < FAILURE_KEPT_MS) throw failure.error

    const reading = this.#reading ?? this.#read()
    if (!snapshot) return reading
    if (age < this.#ttlMs + Math.min(this.#ttlMs, STALE_SERVED_MS)) {
      reading.catch(() => {})
      return snapshot
    }
    return reading.catch(() => snapshot)
  }

  #read() {
    const generation = this.#generation
    const current = () => generation === this.#generation
    // A copy is as old as the moment its read began: a slow read must not make it look newer.
    const startedAt = performance.now()
    const reading: Promise<Snapshot> = allAllowedOrigins(this.#db)
      .then(summarize)
      .then((snapshot) => {
        // A read that began before forget() may hold the old lists: answer it, keep nothing.
        if (current()) this.#keep(snapshot, startedAt)
        return snapshot
      })
      .catch((error: unknown) => {
        // The database is away: keep serving the stale copy and ask again in a second; without
        // one, answer the same failure for a second (a request asks in two hooks).
        if (current() && this.#snapshot) this.#readAt = performance.now() - this.#ttlMs + FAILURE_KEPT_MS
        if (current() && !this.#snapshot) this.#failure = { error, at: performance.now() }
        throw error
      })
      .finally(() => { if (this.#reading === reading) this.#reading = undefined })
    this.#reading = reading
    return reading
  }

  #keep(snapshot: Snapshot, readAt: number) {
    this.#failure = undefined
    this.#snapshot = snapshot
    this.#readAt = readAt
  }

  /** normalizeOrigin parses a URL: the answer for a header seen before is looked up instead. */
  #normalize(origin: string) {
    const known = this.#normalized.get(origin)
    if (known !== undefined) return known ?? undefined

    const normalized = normalizeOrigin(origin)
    if (origin.length <= NORMALIZED_KEPT_LENGTH) {
      setBounded(this.#normalized, origin, normalized ?? null, NORMALIZED_KEPT)
    }
    return normalized
  }
}

function summarize(lists: Map<number, string[]>): Snapshot {
  const all = [...lists.values()]
  return {
    lists,
    open: all.some((list) => list.length === 0),
    restricted: all.some((list) => list.length > 0),
    named: new Set(all.flat())
  }
}
