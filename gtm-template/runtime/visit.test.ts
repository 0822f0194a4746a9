// The runtime in Chromium against a real collector: commands, the visit, pages and presence.
import t from 'tap'
import { openTestDatabase } from '../../collector/test/databases.js'
import { launchChromium, newContext, startCollector } from '../test/browser.js'
import type { Page } from 'playwright-core'
import { countBatches, delivered, queued, runtimeTag, startShop } from '../test/fixture-site.js'
import { storedVisits } from '../test/visits.js'

const database = await openTestDatabase(t, 'pglite')
const collector = await startCollector(t, database)
const browser = await launchChromium(t)
const service = collector.service
const shop = await startShop(t)
const SHOP = shop.origin

const urlsOf = (visit: { urls: { url: string }[] }) => visit.urls.map((row) => row.url)
const textsOf = (visit: { buttons: { button_text: string }[] }) => visit.buttons.map((row) => row.button_text)
/** Runs a command through the page's global function. */
const command = (page: Page, value: Record<string, unknown>) =>
  page.evaluate((value) => (window as any).visitlog(value), value)

t.test('commands queued before the script loads run first and in order, then later ones', async (t) => {
  const context = await newContext(t, browser)
  const email = 'queue@example.com'
  Object.assign(shop.pages, {
    '/a': `<script>
      window.visitlogQueue = [
        { command: 'page', service: ${service}, email: '${email}' },
        { command: 'button', service: ${service}, email: '${email}', text: 'Queued first' }
      ]
    </script>
    ${runtimeTag(collector)}
    <script>
      visitlogQueue.push({ command: 'button', service: ${service}, email: '${email}', text: 'Pushed later' })
      visitlog({ command: 'button', text: '  Called \\n directly ' })
    </script>`
  })
  const page = await context.newPage()
  await page.goto(`${SHOP}/a`)
  await delivered(page)

  const [visit, ...others] = await storedVisits(database, email)
  t.equal(others.length, 0, 'one visit')
  t.same(urlsOf(visit), [`${SHOP}/a`])
  t.same(textsOf(visit), ['Queued first', 'Pushed later', 'Called directly'])
  t.same(visit.buttons.map((row) => row.url), [`${SHOP}/a`, `${SHOP}/a`, `${SHOP}/a`])
})

t.test('nothing is sent before the email is known; what happened meanwhile follows it', async (t) => {
  const context = await newContext(t, browser)
  Object.assign(shop.pages, { '/early': `${runtimeTag(collector, { service })}` })
  const page = await context.newPage()
  const batches = countBatches(page)
  const loadedAt = Date.now()
  await page.goto(`${SHOP}/early`)
  await command(page, { command: 'button', text: 'Before sign-in' })
  await page.waitForTimeout(1000)
  t.equal(batches.length, 0, 'no request without an email')

  const signedInAt = Date.now()
  await command(page, { command: 'flag', flag: 'is_click_contacts', email: ' Late@Example.com ' })
  await delivered(page)

  const [visit, ...others] = await storedVisits(database, 'late@example.com')
  t.equal(others.length, 0, 'one visit')
  t.same(urlsOf(visit), [`${SHOP}/early`])
  t.same(textsOf(visit), ['Before sign-in'])
  t.equal(visit.flags.is_click_contacts, true)
  t.ok(visit.login_time.getTime() >= loadedAt - 1000 && visit.login_time.getTime() <= signedInAt,
    'the visit starts when the page was opened, before the email was known')
})

t.test('a visit ends after inactivity_minutes without presence, and when the email changes', async (t) => {
  const context = await newContext(t, browser)
  const first = 'idle@example.com'
  const second = 'other@example.com'
  Object.assign(shop.pages, { '/idle': runtimeTag(collector, { service, email: first }) })
  const page = await context.newPage()
  await page.clock.install()
  await page.goto(`${SHOP}/idle`)
  await command(page, { command: 'button', text: 'Short wait', inactivity_minutes: 5 })
  await delivered(page)

  await page.evaluate(() => (window as any).setVisibility('hidden'))
  await page.clock.fastForward('06:00')
  await page.evaluate(() => (window as any).setVisibility('visible'))
  await delivered(page)
  await command(page, { command: 'button', text: 'Someone else', email: second })
  await delivered(page)

  const idle = await storedVisits(database, first)
  t.equal(idle.length, 2, 'coming back after 6 idle minutes starts a second visit')
  t.same(idle.map(urlsOf), [[`${SHOP}/idle`], [`${SHOP}/idle`]], 'each visit logs the page')
  t.same(idle.map(textsOf), [['Short wait'], []])
  t.ok(idle[0].logout_time! < idle[1].login_time, 'the first visit ends before the second starts')
  const other = await storedVisits(database, second)
  t.same(other.map(textsOf), [['Someone else']], 'a new email is a new visit')
  t.ok(idle[1].logout_time, 'the replaced visit got its last presence')
})

