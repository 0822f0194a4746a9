/**
 * Session ids known to exist, so a log for a known visit needs no look-up before its insert.
 *
 * Only positive answers are kept: a miss always asks the database, so a visit created by another
 * collector copy is found. A kept id can go stale only when its visit is deleted (retention or
 * erasure); callers of such deletes should call forget(), and where they cannot (another copy
 * deleted it), the log's foreign key still refuses the row and the writer forgets the id then.
 * Bounded: past `capacity` ids the oldest learnt goes first; visits are short, so it is cold by then.
 */
export class SessionCache {
  readonly #capacity: number
  readonly #ids = new Set<string>()

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  has(sessionId: string) {
    return this.#ids.has(sessionId)
  }

  remember(sessionId: string) {
    if (this.#capacity <= 0 || this.#ids.has(sessionId)) return
    if (this.#ids.size >= this.#capacity) this.#ids.delete(this.#ids.values().next().value!)
    this.#ids.add(sessionId)
  }

  forget(sessionIds: Iterable<string>) {
    for (const id of sessionIds) this.#ids.delete(id)
  }

  clear() {
    this.#ids.clear()
  }

  get size() {
    return this.#ids.size
  }
}
