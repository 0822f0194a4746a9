// Steps a person takes on the demo site, shared by the end-to-end tests.
import type { Page } from 'playwright-core'
import type { DatabaseHandle } from '../../collector/db/database.js'
import { delivered } from './fixture-site.js'
import { storedVisits } from './visits.js'

/** The page's tags have run for its page view and the runtime is loaded. */
export async function ready(page: Page) {
  await page.waitForFunction(() => {
    const page = window as any
    const firings: { status: string }[] | undefined = page.visitlogHarness?.firings
    const done = firings?.every((firing) => firing.status !== 'running')
    return typeof page.visitlog === 'function' && done
  })
}

/** Clicks, then waits until the runtime has delivered what the click caused. */
export async function act(page: Page, selector: string) {
  await page.click(selector)
  await delivered(page)
}

/** Signs in on the home page; the site then opens the personal account. */
export async function signIn(page: Page, site: string, email: string) {
  await page.goto(`${site}/demo/`)
  await page.fill('#login-email', email)
  await page.fill('#login-password', 'correct horse')
  await page.click('#login-submit')
  await page.waitForURL(`${site}/demo/account/`)
  await ready(page)
}

/** The visit once its logout_time has reached the given time (the close's beacon arrived). */
export async function waitForLogout(database: DatabaseHandle, atLeast: number) {
  for (let round = 0; round < 100; round++) {
    const [visit] = await storedVisits(database)
    if (visit?.logout_time && visit.logout_time.getTime() >= atLeast) return visit
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the last presence did not arrive')
}
