import { randomUUID } from 'node:crypto'
import autocannon from 'autocannon'
import { FLAG_NAMES, type FlagName } from '../../schemas/index.js'

/** Shares of each request kind in the mix, summing to 1. */
export const MIX = { url: 0.45, button: 0.35, flag: 0.12, create: 0.08 } as const

const USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/126.0.0.0 Safari/537.36'
const BUTTONS = ['Deposit', 'Sign in', 'Open platform', 'Write to support', 'Change password']

/** What the server accepted with a 2xx, so the rows can be counted afterwards. */
export class Accepted {
  readonly urlEvents: string[] = []
  readonly buttonEvents: string[] = []
  readonly createdSessions: string[] = []
  readonly flags: Array<[string, FlagName]> = []
}

/** One action sent, as it is checked against the rows afterwards. */
type Action =
  | { kind: 'url' | 'button', eventId: string }
  | { kind: 'create', sessionId: string }
  | { kind: 'flag', sessionId: string, flag: FlagName }

interface Sent {
  actions: Action[]
  /** A batch answers 200 with one status per action; a single request answers one status. */
  batch: boolean
}

export interface LoadOptions {
  url: string
  connections: number
  seconds: number
  sessions: string[]
  serviceId: number
  accepted: Accepted
  /** Actions per request to POST /api/session/:id/batch/; 0 sends single requests. */
  batchSize?: number
  /** The Origin header browsers send with these cross-site writes; empty sends none. */
  origin?: string
}

export interface LoadResult {
  requestsPerSecond: number
  /** Actions per second: requests per second times the actions each carries. */
  actionsPerSecond: number
  p50Ms: number
  p99Ms: number
  total: number
  non2xx: number
  errors: number
  statusCounts: Record<string, number>
  /** CPU microseconds per action, when the bench counted them. */
  cpuPerAction?: { server: number, database: number, driver: number }
}

export async function drive(options: LoadOptions): Promise<LoadResult> {
  let counter = 0
  const setupRequest = (request: Record<string, unknown>, context: { sent?: Sent }) => {
    const { sent, ...shape } = options.batchSize
      ? nextBatch(options, counter++)
      : nextRequest(options, counter++)
    context.sent = sent
    return { ...request, ...shape }
  }
  const onResponse = (status: number, body: string, context: { sent?: Sent }) => {
    if (status < 200 || status >= 300 || !context.sent) return
    const { actions, batch } = context.sent
    const statuses: number[] = batch
      ? JSON.parse(body).results.map((result: { status: number }) => result.status)
      : [status]
    actions.forEach((action, index) => { if (statuses[index] < 300) record(options.accepted, action) })
  }

  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    headers: {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...(options.origin ? { origin: options.origin } : {})
    },
    requests: [{ setupRequest, onResponse }]
  } as autocannon.Options)

  const statusCounts = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, Number(stat.count)])
  )
  return {
    requestsPerSecond: result.requests.average,
    actionsPerSecond: result.requests.average * (options.batchSize || 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCounts
  }
}

function nextRequest(options: LoadOptions, n: number) {
  const pick = Math.random()
  const sessionId = pickSession(options)
  const request = (method: string, path: string, body: object, action: Action) =>
    ({ method, path, body: JSON.stringify(body), sent: { actions: [action], batch: false } })

  if (pick < MIX.url) {
    const eventId = randomUUID()
    return request('POST', `/api/session/${sessionId}/url/`, urlBody(n, eventId), { kind: 'url', eventId })
  }
  if (pick < MIX.url + MIX.button) {
    const eventId = randomUUID()
    return request('POST', `/api/session/${sessionId}/button/`, buttonBody(n, eventId),
      { kind: 'button', eventId })
  }
  if (pick < MIX.url + MIX.button + MIX.flag) {
    const flag = FLAG_NAMES[n % FLAG_NAMES.length]
    return request('PUT', `/api/session/${sessionId}/`, { [flag]: true }, { kind: 'flag', sessionId, flag })
  }
  const created = randomUUID()
  const body = { email: `client${n}@example.com`, service: options.serviceId, session_id: created }
  return request('POST', '/api/session/', body, { kind: 'create', sessionId: created })
}

/**
 * A batch of one visit, as the runtime sends it: a new visit (the create's share of the mix)
 * starts with its create; the rest follow the single requests' mix.
 */
function nextBatch(options: LoadOptions, n: number) {
  const at = new Date().toISOString()
  const creates = Math.random() < MIX.create
  const sessionId = creates ? randomUUID() : pickSession(options)
  const items: object[] = []
  const actions: Action[] = []
  if (creates) {
    items.push({ type: 'create', at, service: options.serviceId, email: `client${n}@example.com` })
    actions.push({ kind: 'create', sessionId })
  }

  while (items.length < options.batchSize!) {
    const pick = Math.random() * (1 - MIX.create)
    const eventId = randomUUID()
    if (pick < MIX.url) {
      items.push({ type: 'url', at, ...urlBody(n + items.length, eventId) })
      actions.push({ kind: 'url', eventId })
    } else if (pick < MIX.url + MIX.button) {
      items.push({ type: 'button', at, ...buttonBody(n + items.length, eventId) })
      actions.push({ kind: 'button', eventId })
    } else {
      const flag = FLAG_NAMES[(n + items.length) % FLAG_NAMES.length]
      items.push({ type: 'update', at, [flag]: true })
      actions.push({ kind: 'flag', sessionId, flag })
    }
  }
  const body = JSON.stringify({ sent_at: at, items })
  return { method: 'POST', path: `/api/session/${sessionId}/batch/`, body, sent: { actions, batch: true } }
}

const pickSession = (options: LoadOptions) =>
  options.sessions[Math.floor(Math.random() * options.sessions.length)]

const urlBody = (n: number, eventId: string) => ({
  url: `https://example.com/catalog/item-${n % 997}`,
  is_external_resource: n % 10 === 0,
  event_id: eventId
})

const buttonBody = (n: number, eventId: string) =>
  ({ button_text: BUTTONS[n % BUTTONS.length], url: 'https://example.com/cabinet', event_id: eventId })

function record(accepted: Accepted, action: Action) {
  if (action.kind === 'create') accepted.createdSessions.push(action.sessionId)
  else if (action.kind === 'flag') accepted.flags.push([action.sessionId, action.flag])
  else if (action.kind === 'url') accepted.urlEvents.push(action.eventId)
  else accepted.buttonEvents.push(action.eventId)
}
