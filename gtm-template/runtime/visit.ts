import type { BatchItem } from '../../schemas/batch.js'
import { iso, uuid } from './ids.js'
import { enqueue } from './outbox.js'
import { read, write } from './storage.js'

/**
 * The visit: one per service and client, kept in localStorage so every tab and page of the
 * site continues it. It ends after `idleMs` without a sign of presence, when the email changes,
 * or on an `end` command; the next action then starts a new one.
 */
export interface Visit {
  /** Email, visit id, last sign of presence (ms), active time so far (ms). */
  e: string
  id: string
  t: number
  a: number
}

export const context: { service?: number, email?: string, collector?: string, idleMs: number } = {
  idleMs: 30 * 60000
}

const key = () => `vl:v:${context.service}`

export const saveVisit = (visit: Visit | undefined) => write(key(), visit)

/** The visit of the current service and email, if it is still going at `at`. */
export function liveVisit(at: number) {
  const visit = read<Visit>(key())
  return visit && visit.e === context.email && at - visit.t <= context.idleMs ? visit : undefined
}

/** The live visit, or a new one whose create is queued first. */
export function visitAt(at: number): Visit {
  const live = liveVisit(at)
  if (live) return live

  // A visit of another email that is still going ends at its last sign of presence.
  const other = read<Visit>(key())
  if (other && at - other.t <= context.idleMs) reportPresence(other)

  const visit = { e: context.email!, id: uuid(), t: at, a: 0 }
  saveVisit(visit)
  send(visit, { type: 'create', at: iso(at), service: context.service!, email: visit.e })
  return visit
}

export const send = (visit: Visit, item: BatchItem, replaces?: (item: BatchItem) => boolean) =>
  enqueue(context.collector!, visit.id, item, replaces)

/** An update that carries nothing but presence, which a newer one makes obsolete. */
const isPresence = (item: BatchItem) =>
  item.type === 'update' && !Object.keys(item).some((key) => /^is_/.test(key))

let reported = ''

/** Queues the visit's last presence as logout_time with its active seconds, once per change. */
export function reportPresence(visit: Visit) {
  const seconds = Math.floor(visit.a / 1000)
  const mark = visit.id + visit.t + seconds
  if (mark === reported) return
  reported = mark
  const time = iso(visit.t)
  send(visit, { type: 'update', at: time, logout_time: time, active_seconds: seconds }, isPresence)
}
