import type { FastifyRequest } from 'fastify'
import { UAParser } from 'ua-parser-js'
import { USER_AGENT_MAX } from '../schemas/index.js'
import { setBounded } from './bounded-map.js'

export interface ParsedUserAgent {
  browser: string | null
  browser_version: string | null
  os: string | null
  os_version: string | null
  device_type: string
  device_vendor: string | null
  device_model: string | null
}

/**
 * Browser, OS and device from a User-Agent string. ua-parser-js leaves desktops untyped, so a
 * recognised browser or OS without a device type is a desktop; anything else (curl, bots) is
 * unknown.
 */
export function parseUserAgent(userAgent: string | null | undefined): ParsedUserAgent {
  const key = userAgent ?? ''
  const known = parsed.get(key)
  if (known) return known

  const result = parse(key)
  setBounded(parsed, key, result, PARSED_KEPT)
  return result
}

/**
 * The visitors of one site share a few hundred User-Agent strings, and parsing one costs tens of
 * microseconds of regular expressions on every visit create (docs/throughput.md): the answers
 * are kept, oldest forgotten first. Callers get a frozen object, so one cannot change another's.
 */
const PARSED_KEPT = 2000
const parsed = new Map<string, ParsedUserAgent>()

function parse(userAgent: string): ParsedUserAgent {
  const result = new UAParser(userAgent).getResult()
  return Object.freeze({
    browser: result.browser.name ?? null,
    browser_version: result.browser.version ?? null,
    os: result.os.name ?? null,
    os_version: result.os.version ?? null,
    device_type: result.device.type ?? (result.browser.name || result.os.name ? 'desktop' : 'unknown'),
    device_vendor: result.device.vendor ?? null,
    device_model: result.device.model ?? null
  })
}

/**
 * The request's User-Agent, cut to the length a body's `user_agent` may have. Cut rather than
 * refused: a browser cannot change the header it sends, so refusing would lose real visits.
 */
export function requestUserAgent(request: FastifyRequest) {
  return request.headers['user-agent']?.slice(0, USER_AGENT_MAX)
}
