import type { Kysely } from 'kysely'
import { FLAG_NAMES } from '../../schemas/index.js'
import { type ParsedUserAgent, parseUserAgent } from '../user-agent.js'
import { finishByKey, leadersAndRepeats, outcomeOf, type StatementResult } from './group-outcomes.js'
import type { NewVisit, VisitFacts } from './session-queries.js'
import type { Database } from './types.js'
import { type StatementPart, type UnnestColumn, unnestText, unnestValues } from './unnest.js'
import type { WriteKind } from './write-groups.js'

export interface VisitUpdate {
  /** Lower-cased, so it matches the text PostgreSQL answers for a uuid. */
  sessionId: string
  facts: VisitFacts
  earliestSkewMs: number
}

export type UpdateOne = (db: Kysely<Database>, update: VisitUpdate) => Promise<void>
export type CreateOne = (db: Kysely<Database>, visit: NewVisit) => Promise<{ created: boolean }>

const UA_FIELDS = [
  'browser', 'browser_version', 'os', 'os_version', 'device_type', 'device_vendor', 'device_model'
] as const

type Parsed<T> = T & { parsed: ParsedUserAgent | undefined }

function userAgentColumns<T>(userAgentOf: (item: T) => string | undefined): UnnestColumn<Parsed<T>>[] {
  return [
    { name: 'user_agent', type: 'text', value: (item) => userAgentOf(item) ?? null },
    ...UA_FIELDS.map((field) => ({
      name: field, type: 'text', value: (item: Parsed<T>) => item.parsed?.[field] ?? null
    }))
  ]
}

const UPDATE_COLUMNS: UnnestColumn<Parsed<VisitUpdate>>[] = [
  { name: 'session_id', type: 'uuid', value: (item) => item.sessionId },
  ...FLAG_NAMES.map((flag) => ({
    name: flag, type: 'boolean', value: (item: VisitUpdate) => item.facts.flags.includes(flag)
  })),
  ...userAgentColumns<VisitUpdate>((item) => item.facts.user_agent),
  { name: 'logout_time', type: 'timestamptz', value: (item) => item.facts.logout_time ?? null },
  { name: 'active_seconds', type: 'integer', value: (item) => item.facts.active_seconds ?? null },
  { name: 'at', type: 'timestamptz', value: (item) => item.facts.at ?? null },
  {
    name: 'skew_seconds',
    type: 'double precision',
    value: (item) => (Number.isFinite(item.earliestSkewMs) ? item.earliestSkewMs / 1000 : null)
  }
]

/**
 * Visit updates as part of a group statement: one UPDATE, with the same rules as the one-row
 * path: flags only turn true, logout_time and active_seconds keep the greatest value, a logout
 * before the start (minus the skew) changes nothing. An update the statement did not apply, and
 * a second update of the same visit, go through the one-row path, which also names the error.
 */
export function updateKind(updateOne: UpdateOne): WriteKind<VisitUpdate, null> {
  return {
    name: 'visit_update',
    plan: (db, sessions, items) => {
      const one = (item: VisitUpdate) => outcomeOf(() => updateOne(db, item).then(() => null))
      // Locking visits in one order keeps two concurrent groups from deadlocking each other.
      const { leaders, repeats } = leadersAndRepeats([...items].sort(bySessionId), (item) => item.sessionId)
      const applied = (item: VisitUpdate) => {
        sessions.remember(item.sessionId)
        return null
      }
      const keyOf = (item: VisitUpdate) => item.sessionId
      const finish = (result: StatementResult) =>
        finishByKey(result, { items, leaders, repeats, keyOf, applied, one })
      return { statement: leaders.length > 0 ? updateStatement(leaders) : undefined, finish }
    }
  }
}

