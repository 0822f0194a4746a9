import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { parseDuration, parseSwitch } from './config-values.js'

export interface Config {
  host: string
  port: number
  databaseUrl: string | undefined
  dataDir: string
  adminToken: string
  adminTokenGenerated: boolean
  bodyLimit: number
  trustProxy: boolean | number | string[]
  logLevel: string
  clockSkewMs: number
  /** Serve the demo site under /demo/ (DEMO=off disables it). */
  demo: boolean
  poolSize: number
  writeGroups: { maxSize: number, maxWaitMs: number, concurrency: number }
  rateLimit: RateLimitConfig
  retentionDays: number
  ipTruncate: boolean
  databaseTimeoutMs: number
}

/** Requests per window per client IP and per session; a max of 0 turns that limit off. */
export interface RateLimitConfig {
  max: number
  windowMs: number
  sessionMax: number
}

export const CONFIG_DEFAULTS = {
  HOST: '127.0.0.1',
  PORT: '8080',
  DATA_DIR: './data',
  BODY_LIMIT: String(64 * 1024),
  TRUST_PROXY: '',
  LOG_LEVEL: 'info',
  CLOCK_SKEW_SECONDS: '300',
  DEMO: 'on',
  DATABASE_POOL_SIZE: '20',
  WRITE_GROUP_SIZE: '500',
  WRITE_GROUP_WAIT_MS: '0',
  WRITE_GROUP_CONCURRENCY: '2',
  RATE_LIMIT_MAX: '600',
  RATE_LIMIT_WINDOW: '1 minute',
  RATE_LIMIT_SESSION_MAX: '120',
  RETENTION_DAYS: '0',
  IP_TRUNCATE: 'off',
  DATABASE_TIMEOUT_MS: '1500'
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration: ${variable} ${problem}`)
    this.name = 'ConfigError'
  }
}

function integer(env: NodeJS.ProcessEnv, name: keyof typeof CONFIG_DEFAULTS, min: number, max: number) {
  const raw = env[name] ?? CONFIG_DEFAULTS[name]
  const value = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`)
  }
  return value
}

/** A hop count or a comma-separated list of proxy addresses; never "trust everyone". */
function trustProxy(raw: string): Config['trustProxy'] {
  const value = raw.trim()
  if (value === '' || value === 'false') return false
  if (/^\d+$/.test(value)) return Number(value)

  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean)
  for (const entry of entries) {
    const [address, bits] = entry.split('/')
    const family = isIP(address)
    const maxBits = family === 4 ? 32 : 128
    const badBits = bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > maxBits)
    if (family === 0 || badBits) {
      throw new ConfigError('TRUST_PROXY', `takes a hop count or proxy addresses, got "${entry}"`)
    }
  }
  return entries
}

function logLevel(raw: string) {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
  if (!levels.includes(raw)) throw new ConfigError('LOG_LEVEL', `must be one of ${levels.join(', ')}`)
  return raw
}

function duration(env: NodeJS.ProcessEnv, name: 'RATE_LIMIT_WINDOW', min: number, max: number) {
  const raw = env[name] || CONFIG_DEFAULTS[name]
  const ms = parseDuration(raw)
  if (ms === undefined || ms < min || ms > max) {
    throw new ConfigError(name, `must be a duration from ${min} ms to ${max / 3_600_000} hours, `
      + `such as "1 minute", "30 s" or "60000" (milliseconds), got "${raw}"`)
  }
  return ms
}

/** Only the scheme is checked here; the message never repeats the URL, which may hold a password. */
function databaseUrl(raw: string | undefined) {
  if (!raw) return undefined
  let scheme: string
  try {
    scheme = new URL(raw).protocol
  } catch {
    throw new ConfigError('DATABASE_URL', 'must be a URL such as postgres://user@host:5432/database')
  }
  if (scheme !== 'postgres:' && scheme !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `must start with postgres:// or postgresql://, got "${scheme}//"`)
  }
  return raw
}

function onOff(env: NodeJS.ProcessEnv, name: 'IP_TRUNCATE' | 'DEMO') {
  const raw = env[name] ?? CONFIG_DEFAULTS[name]
  const value = parseSwitch(raw)
  if (value === undefined) throw new ConfigError(name, `must be on or off, got "${raw}"`)
  return value
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const token = env.ADMIN_TOKEN?.trim()
  if (token !== undefined && token !== '' && token.length < 16) {
    throw new ConfigError('ADMIN_TOKEN', 'must have at least 16 characters')
  }

  return {
    host: env.HOST || CONFIG_DEFAULTS.HOST,
    port: integer(env, 'PORT', 0, 65535),
    databaseUrl: databaseUrl(env.DATABASE_URL),
    dataDir: env.DATA_DIR || CONFIG_DEFAULTS.DATA_DIR,
    adminToken: token || randomBytes(24).toString('base64url'),
    adminTokenGenerated: !token,
    bodyLimit: integer(env, 'BODY_LIMIT', 1024, 10 * 1024 * 1024),
    trustProxy: trustProxy(env.TRUST_PROXY ?? CONFIG_DEFAULTS.TRUST_PROXY),
    logLevel: logLevel(env.LOG_LEVEL || CONFIG_DEFAULTS.LOG_LEVEL),
    clockSkewMs: integer(env, 'CLOCK_SKEW_SECONDS', 0, 86400) * 1000,
    demo: onOff(env, 'DEMO'),
    poolSize: integer(env, 'DATABASE_POOL_SIZE', 1, 1000),
    writeGroups: {
      maxSize: integer(env, 'WRITE_GROUP_SIZE', 1, 10_000),
      maxWaitMs: integer(env, 'WRITE_GROUP_WAIT_MS', 0, 1000),
      concurrency: integer(env, 'WRITE_GROUP_CONCURRENCY', 1, 100)
    },
    rateLimit: {
      max: integer(env, 'RATE_LIMIT_MAX', 0, 1_000_000),
      windowMs: duration(env, 'RATE_LIMIT_WINDOW', 1000, 24 * 3_600_000),
      sessionMax: integer(env, 'RATE_LIMIT_SESSION_MAX', 0, 1_000_000)
    },
    retentionDays: integer(env, 'RETENTION_DAYS', 0, 36500),
    ipTruncate: onOff(env, 'IP_TRUNCATE'),
    databaseTimeoutMs: integer(env, 'DATABASE_TIMEOUT_MS', 100, 600_000)
  }
}
