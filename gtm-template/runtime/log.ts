/** Debug output when a command asked for it, and the guard that keeps errors out of the page. */
let enabled = false

export function setDebug(on: boolean) {
  enabled = on
}

export function debug(...args: unknown[]) {
  if (enabled) console.log('[visitlog]', ...args)
}

/** Wraps an entry point (command, listener, timer) so that nothing it throws reaches the page. */
export function safe<A extends unknown[]>(fn: (...args: A) => unknown) {
  return (...args: A) => {
    try {
      fn(...args)
    } catch (error) {
      debug('error', error)
    }
  }
}