const UPDATE_TEXT = (() => {
  const flags = FLAG_NAMES.map((flag) => `${flag} = s.${flag} or given.${flag}`)
  const userAgent = ['user_agent', ...UA_FIELDS].map((field) =>
    `${field} = case when given.user_agent is null then s.${field} else given.${field} end`)
  return (first: number) => `
    update user_session as s set
      ${flags.join(',\n      ')},
      password_changed_at = case when given.is_change_password
        then coalesce(s.password_changed_at, given.at, now()) else s.password_changed_at end,
      ${userAgent.join(',\n      ')},
      logout_time = greatest(s.logout_time, given.logout_time),
      active_seconds = greatest(s.active_seconds, given.active_seconds)
    from ${unnestText('given', UPDATE_COLUMNS, first)}
    where s.session_id = given.session_id
      and (given.logout_time is null or given.skew_seconds is null
        or s.login_time - make_interval(secs => given.skew_seconds) <= given.logout_time)
    returning s.session_id::text as key`
})()

function updateStatement(items: VisitUpdate[]): StatementPart {
  const parsed = items.map((item) => ({ ...item, parsed: parsedOrUndefined(item.facts.user_agent) }))
  return { text: UPDATE_TEXT, values: unnestValues(UPDATE_COLUMNS, parsed) }
}

const CREATE_COLUMNS: UnnestColumn<Parsed<NewVisit>>[] = [
  { name: 'session_id', type: 'uuid', value: (visit) => visit.session_id },
  { name: 'service_id', type: 'integer', value: (visit) => visit.service_id },
  { name: 'email', type: 'text', value: (visit) => visit.email },
  { name: 'ip_address', type: 'inet', value: (visit) => visit.ip_address },
  ...userAgentColumns<NewVisit>((visit) => visit.user_agent),
  { name: 'logout_time', type: 'timestamptz', value: (visit) => visit.logout_time ?? null },
  { name: 'active_seconds', type: 'integer', value: (visit) => visit.active_seconds ?? 0 },
  { name: 'login_time', type: 'timestamptz', value: (visit) => visit.login_time ?? null },
  { name: 'at', type: 'timestamptz', value: (visit) => visit.at ?? null },
  ...FLAG_NAMES.map((flag) => ({
    name: flag, type: 'boolean', value: (visit: NewVisit) => visit.flags.includes(flag)
  }))
]

/**
 * Visit creates as part of a group statement: one INSERT. A visit whose id exists already (a
 * retried create, or a conflict) or whose service is unknown is not inserted and goes through
 * the one-row path, which recognises the retry or names the error.
 */
export function createKind(createOne: CreateOne): WriteKind<NewVisit, { created: boolean }> {
  return {
    name: 'visit_create',
    plan: (db, sessions, visits) => {
      const one = (visit: NewVisit) => outcomeOf(() => createOne(db, visit))
      const { leaders, repeats } = leadersAndRepeats(visits, (visit) => visit.session_id)
      const applied = (visit: NewVisit) => {
        sessions.remember(visit.session_id)
        return { created: true }
      }
      const keyOf = (visit: NewVisit) => visit.session_id
      const finish = (result: StatementResult) =>
        finishByKey(result, { items: visits, leaders, repeats, keyOf, applied, one })
      return { statement: leaders.length > 0 ? insertStatement(leaders) : undefined, finish }
    }
  }
}

const INSERT_TEXT = (() => {
  const computed = new Set(['login_time', 'at'])
  const names = CREATE_COLUMNS.filter((column) => !computed.has(column.name)).map((column) => column.name)
  return (first: number) => `
    insert into user_session (${names.join(', ')}, login_time, password_changed_at)
    select ${names.join(', ')}, coalesce(login_time, now()),
      case when is_change_password then coalesce(at, now()) end
    from ${unnestText('given', CREATE_COLUMNS, first)}
    where exists (select 1 from service where service.id = given.service_id)
    on conflict (session_id) do nothing
    returning session_id::text as key`
})()

function insertStatement(visits: NewVisit[]): StatementPart {
  const parsed = visits.map((visit) => ({ ...visit, parsed: parseUserAgent(visit.user_agent) }))
  return { text: INSERT_TEXT, values: unnestValues(CREATE_COLUMNS, parsed) }
}

function parsedOrUndefined(userAgent: string | undefined) {
  return userAgent === undefined ? undefined : parseUserAgent(userAgent)
}

function bySessionId(a: VisitUpdate, b: VisitUpdate) {
  return a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0
}
