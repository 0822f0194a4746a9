import type { BatchItem } from '../../schemas/batch.js'
import { iso, uuid } from './ids.js'
import { debug, safe } from './log.js'
import { read, write } from './storage.js'
import { clean } from './text.js'

/**
 * Delivery: one queue in localStorage shared by the tabs, so nothing is lost when a page
 * closes or the collector is away. Past CAP the oldest entries go (counted in `d` and reported
 * with the next batch). A tab sends the first entry's visit in one batch at a time; network
 * errors, 5xx and 429 are retried with exponential backoff and jitter (Retry-After is a
 * floor), other 4xx are dropped for good. Every log carries an event_id, so a batch sent twice
 * (a retry, a beacon, two tabs that both had something to send) is stored once.
 */
interface Entry {
  id: string
  /** Collector origin and visit id: a batch takes entries of one visit. */
  c: string
  s: string
  b: BatchItem
}

interface Box {
  i: Entry[]
  d: number
}

const KEY = 'vl:q'
const CAP = 500
const BATCH_ITEMS = 50
const BATCH_CHARS = 16000
const DELAY_MS = 300
const BACKOFF_MAX_MS = 60000

let busy = false
let timer = 0
let due = 0
let failures = 0

function load(): Box {
  const box = read<Box>(KEY)
  return box && Array.isArray(box.i) ? box : { i: [], d: 0 }
}

/** Adds an item; `replaces` drops the visit's queued items it supersedes (older presence). */
export function enqueue(
  collector: string, session: string, item: BatchItem, replaces?: (item: BatchItem) => boolean
) {
  const box = load()
  if (replaces) box.i = box.i.filter((entry) => entry.s !== session || !replaces(entry.b))
  box.i.push({ id: uuid(), c: collector, s: session, b: item })

  // Past the cap the oldest entry goes, but never a visit's create: its logs would all be lost.
  for (let over = box.i.length - CAP; over > 0; over--) {
    box.i.splice(box.i.findIndex((entry) => entry.b.type !== 'create'), 1)
    box.d++
  }
  write(KEY, box)
  schedule(DELAY_MS)
}

/**
 * Sends the next batch now: by fetch, or by sendBeacon when the page is going away. A hidden
 * page may never run again, so it does not wait for a request in flight: it beacons.
 */
export function flush(beacon?: boolean) {
  if (busy && document.hidden) beacon = true
  if (busy && !beacon) return

  const box = load()
  const group = nextGroup(box.i)
  if (!group.length) return
  const { c: collector, s: session } = group[0]
  const url = `${collector}/api/session/${session}/batch/`
  // Every string is cleaned: one lone surrogate or NUL would have the whole batch refused.
  const body = JSON.stringify({
    sent_at: iso(Date.now()),
    items: group.map((entry) => entry.b),
    ...(box.d && { dropped: box.d })
  }, (_, value) => (typeof value === 'string' ? clean(value) : value))
  debug('send', group.length, beacon)
  // A beacon's fate is unknown: its entries stay queued and the next page sends them again.
  if (beacon) return void navigator.sendBeacon?.(url, body)

  busy = true
  fetch(url, { method: 'POST', body, keepalive: true })
    .then((response) => answer(response, group, box.d))
    .catch(() => retry())
    .finally(() => (busy = false))
}

/** Entries of the first entry's visit, in order, within the batch limits. */
function nextGroup(entries: Entry[]) {
  const group: Entry[] = []
  let chars = 0
  for (const entry of entries) {
    if (entry.c !== entries[0].c || entry.s !== entries[0].s) continue
    chars += JSON.stringify(entry.b).length
    if (group.length && (group.length === BATCH_ITEMS || chars > BATCH_CHARS)) break
    group.push(entry)
  }
  return group
}

async function answer(response: Response, group: Entry[], reported: number) {
  const status = response.status
  if (status === 429 || status >= 500) return retry(response)

  // 200 answers each item (under 429: done for good); any other status refuses the whole batch.
  const results: { status: number }[] = status === 200 ? (await response.json()).results : []
  const finished = group.filter((_, index) => status !== 200 || results[index]?.status < 429)
  const done = new Set(finished.map((entry) => entry.id))
  const box = load()
  box.i = box.i.filter((entry) => !done.has(entry.id))
  // The collector has logged the dropped count only if it took the batch.
  if (status === 200) box.d = Math.max(0, box.d - reported)
  write(KEY, box)
  debug('answer', status, done.size)

  if (done.size < group.length) return retry()
  failures = 0
  schedule(0)
}

function retry(response?: Response) {
  const floor = Number(response?.headers.get('retry-after')) * 1000 || 0
  const backoff = Math.min(BACKOFF_MAX_MS, 1000 * 2 ** failures++)
  schedule(Math.max(floor, backoff * (0.5 + Math.random() / 2)), true)
}

/** Plans the next flush; while backing off, new entries do not bring it forward. */
function schedule(ms: number, backoff?: boolean) {
  const at = Date.now() + ms
  if (timer && !backoff && (failures || due <= at)) return
  clearTimeout(timer)
  due = at
  timer = setTimeout(safe(() => {
    timer = 0
    flush()
  }), ms) as unknown as number
}

/** The network is back or the page is shown again: try now, forgetting the backoff. */
export function wake() {
  failures = 0
  schedule(0, true)
}
