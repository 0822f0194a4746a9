import t from 'tap'
import { ConfigError, loadConfig } from '../config.js'

t.test('defaults need no environment at all', async (t) => {
  const config = loadConfig({})
  t.same(
    [config.host, config.port, config.databaseUrl, config.dataDir, config.bodyLimit, config.trustProxy],
    ['127.0.0.1', 8080, undefined, './data', 65536, false]
  )
  t.equal(config.adminTokenGenerated, true)
  t.ok(config.adminToken.length >= 32)
})

t.test('TRUST_PROXY takes a hop count or addresses, never everything', async (t) => {
  t.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2)
  t.same(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1' }).trustProxy,
    ['10.0.0.1', '192.168.0.0/16', '::1'])
  t.throws(() => loadConfig({ TRUST_PROXY: 'true' }),
    new ConfigError('TRUST_PROXY', 'takes a hop count or proxy addresses, got "true"'))
})

t.test('a bad variable is named in the message', async (t) => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'eighty' }, /^Configuration: PORT must be a whole number from 0 to 65535, got "eighty"$/],
    [{ PORT: '70000' }, /^Configuration: PORT /],
    [{ BODY_LIMIT: '10' }, /^Configuration: BODY_LIMIT /],
    [{ ADMIN_TOKEN: 'short' }, /^Configuration: ADMIN_TOKEN must have at least 16 characters$/],
    [{ LOG_LEVEL: 'loud' }, /^Configuration: LOG_LEVEL must be one of /],
    [{ CLOCK_SKEW_SECONDS: '-5' }, /^Configuration: CLOCK_SKEW_SECONDS /],
    [{ DATABASE_URL: 'mysql://root:secret@db/x' },
      /^Configuration: DATABASE_URL must start with postgres:\/\/ or postgresql:\/\/, got "mysql:\/\/"$/],
    [{ DATABASE_URL: 'db.example:5432' }, /^Configuration: DATABASE_URL must start with postgres:\/\/ /],
    [{ DATABASE_URL: 'not a url' },
      /^Configuration: DATABASE_URL must be a URL such as postgres:\/\/user@host:5432\/database$/]
  ]
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), { name: 'ConfigError', message }, JSON.stringify(env))
  }
})
