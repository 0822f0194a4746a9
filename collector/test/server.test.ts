import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../config.js'
import { StartError, startServer } from '../server.js'

t.test('the server migrates, adds the demo service and listens on a real socket', async (t) => {
  const config = { ...loadConfig({ PORT: '0', DATA_DIR: 'memory://', LOG_LEVEL: 'silent' }) }
  const { app, address } = await startServer(config)
  t.teardown(() => app.close())

  const services = await fetch(`${address}/api/service/`,
    { headers: { authorization: `Bearer ${config.adminToken}` } })
  t.same(await services.json(), [{ id: 1, service_name: 'demo' }])
  const ready = await fetch(`${address}/readyz`)
  t.same(await ready.json(), { status: 'ready', database: 'pglite' })
})

t.test('operator commands add and list services in a PGlite directory', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'visitlog-cli-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const run = (...args: string[]) => spawnSync('npx', ['tsx', 'scripts/visitlog.ts', ...args], {
    encoding: 'utf8', env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' }
  })

  t.same([run('service:add', 'Company1').stdout, run('service:add', 'Company', '2').stdout],
    ['1\tCompany1\n', '2\tCompany 2\n'])
  t.equal(run('service:list').stdout, '1\tCompany1\n2\tCompany 2\n')
  const taken = run('service:add', 'Company1')
  t.same([taken.status, taken.stderr.trim()], [1, 'error: A service with this name exists already'])
  const unknown = run('nonsense')
  t.equal(unknown.status, 2)
  t.match(unknown.stderr, /unknown command "nonsense"/)
})

t.test('a start that cannot listen or reach its database says which variable to change', async (t) => {
  const first = await startServer(loadConfig({ PORT: '0', DATA_DIR: 'memory://', LOG_LEVEL: 'silent' }))
  t.teardown(() => first.app.close())
  const port = new URL(first.address).port

  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: port }, `PORT ${port}: 127.0.0.1:${port} is in use; stop the other process or set PORT`],
    [{ HOST: '192.0.2.1' },
      'HOST 192.0.2.1: not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its addresses'],
    [{ DATABASE_URL: 'postgres://visitlog:secret@127.0.0.1:1/none' },
      'Database: cannot open DATABASE_URL (postgres://127.0.0.1:1/none): connect ECONNREFUSED 127.0.0.1:1']
  ]
  for (const [env, message] of cases) {
    const config = loadConfig({ PORT: '0', DATA_DIR: 'memory://', LOG_LEVEL: 'silent', ...env })
    await t.rejects(startServer(config), new StartError(message), JSON.stringify(env))
  }
})
