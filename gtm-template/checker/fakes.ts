// Default stand-ins for the sandbox APIs in scenarios, so that an API a scenario does not mock
// still behaves plausibly: a page at FAKE_PAGE_URL, consent granted, scripts that load.

export const FAKE_PAGE_URL = 'https://www.example.com/page?q=1#top'

export interface FakeState {
  /** What createQueue/setInWindow wrote, by window key. */
  window: Record<string, unknown>
  templateStorage: Map<string, unknown>
  localStorage: Map<string, string>
  consentListeners: Array<{ type: string; listener: (type: string, granted: boolean) => void }>
  /** callLater callbacks, run when runCode returns. */
  later: Array<() => void>
  logs: unknown[][]
}

export function newFakeState(): FakeState {
  return {
    window: {},
    templateStorage: new Map(),
    localStorage: new Map(),
    consentListeners: [],
    later: [],
    logs: []
  }
}

type Fn = (...args: any[]) => unknown

export function fakeApis(state: FakeState): Record<string, unknown> {
  const url = new URL(FAKE_PAGE_URL)
  return {
    addConsentListener: (type: string, listener: Fn) =>
      void state.consentListeners.push({ type, listener }),
    callInWindow: (path: string, ...args: unknown[]) => {
      const fn = state.window[path]
      return typeof fn === 'function' ? fn(...args) : undefined
    },
    callLater: (fn: Fn) => void state.later.push(() => fn()),
    copyFromDataLayer: () => undefined,
    copyFromWindow: (key: string) => state.window[key],
    createQueue: (key: string) => {
      if (state.window[key] === undefined) state.window[key] = []
      return (value: unknown) => (state.window[key] as { push?: Fn } | undefined)?.push?.(value)
    },
    decodeUri: decodeURI,
    decodeUriComponent: decodeURIComponent,
    encodeUri: encodeURI,
    encodeUriComponent: encodeURIComponent,
    generateRandom: (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1)),
    getCookieValues: () => [],
    getReferrerUrl: () => '',
    getTimestamp: () => Date.now(),
    getTimestampMillis: () => Date.now(),
    getType: (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value),
    getUrl: (component?: string) => urlPart(url, component),
    injectScript: (_url: string, onSuccess?: Fn) => void onSuccess?.(),
    isConsentGranted: () => true,
    JSON: {
      parse: (text: string) => JSON.parse(text),
      stringify: (value: unknown) => JSON.stringify(value)
    },
    localStorage: {
      getItem: (key: string) => state.localStorage.get(key) ?? null,
      setItem: (key: string, value: unknown) => void state.localStorage.set(key, String(value)),
      removeItem: (key: string) => void state.localStorage.delete(key)
    },
    logToConsole: (...args: unknown[]) => void state.logs.push(args),
    makeInteger: (value: unknown) => Math.trunc(Number(value)),
    makeNumber: (value: unknown) => Number(value),
    makeString: (value: unknown) => String(value),
    makeTableMap: (rows: Array<Record<string, unknown>>, key: string, value: string) =>
      Object.fromEntries(rows.map((row) => [row[key], row[value]])),
    Math: {
      abs: Math.abs,
      ceil: Math.ceil,
      floor: Math.floor,
      max: Math.max,
      min: Math.min,
      pow: Math.pow,
      round: Math.round,
      sqrt: Math.sqrt
    },
    Object: {
      keys: Object.keys,
      values: Object.values,
      entries: Object.entries,
      freeze: Object.freeze,
      delete: (object: Record<string, unknown>, key: string) => delete object[key]
    },
    parseUrl: (text: string) => parseUrl(text),
    queryPermission: () => true,
    sendPixel: (_url: string, onSuccess?: Fn) => void onSuccess?.(),
    setInWindow: (key: string, value: unknown) => {
      state.window[key] = value
      return true
    },
    templateStorage: {
      getItem: (key: string) => state.templateStorage.get(key),
      setItem: (key: string, value: unknown) => void state.templateStorage.set(key, value),
      removeItem: (key: string) => void state.templateStorage.delete(key),
      clear: () => state.templateStorage.clear()
    }
  }
}

function urlPart(url: URL, component?: string): string {
  if (component === 'protocol') return url.protocol.replace(':', '')
  if (component === 'host') return url.hostname
  if (component === 'port') return url.port
  if (component === 'path') return url.pathname
  if (component === 'query') return url.search.replace('?', '')
  if (component === 'fragment') return url.hash.replace('#', '')
  return url.href
}

function parseUrl(text: string): Record<string, unknown> | undefined {
  if (!URL.canParse(text)) return undefined
  const url = new URL(text)
  const searchParams: Record<string, string> = {}
  url.searchParams.forEach((value, key) => {
    searchParams[key] = value
  })
  const { href, origin, protocol, username, password, host, hostname, port, pathname, search, hash } = url
  return {
    href,
    origin,
    protocol,
    username,
    password,
    host,
    hostname,
    port,
    pathname,
    search,
    hash,
    searchParams
  }
}
