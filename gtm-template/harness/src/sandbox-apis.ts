// The sandbox APIs a web template gets through require(), with real browser behaviour.
import { isPlainObject, type DataLayerModel } from './data-layer.js'
import { keyAllowed, urlAllowed, type Permissions } from './permissions.js'

type Api = (...args: any[]) => unknown

export interface SandboxContext {
  dataLayer: DataLayerModel
  permissions?: Permissions
  templateStorage: Map<string, unknown>
}

/** Scripts by cache token and URL: injected once, callbacks queued until they load. */
const scripts = new Map<string, { state: 'loading' | 'loaded' | 'failed'; waiting: Array<[Api, Api]> }>()

export function createRequire(context: SandboxContext): (name: string) => unknown {
  const apis = sandboxApis(context)
  return (name: string) => {
    if (!(name in apis)) throw new Error(`require('${name}'): this harness does not provide that API`)
    return apis[name]
  }
}

function sandboxApis(context: SandboxContext): Record<string, unknown> {
  const { dataLayer, permissions, templateStorage } = context
  const deny = (message: string) => {
    throw new Error(`permission denied: ${message}`)
  }
  return {
    addConsentListener: (type: string, listener: Api) => {
      if (permissions && !permissions.consentRead(type)) deny(`access_consent read ${type}`)
      dataLayer.addConsentListener(type, (consentType, granted) => listener(consentType, granted))
    },
    callLater: (fn: Api) => void setTimeout(() => fn(), 0),
    copyFromDataLayer: (key: string) => {
      if (permissions && !keyAllowed(key, permissions.dataLayerKeys())) deny(`read_data_layer ${key}`)
      return toSandbox(dataLayer.get(key))
    },
    createQueue: (key: string) => {
      if (permissions && !permissions.globalKey(key)?.write) deny(`access_globals write ${key}`)
      // Like GTM: create the array only when missing, and push onto whatever is there at call
      // time, so a runtime that replaced push (or the array) still receives the commands.
      const page = window as unknown as Record<string, { push?: Api } | undefined>
      if (page[key] === undefined) page[key] = []
      return (value: unknown) => page[key]?.push?.(toSandbox(value))
    },
    encodeUri: (value: string) => encodeURI(value),
    encodeUriComponent: (value: string) => encodeURIComponent(value),
    generateRandom: (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1)),
    getReferrerUrl: () => document.referrer,
    getTimestampMillis: () => Date.now(),
    getType,
    getUrl: (component?: string) => urlPart(new URL(location.href), component),
    injectScript: (url: string, onSuccess: Api, onFailure: Api, cacheToken?: string) => {
      if (permissions && !urlAllowed(url, permissions.injectUrls())) deny(`inject_script ${url}`)
      injectScript(url, onSuccess, onFailure, cacheToken)
    },
    isConsentGranted: (type: string) => {
      if (permissions && !permissions.consentRead(type)) deny(`access_consent read ${type}`)
      return dataLayer.isGranted(type)
    },
    JSON: {
      parse: (text: string) => safeParse(text),
      stringify: (value: unknown) => JSON.stringify(value)
    },
    logToConsole: (...args: unknown[]) => console.log(...args),
    makeInteger: (value: unknown) => Math.trunc(Number(value)),
    makeNumber: (value: unknown) => Number(value),
    makeString: (value: unknown) => String(value),
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
    parseUrl: (url: string) => parseUrl(url),
    queryPermission: () => true,
    templateStorage: {
      getItem: (key: string) => templateStorage.get(key),
      setItem: (key: string, value: unknown) => void templateStorage.set(key, value),
      removeItem: (key: string) => void templateStorage.delete(key),
      clear: () => templateStorage.clear()
    }
  }
}

export function getType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** Only plain values cross into and out of the sandbox: DOM nodes and class instances come back undefined. */
function toSandbox(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value
  if (Array.isArray(value)) return value.map(toSandbox)
  if (!isPlainObject(value)) return undefined
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) copy[key] = toSandbox(value[key])
  return copy
}

function injectScript(url: string, onSuccess: Api, onFailure: Api, cacheToken?: string): void {
  const key = `${cacheToken ?? ''} ${url}`
  const known = cacheToken ? scripts.get(key) : undefined
  if (known?.state === 'loaded') return void setTimeout(onSuccess, 0)
  if (known?.state === 'failed') return void setTimeout(onFailure, 0)
  if (known) return void known.waiting.push([onSuccess, onFailure])

  const entry = {
    state: 'loading' as 'loading' | 'loaded' | 'failed',
    waiting: [[onSuccess, onFailure]] as Array<[Api, Api]>
  }
  if (cacheToken) scripts.set(key, entry)
  const script = document.createElement('script')
  script.src = url
  script.async = true
  const settle = (state: 'loaded' | 'failed') => {
    entry.state = state
    for (const [success, failure] of entry.waiting.splice(0)) (state === 'loaded' ? success : failure)()
  }
  script.onload = () => settle('loaded')
  script.onerror = () => settle('failed')
  document.head.appendChild(script)
}

function urlPart(url: URL, component?: string): string {
  switch (component) {
    case 'protocol':
      return url.protocol.replace(':', '')
    case 'host':
      return url.hostname
    case 'port':
      return url.port
    case 'path':
      return url.pathname
    case 'query':
      return url.search.replace('?', '')
    case 'fragment':
      return url.hash.replace('#', '')
    case 'extension':
      return (/\.([^./]+)$/.exec(url.pathname) ?? ['', ''])[1]
    default:
      return url.href
  }
}

function parseUrl(text: string): Record<string, unknown> | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
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

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
