import { type Kysely, sql } from 'kysely'
import { FLAG_NAMES } from '../../schemas/index.js'
import { type ParsedUserAgent, parseUserAgent } from '../user-agent.js'
import { preparedAs } from './prepared-statements.js'
import { isolate, leadersAndRepeats, type Outcome, outcomeOf } from './group-outcomes.js'
import type { SessionCache } from './session-cache.js'
import type { NewVisit, VisitFacts } from './session-queries.js'
import type { Database } from './types.js'
import { type UnnestColumn, unnest } from './unnest.js'

export interface VisitUpdate {
  /** Lower-cased, so it matches the text PostgreSQL answers for a uuid. */
  sessionId: string
  facts: VisitFacts
  earliestSkewMs: number
}

export type UpdateOne = (db: Kysely<Database>, update: VisitUpdate) => Promise<void>
export type CreateOne = (db: Kysely<Database>, visit: NewVisit) => Promise<{ created: boolean }>

const UA_FIELDS = ['browser', 'browser_version', 'os', 'os_version', 'device_type', 'device_vendor', 'device_model'] as const

type Parsed<T> = T & { parsed: ParsedUserAgent | undefined }

function userAgentColumns<T>(userAgentOf: (item: T) => string | undefined): UnnestColumn<Parsed<T>>[] {
  return [
    { name: 'user_agent', type: 'text', value: (item) => userAgentOf(item) ?? null },
    ...UA_FIELDS.map((field) => ({ name: field, type: 'text', value: (item: Parsed<T>) => item.parsed?.[field] ?? null }))
  ]
}

const UPDATE_COLUMNS: UnnestColumn<Parsed<VisitUpdate>>[] = [
  { name: 'session_id', type: 'uuid', value: (item) => item.sessionId },
  ...FLAG_NAMES.map((flag) => ({ name: flag, type: 'boolean', value: (item: VisitUpdate) => item.facts.flags.includes(flag) })),
  ...userAgentColumns<VisitUpdate>((item) => item.facts.user_agent),
  { name: 'logout_time', type: 'timestamptz', value: (item) => item.facts.logout_time ?? null },
  { name: 'active_seconds', type: 'integer', value: (item) => item.facts.active_seconds ?? null },
  {
    name: 'skew_seconds',
    type: 'double precision',
    value: (item) => (Number.isFinite(item.earliestSkewMs) ? item.earliestSkewMs / 1000 : null)
  }
]

/**
 * Applies a group of visit updates with one UPDATE, with the same rules as the one-row path:
 * flags only turn true, logout_time and active_seconds keep the greatest value, a logout before
 * the start (minus the skew) changes nothing. An update the statement did not apply, and a second
 * update of the same visit, go through the one-row path, which also names the error.
 */
export async function writeVisitUpdates(
  db: Kysely<Database>, sessions: SessionCache, items: VisitUpdate[], updateOne: UpdateOne
): Promise<Outcome<null>[]> {
  const one = (item: VisitUpdate) => outcomeOf(() => updateOne(db, item).then(() => null))
  // Locking visits in one order keeps two concurrent groups from deadlocking each other.
  const { leaders, repeats } = leadersAndRepeats([...items].sort(bySessionId), (item) => item.sessionId)
  const outcomes = new Map<VisitUpdate, Outcome<null>>()

  try {
    const updated = await updateGroup(db, leaders)
    for (const item of leaders) {
      if (updated.has(item.sessionId)) sessions.remember(item.sessionId)
      outcomes.set(item, updated.has(item.sessionId) ? null : await one(item))
    }
  } catch (error) {
    const isolated = await isolate(error, leaders, one)
    leaders.forEach((item, index) => outcomes.set(item, isolated[index]))
  }
  for (const item of repeats) outcomes.set(item, await one(item))
  return items.map((item) => outcomes.get(item)!)
}

