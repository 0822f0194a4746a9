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

type Sent =
  | { kind: 'url' | 'button', eventId: string }
  | { kind: 'create', sessionId: string }
  | { kind: 'flag', sessionId: string, flag: FlagName }

export interface LoadOptions {
  url: string
  connections: number
  seconds: number
  sessions: string[]
  serviceId: number
  accepted: Accepted
}

export interface LoadResult {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  total: number
  non2xx: number
  errors: number
  statusCounts: Record<string, number>
}

export async function drive(options: LoadOptions): Promise<LoadResult> {
  let counter = 0
  const setupRequest = (request: Record<string, unknown>, context: { sent?: Sent }) => {
    const { sent, ...shape } = nextRequest(options, counter++)
    context.sent = sent
    return { ...request, ...shape }
  }
  const onResponse = (status: number, _body: string, context: { sent?: Sent }) => {
    if (status >= 200 && status < 300 && context.sent) record(options.accepted, context.sent)
  }

  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT },
    requests: [{ setupRequest, onResponse }]
  } as autocannon.Options)

  const statusCounts = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, Number(stat.count)])
  )
  return {
    requestsPerSecond: result.requests.average,
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
  const sessionId = options.sessions[Math.floor(Math.random() * options.sessions.length)]

  if (pick < MIX.url) {
    const eventId = randomUUID()
    const body = { url: `https://example.com/catalog/item-${n % 997}`, is_external_resource: n % 10 === 0, event_id: eventId }
    return request('POST', `/api/session/${sessionId}/url/`, body, { kind: 'url', eventId })
  }
  if (pick < MIX.url + MIX.button) {
    const eventId = randomUUID()
    const body = { button_text: BUTTONS[n % BUTTONS.length], url: 'https://example.com/cabinet', event_id: eventId }
    return request('POST', `/api/session/${sessionId}/button/`, body, { kind: 'button', eventId })
  }
  if (pick < MIX.url + MIX.button + MIX.flag) {
    const flag = FLAG_NAMES[n % FLAG_NAMES.length]
    return request('PUT', `/api/session/${sessionId}/`, { [flag]: true }, { kind: 'flag', sessionId, flag })
  }
  const created = randomUUID()
  const body = { email: `client${n}@example.com`, service: options.serviceId, session_id: created }
  return request('POST', '/api/session/', body, { kind: 'create', sessionId: created })
}

function request(method: string, path: string, body: object, sent: Sent) {
  return { method, path, body: JSON.stringify(body), sent }
}

function record(accepted: Accepted, sent: Sent) {
  if (sent.kind === 'create') accepted.createdSessions.push(sent.sessionId)
  else if (sent.kind === 'flag') accepted.flags.push([sent.sessionId, sent.flag])
  else if (sent.kind === 'url') accepted.urlEvents.push(sent.eventId)
  else accepted.buttonEvents.push(sent.eventId)
}
