// Awkward button texts through the whole chain: real clicks, the real template in the GTM harness,
// the real runtime and collector. An emoji across the 1000-character cut, a NUL or a lone
// surrogate once made the collector refuse the whole batch, and the runtime dropped it all.
import t from 'tap'
import { eachDatabase } from '../../collector/test/databases.js'
import { startFixtureServer } from '../harness/fixture-server.js'
import { launchChromium, newContext, startCollector } from './browser.js'
import { ready } from './demo-steps.js'
import { countBatches, delivered } from './fixture-site.js'
import { report } from './report.js'
import { storedVisits } from './visits.js'

const EMAIL = 'text@example.com'
const GRIN = '\u{1F600}'
// Its UTF-16 units 1000 and 1001 are the emoji's two halves.
const LONG = `Deposit ${'a'.repeat(991)}${GRIN} now`
const BUTTONS = { long: LONG, nul: 'Pay\u0000now', lone: `Like ${GRIN[0]}`, plain: 'Download statement' }

/** A page with the GTM harness and the four buttons; their texts are set by script. */
const PAGE = `<script>window.dataLayer = [{ user_email: '${EMAIL}' }]</script>
<script src="/gtm-harness.js" data-container="/container.json" data-tpl="/template.tpl"></script>
${Object.keys(BUTTONS).map((id) => `<button id="${id}" type="button"></button>`).join('\n')}
<script>
  for (const [id, text] of Object.entries(${JSON.stringify(BUTTONS)})) {
    document.getElementById(id).textContent = text
  }
</script>`

eachDatabase(t, 'buttons with an emoji at the cut, a NUL or a lone surrogate are stored, made safe',
  async (t, database) => {
  const collector = await startCollector(t, database)
  const site = await startFixtureServer({ '/account/': PAGE },
    { collector: collector.origin, container: { service: collector.service } })
  t.teardown(() => site.close())
  const page = await (await newContext(t, await launchChromium(t))).newPage()
  const batches = countBatches(page)
  const refusals: number[] = []
  page.on('response', (response) => response.status() >= 400 && refusals.push(response.status()))

  await page.goto(`${site.origin}/account/`)
  await ready(page)
  // Within the runtime's 300 ms batching delay: the four presses go out together.
  for (const id of Object.keys(BUTTONS)) await page.click(`#${id}`)
  await delivered(page)

  const [visit, ...others] = await storedVisits(database, EMAIL)
  t.equal(others.length, 0, 'one visit')
  t.same(visit.urls.map((row) => row.url), [`${site.origin}/account/`])
  t.same(visit.buttons.map((row) => row.button_text), [
    `Deposit ${'a'.repeat(991)}${GRIN}`,
    'Paynow',
    'Like \ufffd',
    'Download statement'
  ], 'cut at 1000 characters with the emoji whole, NUL removed, the lone half replaced')
  t.equal(visit.flags.is_click_deposit_button, true, 'the deposit flag of the long button')
  t.same(refusals, [], 'the collector refused nothing')
  report(t, `checked: 1 url log and 4 button logs in ${batches.length} batch(es), none refused`)
})
