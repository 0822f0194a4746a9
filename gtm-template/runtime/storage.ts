/**
 * Web storage that never throws: a page may block storage, run out of quota or hold a corrupt
 * value. When storage is unusable the values live in memory for this page only.
 */
const memory: Record<string, unknown> = {}

function area(session?: boolean): Storage | undefined {
  try {
    return session ? sessionStorage : localStorage
  } catch {
    return undefined
  }
}

export function read<T>(key: string, session?: boolean): T | undefined {
  try {
    const store = area(session)
    if (store) return JSON.parse(store.getItem(key) ?? 'null') ?? undefined
  } catch {
    // A corrupt value reads as missing and is overwritten by the next write.
  }
  return memory[key] as T | undefined
}

/** Writes a value; undefined removes the key. */
export function write(key: string, value: unknown, session?: boolean) {
  memory[key] = value
  try {
    const store = area(session)
    if (value === undefined) store?.removeItem(key)
    else store?.setItem(key, JSON.stringify(value))
  } catch {
    // Quota or a blocked store: the in-memory value still serves this page.
  }
}
