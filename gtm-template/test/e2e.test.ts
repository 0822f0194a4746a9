// The whole chain on real input: the demo site runs the real GTM template and container through
// the harness, the real runtime delivers to a real collector, and the database is read back.
import t from 'tap'
import type { DatabaseHandle } from '../../collector/db/database.js'
import { eachDatabase } from '../../collector/test/databases.js'
import { launchChromium, newContext, startCollector } from './browser.js'
import { act, ready, waitForLogout } from './demo-steps.js'
import { delivered } from './fixture-site.js'
import { report } from './report.js'
import { flagsSet, storedVisits } from './visits.js'

const EMAIL = 'Client@Example.com'
const EXTERNAL = 'https://www.example.org/'

/** The flags set on the only visit; a second visit shows up as a wrong answer. */
async function flagsNow(database: DatabaseHandle) {
  const visits = await storedVisits(database)
  return visits.length === 1 ? flagsSet(visits[0]) : [`${visits.length} visits`]
}

eachDatabase(t, 'a client walks the demo site and the visit is stored exactly', async (t, database) => {
  const collector = await startCollector(t, database, { demo: true })
  const site = collector.origin
  const platform = `http://localhost:${collector.port}/platform/`
  const browser = await launchChromium(t)
  const context = await newContext(t, browser)
  await context.route(`${EXTERNAL}**`, (route) => route.fulfill({ contentType: 'text/html', body: 'Away' }))
  const page = await context.newPage()
  const flags = () => flagsNow(database)

  // Arrives: GTM runs, but nothing is sent for a visitor without an email.
  const startedAt = Date.now()
  await page.goto(`${site}/demo/`)
  await page.waitForFunction(() => (window as any).visitlogHarness?.firings.length > 0)
  t.same(await storedVisits(database), [], 'nothing stored before the sign-in')

  // Signs in: the site puts the email into the data layer and opens the personal account.
  await page.fill('#login-email', EMAIL)
  await page.fill('#login-password', 'correct horse')
  const signedInAt = Date.now()
  await page.click('#login-submit')
  await page.waitForURL(`${site}/demo/account/`)
  await ready(page)
  const dataLayer: Record<string, unknown>[] = await page.evaluate(() => (window as any).dataLayer)
  t.ok(dataLayer.some((message) => message.user_email === EMAIL), 'the email is in the data layer')
  await delivered(page)
  t.same(await flags(), ['is_click_personal_account'], 'personal account: set by opening it')

  await act(page, '#deposit')
  t.same(await flags(), ['is_click_personal_account', 'is_click_deposit_button'], 'deposit: by its button')
  await act(page, '#statement')
  t.equal((await flags()).length, 2, 'another button sets nothing')

  await page.click('#change-password')
  await ready(page)
  await page.fill('#current-password', 'correct horse')
  await page.fill('#new-password', 'battery staple')
  const passwordAt = Date.now()
  await act(page, '#password-submit')
  t.ok((await flags()).includes('is_change_password'), 'password change: set by its form')

  await page.click('#nav-contacts')
  await ready(page)
  await delivered(page)
  t.ok((await flags()).includes('is_click_contacts'), 'contacts: set by opening the page')
  // Neither a tel: link nor an in-page link is logged as a URL.
  await act(page, '#phone')
  await act(page, '#to-map')
  t.notOk((await flags()).includes('is_write_to_support'), 'not yet written to support')
  await act(page, '#support-mail')
  t.ok((await flags()).includes('is_write_to_support'), 'support: set by the mailto link')

  // The help center is a single-page app: history changes, a query change, back and forward.
  await page.click('#nav-help')
  await ready(page)
  await act(page, '#help-fees')
  await act(page, '#help-sort')
  await act(page, '#help-limits')
  await page.goBack()
  await page.waitForFunction((url) => location.href === url, `${site}/demo/help/fees?sort=date`)
  await delivered(page)
  await page.goForward()
  await page.waitForFunction((url) => location.href === url, `${site}/demo/help/limits`)
  await delivered(page)

  // Leaves for another site and comes back.
  await page.click('#nav-external')
  await page.waitForURL(EXTERNAL)
  await page.goBack()
  await ready(page)
  await delivered(page)

  // Switches to a second tab of the same site, opens the platform from there, closes it.
  t.notOk((await flags()).includes('is_click_platform'), 'not yet on the platform')
  await page.evaluate(() => (window as any).setVisibility('hidden'))
  const tab = await context.newPage()
  await tab.goto(`${site}/demo/contacts/`)
  await ready(tab)
  await tab.click('#nav-platform')
  await tab.waitForURL(platform)
  await tab.close({ runBeforeUnload: true })
  await page.evaluate(() => (window as any).setVisibility('visible'))
  await delivered(page)
  t.ok((await flags()).includes('is_click_platform'), 'platform: set by the link to it')

  await page.click('#nav-home')
  await ready(page)
  await delivered(page)
  const closedAt = Date.now()
  await page.close({ runBeforeUnload: true })
  const visit = await waitForLogout(database, closedAt)

  t.equal((await storedVisits(database)).length, 1, 'one visit')
  t.equal(visit.email, 'client@example.com')
  t.same(visit.urls.map((row) => [row.url.replace(site, 'site:'), row.is_external_resource]), [
    ['site:/demo/account/', false],
    ['site:/demo/account/password/', false],
    ['site:/demo/account/password/', false],
    ['site:/demo/contacts/', false],
    ['site:/demo/contacts/', false],
    ['site:/demo/help/', false],
    ['site:/demo/help/', false],
    ['site:/demo/help/fees', false],
    ['site:/demo/help/fees', false],
    ['site:/demo/help/limits', false],
    ['site:/demo/help/limits', false],
    ['site:/demo/help/fees?sort=date', false],
    ['site:/demo/help/limits', false],
    [EXTERNAL, true],
    ['site:/demo/help/limits', false],
    ['site:/demo/contacts/', false],
    [platform, true],
    ['site:/demo/', false],
    ['site:/demo/', false]
  ], 'pages and links in order: link then page, SPA changes, back, forward, away and back, second tab')
  t.same(visit.buttons.map((row) => [row.button_text, row.url?.replace(site, 'site:')]), [
    ['+ Deposit', 'site:/demo/account/'],
    ['Download statement', 'site:/demo/account/'],
    ['Change password', 'site:/demo/account/password/'],
    ['Sort by date', 'site:/demo/help/fees']
  ], 'buttons in order with their text and page')
  t.same(flagsSet(visit).length, 6, 'all six facts are set')

  const events = [...visit.urls, ...visit.buttons].map((row) => row.event_id)
  t.equal(new Set(events).size, events.length, 'no duplicates: every log has its own event id')
  t.notOk(events.includes(null), 'every log carries an event id')

  const login = visit.login_time.getTime()
  const logout = visit.logout_time!.getTime()
  const changed = visit.password_changed_at!.getTime()
  const wall = (logout - login) / 1000
  t.ok(login >= signedInAt - 1000 && login <= signedInAt + 5000, 'login_time is when the client signed in')
  t.ok(logout >= closedAt - 1000 && logout <= closedAt + 3000, 'logout_time is when the tab closed')
  t.ok(changed >= passwordAt - 1000 && changed <= passwordAt + 3000, 'password_changed_at is when it changed')
  t.ok(visit.active_seconds > 0 && visit.active_seconds <= wall, 'active time is positive, within the visit')
  report(t, `checked: one visit of ${visit.email}; ${visit.urls.length} url logs and ` +
    `${visit.buttons.length} button logs in order with texts and external flags; ` +
    'each of the six flags set by its action; password_changed_at; login and logout times; ' +
    'active time; no duplicate event ids')
  report(t, `walk took ${((closedAt - startedAt) / 1000).toFixed(1)} s; visit ${wall.toFixed(1)} s, ` +
    `active ${visit.active_seconds} s; ${visit.urls.length} url logs, ${visit.buttons.length} button logs`)
  report(t, `login_time ${login - signedInAt} ms after the sign-in click, ` +
    `logout_time ${logout - closedAt} ms after the close, ` +
    `password_changed_at ${changed - passwordAt} ms after the submit`)
})
