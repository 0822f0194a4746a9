import type { RuntimeCommand } from '../../schemas/command.js'
import { iso, uuid } from './ids.js'
import { debug, setDebug } from './log.js'
import { settle } from './presence.js'
import { httpUrl, linkLog, pageKey, urlLog, withoutFragment } from './rules.js'
import { read, write } from './storage.js'
import { cut } from './text.js'
import { context, liveVisit, reportPresence, saveVisit, send, type Visit, visitAt } from './visit.js'

type Fields<K> = Omit<Extract<RuntimeCommand, { command: K }>, 'command'>

/** A command as a page may hand it: fields it leaves out come from earlier commands. */
export type Command = Partial<Fields<'page'> & Fields<'link'> & Fields<'button'> & Fields<'flag'>> & {
  command?: string
}

const KINDS = ['page', 'link', 'button', 'flag', 'end']
const HOLD_MAX = 30
const held: [Command, number, boolean | undefined][] = []
let lastPage: Command | undefined
/** Arriving by back or forward is coming back to a page: it is logged again, a reload is not. */
const arrival = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined
let cameBack = arrival?.type === 'back_forward'

/** Takes the settings a command carries: service, email, collector, inactivity, debug. */
export function adopt(command: Command) {
  if (command.service) context.service = command.service
  if (command.collector) context.collector = command.collector.replace(/\/+$/, '')
  if (command.inactivity_minutes) context.idleMs = command.inactivity_minutes * 60000
  if (command.debug) setDebug(true)
  const email = typeof command.email === 'string' ? command.email.trim().toLowerCase() : ''
  if (email.includes('@')) context.email = email
}

/**
 * Runs a command. Until the email is known, commands wait (at most HOLD_MAX, for this page
 * only) and run in order, at their own time, once it is. `force` logs a page even when the
 * page rule says it was logged already (a page restored from the back/forward cache).
 */
export function run(command: Command, force?: boolean) {
  if (!command || !KINDS.includes(command.command!)) return debug('ignored', command)
  adopt(command)
  const at = Date.now()
  if (command.command === 'page') lastPage = command
  if (!context.service || !context.collector) return debug('no service')
  if (!context.email) {
    if (held.length < HOLD_MAX) held.push([command, at, force])
    return debug('held')
  }

  for (const [waiting, time, forced] of held.splice(0)) apply(waiting, time, forced)
  apply(command, at, force)
}

/** After the page was hidden or restored: a visit that ran out starts again with this page. */
export function resume(restored: boolean) {
  if (lastPage && (restored || !liveVisit(Date.now()))) run({ ...lastPage, url: location.href }, restored)
  settle()
}

function apply(command: Command, at: number, force?: boolean) {
  if (command.command === 'end') return end(at)
  const visit = visitAt(at)
  visit.t = Math.max(visit.t, at)
  saveVisit(visit)
  const time = iso(at)

  if (command.command === 'page') logPage(visit, time, command.url, force)
  if (command.command === 'link') {
    const log = linkLog(command.url ?? '', location.href)
    if (log) send(visit, { ...log, at: time, event_id: uuid() })
  }
  if (command.command === 'button') {
    const text = cut((command.text ?? '').replace(/\s+/g, ' ').trim(), 1000)
    const page = httpUrl(command.url || location.href)
    if (text) send(visit, { type: 'button', at: time, button_text: text, url: page?.href, event_id: uuid() })
  }
  // The flag's name is checked by the collector; an unknown one is refused there, alone.
  const flag = command.flag
  if (command.command === 'flag' && flag) send(visit, { type: 'update', at: time, [flag]: true })
}

/** The page rule (see rules.ts), remembered per tab and visit. */
function logPage(visit: Visit, time: string, href: string | undefined, force?: boolean) {
  const page = httpUrl(href || location.href)
  if (!page) return
  const last = read<{ v: string, k: string }>('vl:p', true)
  const again = force || cameBack
  cameBack = false
  if (!again && last?.v === visit.id && last.k === pageKey(page)) return

  write('vl:p', { v: visit.id, k: pageKey(page) }, true)
  send(visit, { ...urlLog(withoutFragment(page), page, location), at: time, event_id: uuid() })
}

function end(at: number) {
  const visit = settle(at)
  if (visit) reportPresence({ ...visit, t: at })
  saveVisit(undefined)
  context.email = undefined
}
