import t from 'tap'
import { ConfigError, loadConfig } from '../config.js'

t.test('the hardening variables have generous, documented defaults', async (t) => {
  const config = loadConfig({})
  t.same(config.rateLimit, { max: 600, windowMs: 60_000, sessionMax: 120 })
  t.equal(config.retentionDays, 0)
  t.equal(config.ipTruncate, false)
  t.equal(config.databaseTimeoutMs, 1500)
  t.equal(config.trustProxy, false)
})

t.test('valid values are read', async (t) => {
  type Pick = (config: ReturnType<typeof loadConfig>) => unknown
  const cases: Array<[Record<string, string>, Pick, unknown]> = [
    [{ RATE_LIMIT_MAX: '0' }, (c) => c.rateLimit.max, 0],
    [{ RATE_LIMIT_MAX: '5000' }, (c) => c.rateLimit.max, 5000],
    [{ RATE_LIMIT_WINDOW: '1 minute' }, (c) => c.rateLimit.windowMs, 60_000],
    [{ RATE_LIMIT_WINDOW: '30 s' }, (c) => c.rateLimit.windowMs, 30_000],
    [{ RATE_LIMIT_WINDOW: '2h' }, (c) => c.rateLimit.windowMs, 7_200_000],
    [{ RATE_LIMIT_WINDOW: '90000' }, (c) => c.rateLimit.windowMs, 90_000],
    [{ RATE_LIMIT_WINDOW: '5 Minutes' }, (c) => c.rateLimit.windowMs, 300_000],
    [{ RATE_LIMIT_SESSION_MAX: '0' }, (c) => c.rateLimit.sessionMax, 0],
    [{ RETENTION_DAYS: '395' }, (c) => c.retentionDays, 395],
    [{ IP_TRUNCATE: 'on' }, (c) => c.ipTruncate, true],
    [{ IP_TRUNCATE: 'TRUE' }, (c) => c.ipTruncate, true],
    [{ IP_TRUNCATE: 'off' }, (c) => c.ipTruncate, false],
    [{ DATABASE_TIMEOUT_MS: '5000' }, (c) => c.databaseTimeoutMs, 5000],
    [{ TRUST_PROXY: '2' }, (c) => c.trustProxy, 2],
    [{ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16, ::1' }, (c) => c.trustProxy,
      ['10.0.0.1', '192.168.0.0/16', '::1']]
  ]
  for (const [env, pick, expected] of cases) t.same(pick(loadConfig(env)), expected, JSON.stringify(env))
})

t.test('a bad value stops start-up with a message naming the variable', async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['RATE_LIMIT_MAX', '-1',
      /^Configuration: RATE_LIMIT_MAX must be a whole number from 0 to 1000000, got "-1"$/],
    ['RATE_LIMIT_MAX', 'many', /^Configuration: RATE_LIMIT_MAX must be a whole number/],
    ['RATE_LIMIT_MAX', '1e3', /^Configuration: RATE_LIMIT_MAX must be a whole number/],
    ['RATE_LIMIT_WINDOW', 'a while',
      /^Configuration: RATE_LIMIT_WINDOW must be a duration .* got "a while"$/],
    ['RATE_LIMIT_WINDOW', '10 fortnights', /^Configuration: RATE_LIMIT_WINDOW must be a duration/],
    ['RATE_LIMIT_WINDOW', '500',
      /^Configuration: RATE_LIMIT_WINDOW must be a duration from 1000 ms to 24 hours/],
    ['RATE_LIMIT_WINDOW', '2 days', /^Configuration: RATE_LIMIT_WINDOW must be a duration/],
    ['RATE_LIMIT_SESSION_MAX', '1.5', /^Configuration: RATE_LIMIT_SESSION_MAX must be a whole number/],
    ['RETENTION_DAYS', '-30', /^Configuration: RETENTION_DAYS must be a whole number from 0 to 36500/],
    ['RETENTION_DAYS', '99999', /^Configuration: RETENTION_DAYS must be a whole number from 0 to 36500/],
    ['IP_TRUNCATE', 'maybe', /^Configuration: IP_TRUNCATE must be on or off, got "maybe"$/],
    ['DATABASE_TIMEOUT_MS', '10',
      /^Configuration: DATABASE_TIMEOUT_MS must be a whole number from 100 to 600000/],
    ['TRUST_PROXY', 'true', /^Configuration: TRUST_PROXY takes a hop count or proxy addresses, got "true"$/],
    ['TRUST_PROXY', '10.0.0.0/99', /^Configuration: TRUST_PROXY takes a hop count or proxy addresses/],
    ['TRUST_PROXY', 'proxy.internal', /^Configuration: TRUST_PROXY takes a hop count or proxy addresses/]
  ]
  for (const [name, value, message] of cases) {
    t.throws(() => loadConfig({ [name]: value }), message, `${name}=${value}`)
    t.throws(() => loadConfig({ [name]: value }), ConfigError)
  }
})
