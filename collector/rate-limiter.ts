export interface FixedWindowOptions {
  /** Requests allowed per key in one window. */
  max: number
  windowMs: number
  /** Keys remembered; beyond that the least recently seen is forgotten. */
  keys: number
  /** Milliseconds on a clock that never steps back (performance.now); tests pass their own. */
  now?: () => number
}

interface Window {
  startMs: number
  count: number
}

/**
 * Counts requests per key in fixed windows: a key's window starts with its first request and
 * lasts windowMs, then the next request starts a new one. Refused requests count too.
 *
 * Written here rather than taken from @fastify/rate-limit, whose promises and result objects on
 * every request cost several times this (the README's "The rate limiter" has the numbers).
 */
export class FixedWindowLimiter {
  private readonly windows = new Map<string, Window>()
  /** The key seen last, already at the end of the map. */
  private newest: string | undefined
  private readonly max: number
  private readonly windowMs: number
  private readonly keys: number
  private readonly now: () => number

  constructor(options: FixedWindowOptions) {
    this.max = options.max
    this.windowMs = options.windowMs
    this.keys = options.keys
    // Not Date.now: a wall clock set back (NTP) would hold a busy key's window for the whole step.
    this.now = options.now ?? (() => performance.now())
  }

  /** Counts one request of `key`: 0 when it is allowed, else whole seconds to wait (at least 1). */
  hit(key: string): number {
    const nowMs = this.now()
    const window = this.seen(key, nowMs)
    window.count += 1
    if (window.count <= this.max) return 0
    return Math.max(1, Math.ceil((window.startMs + this.windowMs - nowMs) / 1000))
  }

  /** The number of keys remembered. */
  get size() {
    return this.windows.size
  }

  /** The key's current window, a new one when its last has ended. */
  private seen(key: string, nowMs: number): Window {
    let window = this.windows.get(key)
    if (window === undefined) window = { startMs: nowMs, count: 0 }
    else if (nowMs - window.startMs >= this.windowMs) {
      window.startMs = nowMs
      window.count = 0
    }
    // Taking the newest key out and back in would change nothing but cost a rehash now and then.
    if (key !== this.newest) this.remember(key, window)
    return window
  }

  /** Puts the key last in the map, which is kept in the order keys were last seen. */
  private remember(key: string, window: Window) {
    this.windows.delete(key)
    this.windows.set(key, window)
    this.newest = key
    if (this.windows.size > this.keys) this.windows.delete(this.windows.keys().next().value!)
  }
}
