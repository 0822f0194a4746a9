import { context, liveVisit, reportPresence, saveVisit } from './visit.js'

/**
 * Time spent. Active time counts while the page is visible and focused; a heartbeat every 15 s
 * adds it up and moves the last sign of presence (logout_time), sending only when either
 * changed. Hiding or leaving the page is itself a sign of presence.
 */
export const HEARTBEAT_MS = 15000

let since = 0

export const shown = () => document.visibilityState === 'visible'
const active = () => shown() && document.hasFocus()

/** Adds the active stretch that ends now to the visit; starts the next one if still active. */
export function settle(now = Date.now()) {
  const visit = context.email ? liveVisit(now) : undefined
  if (visit && since) {
    visit.a += now - since
    visit.t = now
    saveVisit(visit)
  }
  since = active() ? now : 0
  return visit
}

export function heartbeat() {
  const visit = shown() && settle()
  if (visit) reportPresence(visit)
}

/** The page is hidden or going away: that moment is the visit's last sign of presence. */
export function leave() {
  const visit = settle()
  if (!visit) return
  visit.t = Date.now()
  saveVisit(visit)
  reportPresence(visit)
}
