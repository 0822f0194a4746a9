import type { ClientRow, VisitRow } from '../../collector/db/report-queries.js'
import {
  clientService, knownService, listClients, listVisits, readClient
} from '../../collector/db/report-queries.js'
import { type DatabaseHandle, openDatabase } from '../../collector/db/database.js'
import { CollectorError } from '../../collector/errors.js'
import { normalizeEmail } from '../../collector/validate.js'
import type { ReportArgs } from './args.js'

/** Where the report reads from: PostgreSQL directly, or the collector's admin API. */
export interface ReportSource {
  clients(args: ReportArgs): Promise<ClientRow[]>
  visits(args: ReportArgs): Promise<VisitRow[]>
  client(args: ReportArgs): Promise<{ client: ClientRow, visits: VisitRow[] }>
  close(): Promise<void>
}

/** A failure the command explains in one line: a catalogue code, or one of the command's own. */
export class ReportError extends Error {
  constructor(readonly code: string, message: string) {
    super(message)
  }
}

const PAGE = 500

export function databaseSource(databaseUrl: string): ReportSource {
  let handle: DatabaseHandle | undefined
  const db = async () => {
    handle ??= await openDatabase({ databaseUrl, poolSize: 2 })
    return handle.db
  }
  return {
    async clients(args) {
      const rows: ClientRow[] = []
      const serviceId = await knownService(await db(), args.service)
      let after
      do {
        const limit = Math.min(PAGE, remaining(args.limit, rows.length))
        const filter = { serviceId, flag: args.flag, since: args.since, limit, after }
        const page = await listClients(await db(), filter)
        rows.push(...page.rows)
        after = page.next
      } while (after && remaining(args.limit, rows.length) > 0)
      return rows
    },
    async visits(args) {
      const rows: VisitRow[] = []
      const serviceId = await knownService(await db(), args.service)
      let after
      do {
        const limit = Math.min(PAGE, remaining(args.limit, rows.length))
        const page = await listVisits(await db(), { serviceId, since: args.since, limit, after })
        rows.push(...page.rows)
        after = page.next
      } while (after && remaining(args.limit, rows.length) > 0)
      return rows
    },
    async client(args) {
      const email = normalizeEmail(args.email!)
      const serviceId = await clientService(await db(), email, args.service)
      const client = await readClient(await db(), serviceId, email)
      if (!client) throw new CollectorError('CLIENT_NOT_FOUND')
      const filter = { serviceId, email, since: args.since, limit: args.limit ?? 20 }
      const visits = await listVisits(await db(), filter)
      return { client, visits: visits.rows }
    },
    async close() {
      await handle?.close()
    }
  }
}

function remaining(limit: number | undefined, count: number) {
  return limit === undefined ? PAGE : limit - count
}

/** Asks the running collector; pages through the lists with their cursors. */
export function apiSource(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): ReportSource {
  const get = async (path: string, query: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams()
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) search.set(name, String(value))
    }
    const url = `${baseUrl}${path}${search.size > 0 ? `?${search}` : ''}`
    const response = await fetchImpl(url, { headers: { authorization: `Bearer ${token}` } })
      .catch((error: unknown) => { throw unreachable(baseUrl, error) })
    const body = await response.json().catch(() => undefined)
    if (response.ok && body) return body
    const error = body?.error
    const message = error?.message ?? `the collector answered ${response.status}`
    throw new ReportError(error?.code ?? 'HTTP_ERROR', message)
  }

  type Query = Record<string, string | undefined>
  const pages = async <Row>(path: string, key: string, args: ReportArgs, query: Query) => {
    const rows: Row[] = []
    let cursor: string | undefined
    do {
      const limit = Math.min(PAGE, remaining(args.limit, rows.length))
      const since = args.since?.toISOString()
      const body = await get(path, { ...query, service: args.service, since, limit, cursor })
      rows.push(...body[key])
      cursor = body.next_cursor ?? undefined
    } while (cursor && remaining(args.limit, rows.length) > 0)
    return rows
  }

  return {
    clients: (args) => pages<ClientRow>('/api/client/', 'clients', args, { flag: args.flag }),
    visits: (args) => pages<VisitRow>('/api/session/', 'visits', args, {}),
    client: (args) => get(`/api/client/${encodeURIComponent(args.email!)}/`, {
      service: args.service, since: args.since?.toISOString(), limit: args.limit
    }),
    close: async () => {}
  }
}

function unreachable(baseUrl: string, error: unknown) {
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message
  return new ReportError('COLLECTOR_UNREACHABLE', `cannot reach the collector at ${baseUrl} (${cause})`)
}