async function updateGroup(db: Kysely<Database>, items: VisitUpdate[]) {
  const parsed = items.map((item) => ({ ...item, parsed: parsedOrUndefined(item.facts.user_agent) }))
  const flags = FLAG_NAMES.map((flag) => sql`${sql.id(flag)} = ${sql.ref(`s.${flag}`)} or ${sql.ref(`given.${flag}`)}`)
  const userAgent = ['user_agent', ...UA_FIELDS].map((field) =>
    sql`${sql.id(field)} = case when given.user_agent is null then ${sql.ref(`s.${field}`)} else ${sql.ref(`given.${field}`)} end`)

  const { rows } = await sql<{ session_id: string }>`${preparedAs('update_visits')}
    update user_session as s set
      ${sql.join(flags)},
      password_changed_at = case when given.is_change_password then coalesce(s.password_changed_at, now())
        else s.password_changed_at end,
      ${sql.join(userAgent)},
      logout_time = greatest(s.logout_time, given.logout_time),
      active_seconds = greatest(s.active_seconds, given.active_seconds)
    from ${unnest('given', UPDATE_COLUMNS, parsed)}
    where s.session_id = given.session_id
      and (given.logout_time is null or given.skew_seconds is null
        or s.login_time - make_interval(secs => given.skew_seconds) <= given.logout_time)
    returning s.session_id::text`.execute(db)
  return new Set(rows.map((row) => row.session_id))
}

const CREATE_COLUMNS: UnnestColumn<Parsed<NewVisit>>[] = [
  { name: 'session_id', type: 'uuid', value: (visit) => visit.session_id },
  { name: 'service_id', type: 'integer', value: (visit) => visit.service_id },
  { name: 'email', type: 'text', value: (visit) => visit.email },
  { name: 'ip_address', type: 'inet', value: (visit) => visit.ip_address },
  ...userAgentColumns<NewVisit>((visit) => visit.user_agent),
  { name: 'logout_time', type: 'timestamptz', value: (visit) => visit.logout_time ?? null },
  { name: 'active_seconds', type: 'integer', value: (visit) => visit.active_seconds ?? 0 },
  ...FLAG_NAMES.map((flag) => ({ name: flag, type: 'boolean', value: (visit: NewVisit) => visit.flags.includes(flag) }))
]

/**
 * Creates a group of visits with one INSERT. A visit whose id exists already (a retried create,
 * or a conflict) or whose service is unknown is not inserted and goes through the one-row path,
 * which recognises the retry or names the error.
 */
export async function writeVisitCreates(
  db: Kysely<Database>, sessions: SessionCache, visits: NewVisit[], createOne: CreateOne
): Promise<Outcome<{ created: boolean }>[]> {
  const one = (visit: NewVisit) => outcomeOf(() => createOne(db, visit))
  const { leaders, repeats } = leadersAndRepeats(visits, (visit) => visit.session_id)
  const outcomes = new Map<NewVisit, Outcome<{ created: boolean }>>()

  try {
    const inserted = await insertGroup(db, leaders)
    for (const visit of leaders) {
      if (inserted.has(visit.session_id)) sessions.remember(visit.session_id)
      outcomes.set(visit, inserted.has(visit.session_id) ? { created: true } : await one(visit))
    }
  } catch (error) {
    const isolated = await isolate(error, leaders, one)
    leaders.forEach((visit, index) => outcomes.set(visit, isolated[index]))
  }
  for (const visit of repeats) outcomes.set(visit, await one(visit))
  return visits.map((visit) => outcomes.get(visit)!)
}

async function insertGroup(db: Kysely<Database>, visits: NewVisit[]) {
  const parsed = visits.map((visit) => ({ ...visit, parsed: parseUserAgent(visit.user_agent) }))
  const names = CREATE_COLUMNS.map((column) => sql.id(column.name))

  const { rows } = await sql<{ session_id: string }>`${preparedAs('insert_visits')}
    insert into user_session (${sql.join(names)}, password_changed_at)
    select ${sql.join(names)}, case when is_change_password then now() end
    from ${unnest('given', CREATE_COLUMNS, parsed)}
    where exists (select 1 from service where service.id = given.service_id)
    on conflict (session_id) do nothing
    returning session_id::text`.execute(db)
  return new Set(rows.map((row) => row.session_id))
}

function parsedOrUndefined(userAgent: string | undefined) {
  return userAgent === undefined ? undefined : parseUserAgent(userAgent)
}

function bySessionId(a: VisitUpdate, b: VisitUpdate) {
  return a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0
}
