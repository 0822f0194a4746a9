// The runtime's delivery in Chromium against a real collector: retries, refusals, the bounded
// queue, and a page whose storage is blocked.
import type { Page, Route } from 'playwright-core'
import t, { type Test } from 'tap'
import { openTestDatabase } from '../../collector/test/databases.js'
import { launchChromium, newContext, startCollector } from '../test/browser.js'
import { countBatches, delivered, queued, runtimeTag, startShop } from '../test/fixture-site.js'
import { report } from '../test/report.js'
import { storedVisits } from '../test/visits.js'

const database = await openTestDatabase(t, 'pglite')
const collector = await startCollector(t, database)
const browser = await launchChromium(t)
const service = collector.service
const shop = await startShop(t)
const BATCHES = `${collector.origin}/api/session/*/batch/`

/** What a collector's CORS answer carries, for answers the test makes up itself. */
const CORS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Retry-After' }

async function openShop(t: Test, email: string, html = '') {
  const context = await newContext(t, browser)
  const path = `/${email.split('@')[0]}`
  shop.pages[path] = `${html}${runtimeTag(collector, { service, email })}`
  const page = await context.newPage()
  return { page, open: () => page.goto(`${shop.origin}${path}`) }
}

const click = (page: Page, text: string) =>
  page.evaluate((text) => (window as any).visitlog({ command: 'button', text }), text)

t.test('network errors, 5xx and 429 are retried, after Retry-After, and stored once', async (t) => {
  const { page, open } = await openShop(t, 'retry@example.com')
  const attempts: number[] = []
  await page.route(BATCHES, async (route: Route) => {
    attempts.push(Date.now())
    if (attempts.length === 1) return route.fulfill({ status: 503, headers: { ...CORS, 'retry-after': '2' } })
    if (attempts.length === 2) return route.fulfill({ status: 429, headers: { ...CORS, 'retry-after': '1' } })
    if (attempts.length === 3) return route.abort('connectionrefused')
    if (attempts.length === 4) {
      // The collector stores the batch but its answer is lost on the way back.
      await route.fetch()
      return route.abort('connectionreset')
    }
    return route.continue()
  })
  await open()
  await click(page, 'Pay')
  await delivered(page, 60000)

  t.equal(attempts.length, 5, 'five attempts: 503, 429, refused, answer lost, stored')
  const gaps = attempts.slice(1).map((time, index) => time - attempts[index])
  t.ok(gaps[0] >= 2000, `the second attempt waited for Retry-After: 2 (${gaps[0]} ms)`)
  t.ok(gaps[1] >= 1000, `the third attempt waited for Retry-After: 1 (${gaps[1]} ms)`)
  report(t, `gaps between attempts (ms): ${gaps.join(', ')}`)
  const [visit, ...others] = await storedVisits(database, 'retry@example.com')
  t.equal(others.length, 0)
  t.equal(visit.urls.length, 1, 'the page is stored once')
  t.same(visit.buttons.map((row) => row.button_text), ['Pay'], 'the button is stored once')
})

t.test('a batch refused with a 4xx other than 429 is dropped, never retried', async (t) => {
  const { page, open } = await openShop(t, 'refused@example.com')
  const batches = countBatches(page)
  await page.route(BATCHES, (route) => route.fulfill({ status: 400, headers: CORS, body: '{}' }))
  await open()
  await delivered(page)
  await page.waitForTimeout(3000)
  t.equal(batches.length, 1, 'one attempt in three seconds')
  t.same((await queued(page)).i, [], 'nothing left to send')
})

t.test('entries an older runtime queued with a lone surrogate or a NUL are sent made safe', async (t) => {
  const email = 'legacy@example.com'
  const session = 'f0000000-0000-4000-8000-00000000000a'
  const at = new Date().toISOString()
  const press = (text: string, n: number) =>
    ({ type: 'button', at, button_text: text, event_id: `e0000000-0000-4000-8000-00000000000${n}` })
  const items = [{ type: 'create', at, service, email }, press('Like \ud83d', 1), press('Pay\u0000now', 2)]
  const box = { d: 0, i: items.map((b, n) => ({ id: `entry-${n}`, c: collector.origin, s: session, b })) }
  const { page, open } = await openShop(t, email,
    `<script>localStorage.setItem('vl:q', ${JSON.stringify(JSON.stringify(box))})</script>`)
  const answers: number[] = []
  page.on('response', (response) => response.url().endsWith('/batch/') && answers.push(response.status()))
  await open()
  await delivered(page)

  t.same(answers, [200, 200], "the old visit's batch, then this page's")
  const [legacy, current] = await storedVisits(database, email)
  t.equal(legacy.session_id, session)
  t.same(legacy.buttons.map((row) => row.button_text), ['Like \ufffd', 'Paynow'])
  t.equal(current.urls.length, 1, "this page's own visit follows")
})

t.test('past 500 entries the oldest go, never a create, and the count reaches the collector', async (t) => {
  const { page, open } = await openShop(t, 'full@example.com')
  const batches = countBatches(page)
  await page.route(BATCHES, (route) => route.abort('connectionrefused'))
  await open()
  await page.evaluate(() => {
    for (let n = 1; n <= 520; n++) (window as any).visitlog({ command: 'button', text: `Button ${n}` })
  })
  const full = await queued(page)
  t.equal(full.i.length, 500)
  t.equal(full.d, 22, 'the page and the first 21 buttons were dropped')
  t.same(full.i.slice(0, 2).map((entry) => entry.b.type), ['create', 'button'])

  await page.unroute(BATCHES)
  await page.evaluate(() => window.dispatchEvent(new Event('online')))
  await delivered(page, 60000)
  const reported = batches.map((body) => JSON.parse(body).dropped).filter((dropped) => dropped !== undefined)
  t.equal(reported.at(-1), 22, 'the last batch that carried the count said 22')

  const [visit] = await storedVisits(database, 'full@example.com')
  t.equal(visit.urls.length, 0)
  t.equal(visit.buttons.length, 499)
  t.equal(visit.buttons[0].button_text, 'Button 22')
  t.equal(visit.buttons.at(-1)?.button_text, 'Button 520')
  t.same((await queued(page)).d, 0, 'the count is cleared once the collector has it')
})

t.test('nothing reaches the page: bad commands and blocked storage are absorbed', async (t) => {
  const email = 'nostorage@example.com'
  const { page, open } = await openShop(t, email, `<script>
    for (const name of ['localStorage', 'sessionStorage']) {
      Object.defineProperty(window, name, { get() { throw new DOMException('blocked', 'SecurityError') } })
    }
    window.errors = []
    addEventListener('error', (event) => errors.push(String(event.message)))
    addEventListener('unhandledrejection', (event) => errors.push(String(event.reason)))
  </script>`)
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))
  await open()
  await page.evaluate(() => {
    const visitlog = (window as any).visitlog
    const bad = [null, 42, 'page', [], { command: 'fly' }, { command: 'button' }, { command: 'flag' }]
    for (const command of bad) visitlog(command)
    visitlog({ command: 'flag', flag: 'is_made_up' })
    ;(window as any).visitlogQueue.push(undefined, { command: 'button', text: 'Still works' })
  })
  let visit
  for (let round = 0; round < 50 && !visit?.buttons.length; round++) {
    await page.waitForTimeout(200)
    ;[visit] = await storedVisits(database, email)
  }
  t.same(pageErrors, [], 'no error reached the page')
  t.same(await page.evaluate(() => (window as any).errors), [])
  t.same(visit?.buttons.map((row) => row.button_text), ['Still works'], 'delivery works from memory')
  t.equal(visit?.urls.length, 1)
})
