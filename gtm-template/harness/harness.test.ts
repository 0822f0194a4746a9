// The real template, run by the harness in headless Chromium, for the default container.
import t from 'tap'
import { chromium, type Browser, type Page } from 'playwright-core'
import { startFixtureServer, type FixtureServer } from './fixture-server.js'

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

const HARNESS =
  '<script src="/gtm-harness.js" data-container="/container.json" data-tpl="/template.tpl"></script>'

const ACCOUNT_PAGE = `<!doctype html><meta charset="utf-8"><title>Password</title>
<script>window.dataLayer = [{ user_email: 'client@example.com' }]</script>
${HARNESS}
<button id="deposit" class="deposit-button">
  <span class="icon" style="display:inline-block;width:12px;height:12px"></span>
  Пополнить   счёт</button>
<a id="platform" href="https://platform.example.com/login">Open platform</a>
<form id="password" action="/cabinet/password"><input type="password" name="p" value="x">
  <button id="save" type="submit">Save</button></form>
<script>
  document.addEventListener('click', (event) => { if (event.target.closest('a')) event.preventDefault() })
  document.addEventListener('submit', (event) => event.preventDefault())
</script>`

const CONSENT_PAGE = `<!doctype html><meta charset="utf-8"><title>Consent</title>
<script>
  window.dataLayer = [{ user_email: 'client@example.com' }]
  function gtag() { dataLayer.push(arguments) }
  gtag('consent', 'default', { analytics_storage: 'denied' })
</script>
${HARNESS}
<a id="docs" href="/docs">Docs</a>
<script>document.addEventListener('click', (event) => event.preventDefault())</script>`

const MANUAL_PAGE = `<!doctype html><meta charset="utf-8"><title>Manual</title>
<script>window.dataLayer = [{ user_email: 'client@example.com' }]</script>
<script src="/gtm-harness.js"></script>
<button id="keep">Keep</button><button id="skip" class="skip">Skip</button>`

const CONTROLS_PAGE = `<!doctype html><meta charset="utf-8"><title>Controls</title>
<script>window.dataLayer = [{ user_email: 'client@example.com' }]</script>
${HARNESS}
<button id="close" aria-label="Close the chat">
  <span class="x" style="display:inline-block;width:9px;height:9px"></span></button>
<form onsubmit="return false"><input id="go" type="button" value="Go   on"></form>
<div role="button" id="card"><b>Gold</b>
  card</div>`

let server: FixtureServer
let browser: Browser

t.before(async () => {
  server = await startFixtureServer({
    '/cabinet/password': ACCOUNT_PAGE,
    '/consent': CONSENT_PAGE,
    '/manual': MANUAL_PAGE,
    '/controls': CONTROLS_PAGE
  })
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
})

t.teardown(async () => {
  await browser?.close()
  await server?.close()
})

function command(fields: Record<string, unknown>) {
  return { service: 3, email: 'client@example.com', collector: server.origin, debug: false, ...fields }
}

async function queue(page: Page, length: number): Promise<unknown[]> {
  await page.waitForFunction((n) => ((window as any).visitlogQueue ?? []).length >= n, length)
  return page.evaluate(() => (window as any).visitlogQueue)
}

t.test('page view, button, link, form, custom event and history change reach the queue', async (t) => {
  const page = await browser.newPage()
  const url = `${server.origin}/cabinet/password`
  await page.goto(url)
  t.same(
    await queue(page, 2),
    [command({ command: 'page', url }), command({ command: 'flag', flag: 'is_click_personal_account' })],
    'page view logs the page and the personal account'
  )

  await page.click('#deposit .icon')
  t.same(
    (await queue(page, 4)).slice(2),
    [
      command({ command: 'button', text: 'Пополнить счёт', url }),
      command({ command: 'flag', flag: 'is_click_deposit_button' })
    ],
    'a click on the icon inside the deposit button gives the button text and the deposit flag'
  )

  await page.click('#platform')
  t.same(
    (await queue(page, 6)).slice(4),
    [
      command({ command: 'link', url: 'https://platform.example.com/login', text: 'Open platform' }),
      command({ command: 'flag', flag: 'is_click_platform' })
    ],
    'a link to the platform is logged and sets the platform flag'
  )

  await page.click('#save')
  t.same(
    (await queue(page, 8)).slice(6),
    [
      command({ command: 'button', text: 'Save', url }),
      command({ command: 'flag', flag: 'is_change_password' })
    ],
    'sending the password form logs the button and the password change'
  )

  await page.evaluate(() => (window as any).dataLayer.push({ event: 'password_changed' }))
  await page.evaluate(() => history.pushState({}, '', '/contacts'))
  await page.evaluate(() => history.replaceState({ router: 1 }, '', '/contacts'))
  await page.evaluate(() => (window as any).dataLayer.push({ event: 'logout' }))
  t.same(
    (await queue(page, 13)).slice(8),
    [
      command({ command: 'flag', flag: 'is_change_password' }),
      command({ command: 'page', url: `${server.origin}/contacts` }),
      command({ command: 'flag', flag: 'is_click_contacts' }),
      command({ command: 'flag', flag: 'is_click_contacts' }),
      command({ command: 'end' })
    ],
    'custom event, history change (a same-address replaceState is no new page), logout'
  )

  await page.waitForFunction(() => (window as any).runtimeLoads === 1)
  t.equal(server.runtimeRequests(), 1, 'the runtime is requested once')
  t.equal(await page.locator('script[src$="/assets/v1/vl.js"]').count(), 1, 'the runtime is injected once')
  const statuses = await page.evaluate(() =>
    (window as any).visitlogHarness.firings.map((f: any) => f.status)
  )
  t.same([...new Set(statuses)], ['success'], 'every tag firing succeeded')
  await page.close()
})

