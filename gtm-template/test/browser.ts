// Shared by the browser tests: Debian's Chromium through playwright-core, and a real collector
// on an ephemeral port serving the runtime built from the current sources.
import type { AddressInfo } from 'node:net'
import { type Browser, type BrowserContext, chromium } from 'playwright-core'
import type { Test } from 'tap'
import { buildApp } from '../../collector/app.js'
import { type DatabaseHandle, openDatabase } from '../../collector/db/database.js'
import { ensureService } from '../../collector/db/service-queries.js'
import { ADMIN_TOKEN } from '../../collector/test/app.js'
import { buildRuntime } from '../runtime/build.js'

export const CHROMIUM_PATH = '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Nothing leaves this machine: every name but the loopback ones fails to resolve.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'
]

let runtime: ReturnType<typeof buildRuntime> | undefined
/** The runtime built once per test process from the current sources. */
export const builtRuntime = () => (runtime ??= buildRuntime())

export async function launchChromium(t: Test): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  t.teardown(() => browser.close())
  return browser
}

/**
 * Headless Chromium under Playwright reports every page as visible and focused, so a tab
 * switch cannot happen for real. This shim lets a test hide and show a page: it answers
 * visibilityState, hidden and hasFocus() from its own state and fires the events a real
 * switch fires (visibilitychange, blur, focus).
 */
const VISIBILITY_SHIM = `(() => {
  let state = 'visible'
  Object.defineProperty(Document.prototype, 'visibilityState', { get: () => state, configurable: true })
  Object.defineProperty(Document.prototype, 'hidden', { get: () => state === 'hidden', configurable: true })
  Document.prototype.hasFocus = () => state === 'visible'
  window.setVisibility = (next) => {
    if (next === state) return
    state = next
    if (next === 'hidden') window.dispatchEvent(new Event('blur'))
    document.dispatchEvent(new Event('visibilitychange'))
    if (next === 'visible') window.dispatchEvent(new Event('focus'))
  }
})()`

/**
 * This browser has no mail or phone app. Launching one for a mailto: or tel: link leaves headless
 * Chromium ignoring later clicks for a while, so such links do not navigate here; the page (and
 * GTM's click listeners) still see the click.
 */
const NO_EXTERNAL_APPS = `addEventListener('click', (event) => {
  if (event.target.closest?.('a[href^="mailto:"], a[href^="tel:"]')) event.preventDefault()
})`

export async function newContext(t: Test, browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext()
  await context.addInitScript(VISIBILITY_SHIM)
  await context.addInitScript(NO_EXTERNAL_APPS)
  t.teardown(() => context.close().catch(() => {}))
  return context
}

export type Collector = Awaited<ReturnType<typeof startCollector>>

/**
 * A collector listening on 127.0.0.1 (port 0 picks a free one), with one service. `stop` and
 * `start` take it off the network and bring it back on the same port, as an outage would;
 * `cutDatabase` and `restoreDatabase` leave it running while its database does not answer.
 */
export async function startCollector(t: Test, database: DatabaseHandle, options: { demo?: boolean } = {}) {
  const { code } = await builtRuntime()
  const service = await ensureService(database.db, 'demo')
  // Routes read handle.db on every request, so swapping it cuts the database off at once.
  const handle: DatabaseHandle = { ...database }
  let unreachable: DatabaseHandle | undefined
  t.teardown(() => unreachable?.close())
  const make = () => buildApp({
    database: handle,
    adminToken: ADMIN_TOKEN,
    runtimeScript: code,
    demo: options.demo ? { service: service.id } : undefined
  })

  let app = await make()
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as AddressInfo).port
  let running = true
  t.teardown(() => (running ? app.close() : undefined))

  return {
    service: service.id,
    port,
    origin: `http://127.0.0.1:${port}`,
    app: () => app,
    async stop() {
      running = false
      // Keep-alive connections would otherwise hold close() until they time out.
      app.server.closeAllConnections()
      await app.close()
    },
    async start() {
      app = await make()
      await app.listen({ host: '127.0.0.1', port })
      running = true
    },
    async cutDatabase() {
      // Nothing listens on port 1: every query fails to connect, as with a database that is down.
      unreachable ??= await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1 })
      handle.db = unreachable.db
    },
    restoreDatabase() {
      handle.db = database.db
    }
  }
}
