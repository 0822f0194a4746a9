import { CollectorError } from './errors.js'

/**
 * An origin as browsers send it: scheme, host and port (default ports dropped, host
 * lower-cased and in punycode). Undefined for anything else, including the opaque "null".
 */
export function normalizeOrigin(raw: string): string | undefined {
  if (/[?#@\s]/.test(raw.trim())) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (url.pathname !== '/') return undefined
  return url.origin
}

/** A service's list as an operator gives it: each entry normalized, duplicates dropped. */
export function parseAllowedOrigins(list: readonly string[]) {
  const origins = list.map((entry) => {
    const origin = normalizeOrigin(entry)
    if (!origin) throw new CollectorError('ORIGIN_INVALID', `"${entry.slice(0, 200)}" is not an origin: `
      + 'give scheme, host and port only, for example https://shop.example')
    return origin
  })
  return [...new Set(origins)]
}
