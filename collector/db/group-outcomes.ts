import { isConnectionError } from './pg-errors.js'

/** What one item of a group gets: its result, or its own error. */
export type Outcome<R> = R | Error

export function asError(error: unknown) {
  return error instanceof Error ? error : new Error(String(error))
}

/** Runs an item's one-row path and keeps its error as the item's outcome. */
export async function outcomeOf<R>(run: () => Promise<R>): Promise<Outcome<R>> {
  try {
    return await run()
  } catch (error) {
    return asError(error)
  }
}

/**
 * After a group statement failed (and so wrote nothing): a lost connection fails every item
 * alike; any other failure is isolated by retrying each item on its own one-row path.
 */
export async function isolate<T, R>(error: unknown, items: T[], one: (item: T) => Promise<Outcome<R>>) {
  if (isConnectionError(error)) return items.map(() => asError(error))
  return Promise.all(items.map(one))
}

/**
 * Splits items by a key (an event or a visit): the first with a key leads and goes into the
 * group statement, later ones repeat and go one by one after it, as if they had come later.
 */
export function leadersAndRepeats<T>(items: T[], keyOf: (item: T) => string | undefined) {
  const leaders: T[] = []
  const repeats: T[] = []
  const keys = new Set<string>()
  for (const item of items) {
    const key = keyOf(item)
    if (key !== undefined && keys.has(key)) {
      repeats.push(item)
      continue
    }
    if (key !== undefined) keys.add(key)
    leaders.push(item)
  }
  return { leaders, repeats }
}

export type StatementResult = { keys: ReadonlySet<string> } | { error: unknown }

interface KeyedPart<T, R> {
  items: T[]
  leaders: T[]
  repeats: T[]
  keyOf(item: T): string
  /** The outcome of an item the statement applied. */
  applied(item: T): R
  one(item: T): Promise<Outcome<R>>
}

/**
 * Outcomes for a part whose statement answers the key of each item it applied: those get
 * `applied`, the others and the repeats go through the one-row path, which names the error.
 */
export async function finishByKey<T, R>(result: StatementResult, part: KeyedPart<T, R>) {
  const outcomes = new Map<T, Outcome<R>>()
  if ('error' in result) {
    const isolated = await isolate(result.error, part.leaders, part.one)
    part.leaders.forEach((item, index) => outcomes.set(item, isolated[index]))
  } else {
    for (const item of part.leaders) {
      outcomes.set(item, result.keys.has(part.keyOf(item)) ? part.applied(item) : await part.one(item))
    }
  }
  for (const item of part.repeats) outcomes.set(item, await part.one(item))
  return part.items.map((item) => outcomes.get(item)!)
}
