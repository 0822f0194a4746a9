/** How a group writer gathers items; see docs/throughput.md for the figures behind the defaults. */
export interface GroupOptions {
  /** Most items written by one statement. */
  maxSize: number
  /**
   * Longest an item waits for companions while a database connection is free, in milliseconds;
   * 0 waits only for the current turn of the event loop. While every slot is busy, items gather
   * until one frees, which is what makes groups large exactly when the load is high.
   */
  maxWaitMs: number
  /** Groups in flight at once; each holds one database connection. */
  concurrency: number
}

/** Writes one group and answers one outcome per item, in order: a result, or the item's own error. */
export type WriteGroup<T, R> = (items: T[]) => Promise<Array<R | Error>>

interface Waiting<T, R> {
  item: T
  resolve(result: R): void
  reject(error: unknown): void
}

/**
 * Group commit: items submitted close together are written together, and each submitter hears
 * back only when its group's statement has committed (or failed).
 */
export class GroupWriter<T, R> {
  readonly #write: WriteGroup<T, R>
  readonly #options: GroupOptions
  #queue: Waiting<T, R>[] = []
  #running = 0
  #cancelWait: (() => void) | undefined
  #drained: Array<() => void> = []

  constructor(write: WriteGroup<T, R>, options: GroupOptions) {
    this.#write = write
    this.#options = options
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject })
      this.#schedule()
    })
  }

  /** Resolves once every submitted item has its answer. */
  drain(): Promise<void> {
    if (this.#idle()) return Promise.resolve()
    return new Promise((resolve) => this.#drained.push(resolve))
  }

  #idle() {
    return this.#queue.length === 0 && this.#running === 0
  }

  #schedule() {
    if (this.#running >= this.#options.concurrency) return
    if (this.#queue.length >= this.#options.maxSize) return this.#startGroups()
    if (this.#cancelWait) return

    if (this.#options.maxWaitMs > 0) {
      const timer = setTimeout(this.#startGroups, this.#options.maxWaitMs)
      this.#cancelWait = () => clearTimeout(timer)
    } else {
      const immediate = setImmediate(this.#startGroups)
      this.#cancelWait = () => clearImmediate(immediate)
    }
  }

  readonly #startGroups = () => {
    this.#cancelWait?.()
    this.#cancelWait = undefined
    while (this.#running < this.#options.concurrency && this.#queue.length > 0) {
      const group = this.#queue.splice(0, this.#options.maxSize)
      this.#running++
      void this.#run(group)
    }
  }

  async #run(group: Waiting<T, R>[]) {
    try {
      const outcomes = await this.#write(group.map((waiting) => waiting.item))
      group.forEach((waiting, index) => settle(waiting, outcomes, index))
    } catch (error) {
      for (const waiting of group) waiting.reject(error)
    } finally {
      this.#running--
      this.#afterGroup()
    }
  }

  #afterGroup() {
    // What queued up meanwhile has waited a whole group's time already: start it at once.
    if (this.#queue.length > 0) return this.#startGroups()
    if (!this.#idle()) return
    const drained = this.#drained
    this.#drained = []
    for (const resolve of drained) resolve()
  }
}

function settle<R>(waiting: Waiting<unknown, R>, outcomes: Array<R | Error>, index: number) {
  const outcome = outcomes[index]
  if (index >= outcomes.length) waiting.reject(new Error('A group write answered fewer outcomes than items'))
  else if (outcome instanceof Error) waiting.reject(outcome)
  else waiting.resolve(outcome)
}
