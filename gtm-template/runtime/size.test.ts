import { gunzipSync } from 'node:zlib'
import t from 'tap'
import { buildApp } from '../../collector/app.js'
import { openTestDatabase } from '../../collector/test/databases.js'
import { GLOBAL_FUNCTION, QUEUE_NAME, RUNTIME_PATH } from '../../schemas/index.js'
import { builtRuntime } from '../test/browser.js'
import { report } from '../test/report.js'

const BUDGET_BYTES = 3 * 1024

t.test('the runtime is one script of at most 3 KB gzipped', async (t) => {
  const { code, gzipBytes } = await builtRuntime()
  report(t, `runtime: ${code.length} bytes minified, ${gzipBytes} bytes gzipped (budget ${BUDGET_BYTES})`)
  t.ok(gzipBytes <= BUDGET_BYTES, `${gzipBytes} <= ${BUDGET_BYTES}`)
  t.match(code, /^!function\(\)\{"use strict";[^]*\}\(\);\n?$/, 'an IIFE: the page sees only its two names')
  const names = [QUEUE_NAME, GLOBAL_FUNCTION]
  t.ok(names.every((name) => code.includes(`"${name}"`)), 'the names of schemas/command.ts')
  t.notOk(code.includes('typebox'), 'no schema library in the bundle')
})

t.test('the collector serves it for a year, gzipped when the browser accepts it', async (t) => {
  const { code } = await builtRuntime()
  const database = await openTestDatabase(t, 'pglite')
  const app = await buildApp({ database, adminToken: 'test-admin-token-0123456789', runtimeScript: code })
  t.teardown(() => app.close())

  const plain = await app.inject({ method: 'GET', url: RUNTIME_PATH })
  t.equal(plain.statusCode, 200)
  t.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8')
  t.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable')
  t.equal(plain.headers['x-content-type-options'], 'nosniff')
  t.equal(plain.body, code)

  const headers = { 'accept-encoding': 'gzip, br' }
  const zipped = await app.inject({ method: 'GET', url: RUNTIME_PATH, headers })
  t.equal(zipped.headers['content-encoding'], 'gzip')
  t.equal(zipped.headers.vary, 'accept-encoding')
  t.equal(gunzipSync(zipped.rawPayload).toString(), code)

  const etag = plain.headers.etag as string
  const again = await app.inject({ method: 'GET', url: RUNTIME_PATH, headers: { 'if-none-match': etag } })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '')
})
