// assertThat and assertApi of GTM's template test runner. A failed assertion throws, which ends
// the scenario as failed.

export class AssertionFailure extends Error {}

/** Deep equality across vm realms: arrays by items, objects by own keys, the rest by SameValue. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const other = b as unknown[]
    return a.length === other.length && a.every((item, index) => deepEqual(item, other[index]))
  }
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  const keys = Object.keys(left)
  if (keys.length !== Object.keys(right).length) return false
  return keys.every(
    (key) => Object.prototype.hasOwnProperty.call(right, key) && deepEqual(left[key], right[key])
  )
}

export function show(value: unknown): string {
  if (typeof value === 'function') return '[function]'
  if (value === undefined) return 'undefined'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

function check(ok: boolean, message: string, note?: string): void {
  if (!ok) throw new AssertionFailure(note ? `${note}: ${message}` : message)
}

function lengthOf(value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length
  return undefined
}

/** assertThat(actual, opt_message): the subject's checks, each returning the subject for chaining. */
export function assertThat(actual: unknown, note?: string) {
  const shown = () => show(actual)
  const subject = {
    isEqualTo: (expected: unknown) =>
      check(deepEqual(actual, expected), `expected ${shown()} to equal ${show(expected)}`, note),
    isNotEqualTo: (expected: unknown) =>
      check(!deepEqual(actual, expected), `expected ${shown()} not to equal ${show(expected)}`, note),
    isStrictlyEqualTo: (expected: unknown) =>
      check(actual === expected, `expected ${shown()} to be strictly ${show(expected)}`, note),
    isNotStrictlyEqualTo: (expected: unknown) =>
      check(actual !== expected, `expected ${shown()} not to be strictly ${show(expected)}`, note),
    isDefined: () => check(actual !== undefined, 'expected a defined value', note),
    isUndefined: () => check(actual === undefined, `expected undefined, got ${shown()}`, note),
    isNull: () => check(actual === null, `expected null, got ${shown()}`, note),
    isNotNull: () => check(actual !== null, 'expected a value other than null', note),
    isTrue: () => check(actual === true, `expected true, got ${shown()}`, note),
    isFalse: () => check(actual === false, `expected false, got ${shown()}`, note),
    isTruthy: () => check(!!actual, `expected a truthy value, got ${shown()}`, note),
    isFalsy: () => check(!actual, `expected a falsy value, got ${shown()}`, note),
    isNaN: () => check(Number.isNaN(actual), `expected NaN, got ${shown()}`, note),
    isNotNaN: () => check(!Number.isNaN(actual), 'expected a value other than NaN', note),
    isInfinity: () =>
      check(actual === Infinity || actual === -Infinity, `expected Infinity, got ${shown()}`, note),
    isNotInfinity: () =>
      check(actual !== Infinity && actual !== -Infinity, 'expected a finite value', note),
    isGreaterThan: (n: number) => check((actual as number) > n, `expected ${shown()} > ${n}`, note),
    isGreaterThanOrEqualTo: (n: number) =>
      check((actual as number) >= n, `expected ${shown()} >= ${n}`, note),
    isLessThan: (n: number) => check((actual as number) < n, `expected ${shown()} < ${n}`, note),
    isLessThanOrEqualTo: (n: number) => check((actual as number) <= n, `expected ${shown()} <= ${n}`, note),
    contains: (...items: unknown[]) =>
      check(
        items.every((item) => includes(actual, item)),
        `expected ${shown()} to contain ${show(items)}`,
        note
      ),
    doesNotContain: (...items: unknown[]) =>
      check(
        !items.some((item) => includes(actual, item)),
        `expected ${shown()} not to contain ${show(items)}`,
        note
      ),
    hasLength: (n: number) => check(lengthOf(actual) === n, `expected length ${n}, got ${shown()}`, note),
    isEmpty: () => check(lengthOf(actual) === 0, `expected empty, got ${shown()}`, note),
    isNotEmpty: () => check((lengthOf(actual) ?? 0) > 0, `expected something, got ${shown()}`, note),
    isArray: () => check(Array.isArray(actual), `expected an array, got ${shown()}`, note),
    isString: () => check(typeof actual === 'string', `expected a string, got ${shown()}`, note),
    isNumber: () => check(typeof actual === 'number', `expected a number, got ${shown()}`, note),
    isBoolean: () => check(typeof actual === 'boolean', `expected a boolean, got ${shown()}`, note),
    isObject: () =>
      check(
        typeof actual === 'object' && actual !== null && !Array.isArray(actual),
        `expected an object, got ${shown()}`,
        note
      ),
    isFunction: () => check(typeof actual === 'function', `expected a function, got ${shown()}`, note)
  }
  return subject
}

function includes(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') return typeof item === 'string' && container.includes(item)
  if (Array.isArray(container)) return container.some((element) => deepEqual(element, item))
  return false
}

export interface ApiCall {
  api: string
  args: unknown[]
}

/** assertApi(name): checks against every call the template made to that API in this scenario. */
export function assertApi(calls: ApiCall[], name: string) {
  const made = () => calls.filter((call) => call.api === name)
  const calledWith = (args: unknown[]) => made().some((call) => deepEqual(call.args, args))
  return {
    wasCalled: () => check(made().length > 0, `expected ${name} to be called`),
    wasNotCalled: () =>
      check(
        made().length === 0,
        `expected ${name} not to be called, it was called ${made().length} time(s)`
      ),
    wasCalledWith: (...args: unknown[]) =>
      check(
        calledWith(args),
        `expected ${name} to be called with ${show(args)}; calls: ${show(made().map((call) => call.args))}`
      ),
    wasNotCalledWith: (...args: unknown[]) =>
      check(!calledWith(args), `expected ${name} not to be called with ${show(args)}`)
  }
}