t.test('commands wait for analytics consent and are released in order', async (t) => {
  const page = await browser.newPage()
  await page.goto(`${server.origin}/consent`)
  await page.click('#docs')
  await page.waitForFunction(() => (window as any).visitlogHarness.firings.length === 2)
  t.same(await page.evaluate(() => (window as any).visitlogQueue ?? null), null, 'nothing is queued')
  t.equal(await page.locator('script[src$="/assets/v1/vl.js"]').count(), 0, 'nothing is injected')

  await page.evaluate(() => (window as any).gtag('consent', 'update', { analytics_storage: 'granted' }))
  t.same(
    await queue(page, 2),
    [
      command({ command: 'page', url: `${server.origin}/consent` }),
      command({ command: 'link', url: `${server.origin}/docs`, text: 'Docs' })
    ],
    'the held page and link commands go out in order'
  )
  await page.close()
})

t.test('a hand-made container: negated conditions, and permissions enforced from the .tpl', async (t) => {
  const page = await browser.newPage()
  await page.goto(`${server.origin}/manual`)
  const firings = await page.evaluate(async () => {
    const container = await (await fetch('/container.json')).json()
    const tpl = await (await fetch('/template.tpl')).text()
    const version = container.containerVersion
    const template = version.tag[0]
    const param = (key: string, value: string) => ({ type: 'TEMPLATE', key, value })
    const tag = (name: string, trigger: string, collector: string) => ({
      ...template,
      name,
      firingTriggerId: [trigger],
      parameter: [
        param('collectorUrl', collector),
        param('serviceId', '3'),
        param('action', 'button'),
        param('email', '{{Visitlog - user email}}'),
        { type: 'BOOLEAN', key: 'consentCheck', value: 'true' }
      ]
    })
    version.trigger = [
      {
        triggerId: '1',
        name: 'not skip',
        type: 'CLICK',
        filter: [
          {
            type: 'CONTAINS',
            parameter: [
              { type: 'TEMPLATE', key: 'arg0', value: '{{Click Classes}}' },
              { type: 'TEMPLATE', key: 'arg1', value: 'skip' },
              { type: 'BOOLEAN', key: 'negate', value: 'true' }
            ]
          }
        ]
      }
    ]
    version.tag = [tag('allowed', '1', location.origin), tag('elsewhere', '1', 'https://evil.example')]
    ;(window as any).visitlogHarness.start({ container, tpl })
    document.getElementById('skip')!.click()
    document.getElementById('keep')!.click()
    return (window as any).visitlogHarness.firings
  })
  t.same(
    firings.map((f: any) => [f.tag, f.event]),
    [
      ['allowed', 'gtm.click'],
      ['elsewhere', 'gtm.click']
    ],
    'the negated condition skips the .skip button and fires for the other'
  )
  t.equal(firings[1].status, 'exception')
  t.equal(firings[1].error, 'permission denied: inject_script https://evil.example/assets/v1/vl.js')
  t.same(
    await queue(page, 2),
    [
      command({ command: 'button', text: 'Keep', url: `${server.origin}/manual` }),
      command({
        command: 'button',
        text: 'Keep',
        url: `${server.origin}/manual`,
        collector: 'https://evil.example'
      })
    ],
    'the command is queued before the refused injection, as the template intends'
  )
  await page.close()
})

t.test('aria-label, an input value and role="button" are read from the real DOM', async (t) => {
  const page = await browser.newPage()
  const url = `${server.origin}/controls`
  await page.goto(url)
  await queue(page, 1)
  await page.click('#close .x')
  await page.click('#go')
  await page.click('#card b')
  t.same((await queue(page, 4)).slice(1), [
    command({ command: 'button', text: 'Close the chat', url }),
    command({ command: 'button', text: 'Go on', url }),
    command({ command: 'button', text: 'Gold card', url })
  ])
  await page.close()
})
