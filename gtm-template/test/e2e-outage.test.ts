// The chain when the collector or its database goes away mid-visit: the runtime keeps every
// action in its queue, retries, and each arrives exactly once when the service is back.
import t from 'tap'
import { eachDatabase } from '../../collector/test/databases.js'
import { launchChromium, newContext, startCollector } from './browser.js'
import { act, ready, signIn, waitForLogout } from './demo-steps.js'
import { delivered, queued } from './fixture-site.js'
import { report } from './report.js'
import { flagsSet, storedVisits } from './visits.js'

const EMAIL = 'outage@example.com'

eachDatabase(t, 'the collector stops mid-visit; every action arrives once when it is back', async (t, db) => {
  const collector = await startCollector(t, db, { demo: true })
  const site = collector.origin
  const page = await (await newContext(t, await launchChromium(t))).newPage()
  await signIn(page, site, EMAIL)
  await delivered(page)

  await collector.stop()
  const stoppedAt = Date.now()
  await page.click('#deposit')
  await page.click('#statement')
  await page.click('#deposit')
  await page.evaluate(() => (window as any).setVisibility('hidden'))
  await page.evaluate(() => (window as any).setVisibility('visible'))
  await page.waitForTimeout(3000)
  const waiting = (await queued(page)).i.map((entry) => entry.b)
  t.same(waiting.filter((item) => item.type === 'button').map((item) => item.button_text),
    ['+ Deposit', 'Download statement', '+ Deposit'], 'the presses wait in the queue')
  t.equal(waiting.filter((item) => item.is_click_deposit_button).length, 2, 'so does the deposit flag, twice')
  t.ok(waiting.at(-1)?.logout_time, 'and the presence of the hidden tab')

  await collector.start()
  const restartedAt = Date.now()
  await delivered(page, 120_000)
  const deliveredAt = Date.now()
  await page.click('#nav-help')
  await ready(page)
  await act(page, '#help-fees')
  const closedAt = Date.now()
  await page.close({ runBeforeUnload: true })
  const visit = await waitForLogout(db, closedAt)

  t.equal((await storedVisits(db)).length, 1, 'one visit')
  t.same(visit.buttons.map((row) => row.button_text), ['+ Deposit', 'Download statement', '+ Deposit'],
    'each press once, in order')
  t.same(visit.urls.map((row) => row.url.replace(site, '')), [
    '/demo/account/', '/demo/help/', '/demo/help/', '/demo/help/fees', '/demo/help/fees'
  ])
  t.same(flagsSet(visit), ['is_click_personal_account', 'is_click_deposit_button'])
  t.ok(visit.buttons.every((row) => row.date.getTime() < restartedAt), 'stored at the time they were pressed')
  report(t, `collector down ${((restartedAt - stoppedAt) / 1000).toFixed(1)} s; queue delivered ` +
    `${((deliveredAt - restartedAt) / 1000).toFixed(1)} s after it came back`)
})

eachDatabase(t, 'the database is down (503); the queue keeps everything until it is back', async (t, db) => {
  const collector = await startCollector(t, db, { demo: true })
  const site = collector.origin
  const page = await (await newContext(t, await launchChromium(t))).newPage()
  const answers: number[] = []
  page.on('response', (response) => {
    if (response.url().endsWith('/batch/')) answers.push(response.status())
  })
  await signIn(page, site, EMAIL)
  await delivered(page)

  await collector.cutDatabase()
  await page.click('#deposit')
  await page.click('#change-password')
  await ready(page)
  await page.fill('#current-password', 'correct horse')
  await page.fill('#new-password', 'battery staple')
  const passwordAt = Date.now()
  await page.click('#password-submit')
  await page.click('#nav-contacts')
  await ready(page)
  await page.waitForTimeout(2000)
  const waiting = (await queued(page)).i.length
  t.ok(waiting >= 6, `${waiting} entries wait in the queue`)
  t.equal((await storedVisits(db))[0].buttons.length, 0, 'nothing of it is stored yet')

  collector.restoreDatabase()
  const restoredAt = Date.now()
  await delivered(page, 120_000)
  const visit = (await storedVisits(db))[0]
  t.ok(answers.includes(503), 'the collector answered 503 meanwhile')
  t.same(visit.buttons.map((row) => row.button_text), ['+ Deposit', 'Change password'])
  t.same(visit.urls.map((row) => row.url.replace(site, '')), [
    '/demo/account/',
    '/demo/account/password/',
    '/demo/account/password/',
    '/demo/contacts/',
    '/demo/contacts/'
  ])
  t.same(flagsSet(visit), [
    'is_click_personal_account', 'is_click_deposit_button', 'is_click_contacts', 'is_change_password'
  ])
  const changed = visit.password_changed_at!.getTime()
  t.ok(changed >= passwordAt - 1000 && changed < restoredAt, 'password_changed_at: when it changed')
  report(t, `${answers.filter((status) => status === 503).length} answers 503 while the database was down; ` +
    `password_changed_at ${changed - passwordAt} ms after the submit, ` +
    `stored ${((Date.now() - passwordAt) / 1000).toFixed(1)} s later`)
})
