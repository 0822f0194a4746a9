import { createHmac } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { chromium, type Browser, type Page } from 'playwright-core'
import t from 'tap'
import { buildApp } from '../app.js'
import { ADMIN_TOKEN } from '../test/app.js'
import { eachDatabase } from '../test/databases.js'
import { seedReport } from '../test/report-seed.js'

// Screenshots land in a git-ignored folder for a person to look at.
const SCREENSHOTS = '.tap/screenshots'
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run']

// What the collector must set: an HMAC of a fixed label keyed by the token, never the token.
const PAGE_COOKIE = createHmac('sha256', ADMIN_TOKEN).update('visitlog admin page cookie v1')
  .digest('base64url')

let browser: Browser | undefined
t.before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
})
t.teardown(() => browser?.close())

const texts = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((nodes) =>
    nodes.map((node) => ((node as HTMLElement).innerText ?? node.textContent).trim()))

eachDatabase(t, 'the admin page in Chromium', async (t, database) => {
  await seedReport(database.db)
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN })
  t.teardown(() => app.close())
  const origin = await app.listen({ host: '127.0.0.1', port: 0 })
  const context = await browser!.newContext({ viewport: { width: 1280, height: 1000 } })
  t.teardown(() => context.close())
  const page = await context.newPage()
  const failedRequests: string[] = []
  page.on('requestfailed', (request) => failedRequests.push(request.url()))

  await t.test('without the cookie the page answers 401 with only a sign-in form', async (t) => {
    const response = await page.goto(`${origin}/admin/`)
    const headers = response?.headers() ?? {}
    t.same([response?.status(), headers['www-authenticate'], headers['cache-control']],
      [401, 'Bearer', 'no-store'])
    await page.locator('#token').waitFor()
    t.equal(await page.locator('#clients').count(), 0, 'the admin page itself is not sent')

    await page.fill('#token', 'not-the-token-0123456789')
    await page.click('button[type=submit]')
    await page.locator('#token-error', { hasText: 'refused' }).waitFor()
    t.equal(await page.locator('#token-error').innerText(), 'The collector refused this token.')
    t.same(await context.cookies(), [], 'a wrong token sets no cookie')
  })

  await t.test('signing in through the form sets an HttpOnly cookie derived from the token', async (t) => {
    await page.fill('#token', ADMIN_TOKEN)
    await page.click('button[type=submit]')
    await page.locator('#clients').waitFor()
    t.same(await context.cookies(), [{
      name: 'visitlog_admin', value: PAGE_COOKIE, domain: '127.0.0.1', path: '/admin', expires: -1,
      httpOnly: true, secure: false, sameSite: 'Strict'
    }])
    t.equal(await page.evaluate(() => document.cookie), '', 'no script of the page can read it')
  })

  await t.test('signed in, it lists the clients with their flags', async (t) => {
    await page.locator('#client-rows tr').first().waitFor()
    t.same(await texts(page, '#client-rows tr'), [
      'ann@example.com\tCompany1\t3\t2026-10-12 08:00\t47m 30s\t✓\t✓\t✓\t✓\t✓\t✓',
      'bob@example.com\tCompany1\t2\t2026-10-07 18:00\t20m 00s\t·\t✓\t·\t·\t·\t·',
      'cy@example.com\tCompany1\t1\t2026-10-09 11:00\t15m 00s\t·\t✓\t·\t✓\t·\t·',
      'ann@example.com\tCompany2\t1\t2026-10-10 12:00\t1m 40s\t·\t·\t·\t·\t·\t·'
    ])
    t.equal(await page.locator('#client-rows tr >> nth=0 >> td.flag >> nth=5').getAttribute('title'),
      'first 2026-10-07 14:05:00')
    await page.screenshot({ path: `${SCREENSHOTS}/admin-clients-${database.kind}.png`, fullPage: true })

    await page.selectOption('#flag', 'is_click_deposit_button')
    await page.locator('#client-rows tr').nth(1).waitFor()
    t.same(await texts(page, '#client-rows tr td:first-child'), ['ann@example.com', 'cy@example.com'])
    await page.selectOption('#flag', '')
    await page.locator('#client-rows tr').nth(3).waitFor()
  })

  await t.test("one client's visits show as a chart and a timeline of pages and clicks", async (t) => {
    await page.click('#client-rows tr >> nth=0')
    await page.locator('#timeline > li').nth(2).waitFor()
    t.equal(await page.locator('#client-email').innerText(), 'ann@example.com · Company1')
    t.same(await texts(page, '#client-summary dd'), [
      '3 (1 without logout)', '2026-10-05 09:00:00', '2026-10-12 08:00:00',
      '47m 30s in total, 10m 00s median',
      '33m 20s', '6, 1, 3', '2026-10-12 08:06:00'
    ])
    t.same(await texts(page, '#client-flags li'), [
      'Platform: first 2026-10-05 09:25:00', 'Personal account: first 2026-10-05 09:02:00',
      'Support: first 2026-10-12 08:07:30', 'Deposit: first 2026-10-05 09:20:00',
      'Contacts: first 2026-10-07 14:00:10', 'Password change: first 2026-10-07 14:05:00'
    ])
    t.same(await texts(page, '#chart svg text'), ['30m 00s', '10-05', '10m 00s', '10-07', '7m 30s', '10-12'])
    t.equal(await page.locator('#chart rect.bar').count(), 3)
    t.equal(await page.locator('#chart rect.bar.estimated').count(), 1)

    t.same(await texts(page, '.visit-head'), [
      '2026-10-12 08:00:00 · 7m 30s (no logout: until the last action) · Mobile Safari, iOS, mobile',
      '2026-10-07 14:00:00 · 10m 00s (logout) · Chrome, Windows, desktop',
      '2026-10-05 09:00:00 · 30m 00s (logout) · Chrome, Windows, desktop'
    ])
    const events = await page.locator('#timeline > li:nth-child(3) .events li').evaluateAll((items) =>
      items.map((item) => [...item.childNodes].map((node) => node.textContent)))
    t.same(events, [
      ['09:00:05', 'page', 'https://shop.example/'], ['09:02:00', 'page', 'https://shop.example/cabinet'],
      ['09:02:00', 'flag', 'Personal account'], ['09:20:00', 'button', '“Deposit”'],
      ['09:20:00', 'flag', 'Deposit'],
      ['09:25:00', 'link', 'https://platform.example/'], ['09:25:00', 'flag', 'Platform']
    ])
    await page.screenshot({ path: `${SCREENSHOTS}/admin-client-${database.kind}.png`, fullPage: true })
  })

  await t.test('the token is kept for the tab; a new tab signs in inside the page', async (t) => {
    await page.reload()
    await page.locator('#timeline > li').first().waitFor()
    t.equal(await page.locator('#client-email').innerText(), 'ann@example.com · Company1')

    const tab = await context.newPage()
    t.equal((await tab.goto(`${origin}/admin/`))?.status(), 200, 'the cookie opens the page')
    await tab.locator('#token').waitFor()
    await tab.fill('#token', ADMIN_TOKEN)
    await tab.click('button[type=submit]')
    await tab.locator('#client-rows tr').nth(3).waitFor()
    await tab.close()
  })

  await t.test('signing out drops the token and the cookie', async (t) => {
    const reloaded = page.waitForResponse((response) => response.url() === `${origin}/admin/`)
    await page.click('#sign-out')
    t.equal((await reloaded).status(), 401)
    await page.locator('#token').waitFor()
    t.same(await context.cookies(), [])
    t.equal(await page.evaluate(() => sessionStorage.getItem('visitlog.adminToken')), null)
    t.equal(await page.locator('#clients').count(), 0)
    t.same(failedRequests, [], 'every asset and call came from the collector itself')
  })
})