t.test('only new pages are logged: not query or fragment changes, a repeat or a reload', async (t) => {
  const context = await newContext(t, browser)
  const email = 'pages@example.com'
  const help = runtimeTag(collector, { service, email })
  Object.assign(shop.pages, { '/help/': help, '/other': help })
  const page = await context.newPage()
  await page.goto(`${SHOP}/help/?a=1`)
  await page.evaluate(() => {
    history.pushState({}, '', '/help/?a=2')
    location.hash = 'faq'
    history.pushState({}, '', '/help/fees')
    history.replaceState({}, '', '/help/fees')
    history.back()
  })
  await page.waitForFunction(() => location.pathname === '/help/')
  await delivered(page)
  await page.goto(`${SHOP}/other`)
  await page.goBack()
  await delivered(page)
  await page.reload()
  await delivered(page)
  // Headless Chromium does not keep pages in the back/forward cache; this is the event it fires.
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })))
  await delivered(page)

  const [visit] = await storedVisits(database, email)
  t.same(urlsOf(visit), [
    `${SHOP}/help/?a=1`,
    `${SHOP}/help/fees`,
    `${SHOP}/help/?a=2`,
    `${SHOP}/other`,
    `${SHOP}/help/?a=2`,
    `${SHOP}/help/?a=2`
  ], 'first page, history change, back, new page, back again (new load), back/forward cache')
  t.ok(visit.urls.every((row) => !row.is_external_resource))
})

t.test('active time counts while visible and focused; presence is sent when it changes', async (t) => {
  const context = await newContext(t, browser)
  const email = 'time@example.com'
  Object.assign(shop.pages, { '/read': runtimeTag(collector, { service, email }) })
  const page = await context.newPage()
  const batches = countBatches(page)
  // A paused clock from the start: every time the runtime reads is set by the test.
  await page.clock.install({ time: Date.now() })
  await page.clock.pauseAt(Date.now() + 1000)
  await page.goto(`${SHOP}/read`)
  const loadedAt = await page.evaluate(() => Date.now())
  await deliveredOnPausedClock(page)

  await page.clock.runFor(loadedAt + 30_500 - await page.evaluate(() => Date.now()))
  await deliveredOnPausedClock(page)
  let [visit] = await storedVisits(database, email)
  t.equal(visit.active_seconds, 30, 'two heartbeats after 15 and 30 s')

  await page.evaluate(() => (window as any).setVisibility('hidden'))
  await deliveredOnPausedClock(page)
  const hiddenBatches = batches.length
  await page.clock.runFor(120_000)
  await page.waitForTimeout(500)
  t.equal(batches.length, hiddenBatches, 'nothing is sent while hidden')

  // The collector puts client times on its own clock per batch, so the jumps of the page's fake
  // clock do not show in stored times; what shows is that each presence is later than the last.
  ;[visit] = await storedVisits(database, email)
  t.equal(visit.active_seconds, 30, 'hiding at 30.5 s adds the half second, which rounds down')
  const hiddenAt = visit.logout_time!.getTime()
  await page.close({ runBeforeUnload: true })
  await t.resolves(waitFor(async () => {
    [visit] = await storedVisits(database, email)
    return visit.logout_time!.getTime() > hiddenAt
  }), 'closing the page sends its last presence by beacon')
  t.equal(visit.active_seconds, 30, 'hidden time is not active time')
  t.comment(`active_seconds ${visit.active_seconds}, visit ${visit.login_time.toISOString()} to ` +
    visit.logout_time!.toISOString())
})

t.test('plain-script mode captures link and button clicks', async (t) => {
  const context = await newContext(t, browser)
  const email = 'clicks@example.com'
  Object.assign(shop.pages, {
    '/shop': `<a id="ext" href="https://WWW.Partner.example/deal">Partner</a>
      <a id="int" href="http://WWW.localhost/cart" onclick="return false">Cart</a>
      <a id="mail" href="mailto:help@shop.test">Mail</a>
      <a id="here" href="#reviews">Reviews</a>
      <button id="pay" type="button"><svg width="8" height="8"></svg> Pay  now</button>
      <input id="send" type="submit" value="Send">
      ${runtimeTag(collector, { service, email, 'capture-clicks': true })}`
  })
  const page = await context.newPage()
  await page.route('https://www.partner.example/**', (route) => route.fulfill({ body: 'partner' }))
  await page.goto(`${SHOP}/shop`)
  for (const id of ['#mail', '#here', '#int', '#pay svg', '#send']) await page.click(id)
  await delivered(page)
  await page.click('#ext')
  await page.waitForURL('https://www.partner.example/deal')
  await page.goBack()
  await delivered(page)

  const [visit] = await storedVisits(database, email)
  t.same(visit.urls.map((row) => [row.url, row.is_external_resource]), [
    [`${SHOP}/shop`, false],
    ['http://www.localhost/cart', false],
    ['https://www.partner.example/deal', true],
    [`${SHOP}/shop`, false]
  ])
  t.same(textsOf(visit), ['Pay now', 'Send'])
})

/** With the page's clock paused, its timers (the flush among them) run only when told to. */
async function deliveredOnPausedClock(page: Page) {
  for (let round = 0; round < 100; round++) {
    if ((await queued(page)).i.length === 0) return
    await page.clock.runFor(1)
    await page.waitForTimeout(100)
  }
  throw new Error('the queue did not empty')
}

async function waitFor(check: () => Promise<boolean>, timeout = 10000) {
  const end = Date.now() + timeout
  while (Date.now() < end) {
    if (await check()) return true
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error('timed out')
}
