import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../config.js'
import { startServer } from '../server.js'

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
