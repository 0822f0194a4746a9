import { type Kysely, type Selectable, sql } from 'kysely'
import type { FlagName } from '../../schemas/index.js'
import { CollectorError } from '../errors.js'
import type { ClientReportView, Database, VisitReportView } from './types.js'

/** A row with its times as ISO strings, as the API answers and the report command prints. */
export type JsonRow<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K]
}

export type ClientRow = JsonRow<Selectable<ClientReportView>>
export type VisitRow = JsonRow<Selectable<VisitReportView>>

export interface ClientPosition {
  service_id: number
  email: string
}

/** login_time to the microsecond (a JavaScript Date keeps milliseconds) and the visit's id. */
export interface VisitPosition {
  login_time: string
  session_id: string
}

const POSITION = sql<string>`to_char(login_time at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

export interface Page<Row, Position> {
  rows: Row[]
  next?: Position
}

export async function serviceExists(db: Kysely<Database>, serviceId: number) {
  const row = await db.selectFrom('service').select('id').where('id', '=', serviceId).executeTakeFirst()
  return row !== undefined
}

/** The services in which this email has visits, in id order. */
export async function servicesOfClient(db: Kysely<Database>, email: string) {
  const rows = await db.selectFrom('user_session').select('service_id').distinct()
    .where('email', '=', email).orderBy('service_id').execute()
  return rows.map((row) => row.service_id)
}

/** The service asked for, checked to exist; undefined when none was asked for. */
export async function knownService(db: Kysely<Database>, serviceId: number | undefined) {
  const unknown = serviceId !== undefined && !(await serviceExists(db, serviceId))
  if (unknown) throw new CollectorError('SERVICE_NOT_FOUND')
  return serviceId
}

/** The service asked for, or else the one service where this email has visits. */
export async function clientService(db: Kysely<Database>, email: string, serviceId: number | undefined) {
  const asked = await knownService(db, serviceId)
  if (asked !== undefined) return asked

  const services = await servicesOfClient(db, email)
  if (services.length === 0) throw new CollectorError('CLIENT_NOT_FOUND')
  if (services.length > 1) {
    const message = `This client has visits in services ${services.join(', ')}; choose one with service=ID`
    throw new CollectorError('SERVICE_REQUIRED', message)
  }
  return services[0]
}

export async function readClient(db: Kysely<Database>, serviceId: number, email: string) {
  const row = await db.selectFrom('client_report').selectAll()
    .where('service_id', '=', serviceId).where('email', '=', email)
    .executeTakeFirst()
  return row && jsonRow(row)
}

export interface ClientFilter {
  serviceId?: number
  flag?: FlagName
  since?: Date
  limit: number
  after?: ClientPosition
}

/** Clients in service and email order, `limit` at a time; a flag keeps those who ever set it. */
export async function listClients(
  db: Kysely<Database>,
  filter: ClientFilter
): Promise<Page<ClientRow, ClientPosition>> {
  let query = db.selectFrom('client_report').selectAll()
  if (filter.serviceId !== undefined) query = query.where('service_id', '=', filter.serviceId)
  if (filter.flag) query = query.where(filter.flag, '=', true)
  if (filter.since) query = query.where('last_visit', '>=', filter.since)
  const after = filter.after
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('service_id', 'email'), '>', eb.tuple(after.service_id, after.email)))
  }
  const rows = await query.orderBy('service_id').orderBy('email').limit(filter.limit + 1).execute()

  const page = rows.slice(0, filter.limit).map(jsonRow)
  const last = page.at(-1)
  const more = rows.length > filter.limit && last
  return { rows: page, next: more ? { service_id: last.service_id, email: last.email } : undefined }
}

export interface VisitFilter {
  serviceId?: number
  email?: string
  since?: Date
  limit: number
  after?: VisitPosition
}

/** Visits newest first, `limit` at a time. */
export async function listVisits(
  db: Kysely<Database>,
  filter: VisitFilter
): Promise<Page<VisitRow, VisitPosition>> {
  let query = db.selectFrom('visit_report').selectAll()
    .select(POSITION.as('position'))
  if (filter.serviceId !== undefined) query = query.where('service_id', '=', filter.serviceId)
  if (filter.email !== undefined) query = query.where('email', '=', filter.email)
  if (filter.since) query = query.where('login_time', '>=', filter.since)
  const after = filter.after
  if (after) {
    const position = sql`(${after.login_time}::timestamptz, ${after.session_id}::uuid)`
    query = query.where(sql<boolean>`(login_time, session_id) < ${position}`)
  }
  const rows = await query.orderBy('login_time', 'desc').orderBy('session_id', 'desc')
    .limit(filter.limit + 1).execute()

  const page = rows.slice(0, filter.limit)
  const last = page.at(-1)
  const more = rows.length > filter.limit && last
  return {
    rows: page.map(({ position: _position, ...row }) => jsonRow(row)),
    next: more ? { login_time: last.position, session_id: last.session_id } : undefined
  }
}

function jsonRow<T extends object>(row: T): JsonRow<T> {
  const entries = Object.entries(row)
    .map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])
  return Object.fromEntries(entries) as JsonRow<T>
}
