import http from 'node:http'
import t from 'tap'
import { buildApp } from '../app.js'
import { ConfigError, loadConfig } from '../config.js'
import { openTestDatabase } from './databases.js'
import { ADMIN_TOKEN } from './app.js'

t.test('the demo site is served under /demo/ only when enabled', async (t) => {
  const database = await openTestDatabase(t, 'pglite')
  const off = await buildApp({ database, adminToken: ADMIN_TOKEN, runtimeScript: '' })
  const on = await buildApp({ database, adminToken: ADMIN_TOKEN, runtimeScript: '', demo: { service: 7 } })
  t.teardown(async () => {
    await off.close()
    await on.close()
  })

  t.equal((await off.inject({ method: 'GET', url: '/demo/' })).statusCode, 404)
  const home = await on.inject({ method: 'GET', url: '/demo/', headers: { host: '127.0.0.1:8080' } })
  t.equal(home.statusCode, 200)
  t.equal(home.headers['content-type'], 'text/html; charset=utf-8')
  t.match(home.body, '<script src="/demo/gtm-harness.js" data-container="/demo/container.json"></script>')
  t.match(home.body, 'href="http://localhost:')
  for (const path of ['/demo/contacts/', '/demo/account/', '/demo/account/password/', '/demo/support/',
    '/demo/help/', '/demo/help/fees', '/demo/logout/', '/platform/', '/demo/site.js',
    '/demo/gtm-harness.js']) {
    t.equal((await on.inject({ method: 'GET', url: path })).statusCode, 200, path)
  }
})

t.test('the container names the origin the page was opened on, and only a loopback one', async (t) => {
  const database = await openTestDatabase(t, 'pglite')
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN, runtimeScript: '', demo: { service: 7 } })
  t.teardown(() => app.close())

  const notes = async (host: string) => {
    const response = await app.inject({ method: 'GET', url: '/demo/container.json', headers: { host } })
    return JSON.parse(response.body).containerVersion.container.notes as string
  }
  t.equal(await notes('localhost:8080'), 'Visitlog for service 7, collector http://localhost:8080')
  t.equal(await notes('127.0.0.1:8080'), 'Visitlog for service 7, collector http://127.0.0.1:8080')
  t.equal(await notes('evil.example:8080'), 'Visitlog for service 7, collector http://127.0.0.1:8080',
    'a foreign host name is replaced by 127.0.0.1')
})

t.test('a Host header with an impossible port gets the listening port, not an error', async (t) => {
  const database = await openTestDatabase(t, 'pglite')
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN, runtimeScript: '', demo: { service: 7 } })
  t.teardown(() => app.close())
  const port = new URL(await app.listen({ host: '127.0.0.1', port: 0 })).port

  const notes = async (host: string) => {
    const response = await app.inject({ method: 'GET', url: '/demo/container.json', headers: { host } })
    return [response.statusCode, JSON.parse(response.body).containerVersion.container.notes]
  }
  // fetch() sets Host itself; node:http sends the forged one.
  const real = await new Promise<{ status?: number, body: string }>((resolve, reject) => {
    const path = '/demo/container.json'
    const options = { host: '127.0.0.1', port, path, headers: { host: 'localhost:65536' } }
    http.get(options, (response) => {
      let body = ''
      response.on('data', (chunk) => { body += chunk })
      response.on('end', () => resolve({ status: response.statusCode, body }))
    }).on('error', reject)
  })
  t.equal(real.status, 200)
  t.equal(JSON.parse(real.body).containerVersion.container.notes,
    `Visitlog for service 7, collector http://localhost:${port}`)
  // Many Host ports, as a forger would send, each answered; the kept containers stay few (8).
  for (let fake = 1000; fake < 1020; fake++) {
    const expected = `Visitlog for service 7, collector http://localhost:${fake}`
    t.same(await notes(`localhost:${fake}`), [200, expected])
  }
})

t.test('DEMO is on by default and takes on or off', async (t) => {
  t.equal(loadConfig({}).demo, true)
  t.equal(loadConfig({ DEMO: 'off' }).demo, false)
  t.equal(loadConfig({ DEMO: ' ON ' }).demo, true)
  t.throws(() => loadConfig({ DEMO: 'maybe' }), new ConfigError('DEMO', 'must be on or off, got "maybe"'))
})
