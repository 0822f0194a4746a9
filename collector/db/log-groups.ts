import { type Kysely, sql } from 'kysely'
import { CollectorError } from '../errors.js'
import { preparedAs } from './prepared-statements.js'
import { isolate, leadersAndRepeats, type Outcome, outcomeOf } from './group-outcomes.js'
import type { SessionCache } from './session-cache.js'
import type { Database } from './types.js'
import { type UnnestColumn, unnest } from './unnest.js'

export interface LogItem<L> {
  /** Lower-cased, so it matches the text PostgreSQL answers for a uuid. */
  sessionId: string
  log: L
}

export interface LogOutcome {
  created: boolean
}

interface LogFields {
  event_id?: string
  date?: Date
}

/** What differs between the url and button log tables. */
export interface LogTable<L extends LogFields> {
  name: 'url_log' | 'button_log'
  /** The content columns, their PostgreSQL types and where each value comes from. */
  columns: ReadonlyArray<UnnestColumn<L>>
  /** Whether a stored row holds the same content as a replayed log. */
  same(stored: Record<string, unknown>, log: L): boolean
  /** The one-row path: isolates a bad row when a group statement fails. */
  insertOne(db: Kysely<Database>, sessionId: string, log: L): Promise<LogOutcome>
}

interface Slot<L> extends LogItem<L> {
  outcome?: Outcome<LogOutcome>
}

/**
 * Writes a group of logs with one INSERT (one transaction). Visits unknown to the cache are
 * looked up first, in one query; a log whose visit does not exist fails alone. A replay of an
 * event_id is recognised as the one-row path does; a repeat within the group goes after it.
 */
export async function writeLogGroup<L extends LogFields>(
  db: Kysely<Database>, sessions: SessionCache, table: LogTable<L>, items: LogItem<L>[]
): Promise<Outcome<LogOutcome>[]> {
  const slots: Slot<L>[] = items.map((item) => ({ ...item }))
  const missing = await missingSessions(db, sessions, slots)
  for (const slot of slots) if (missing.has(slot.sessionId)) slot.outcome = new CollectorError('SESSION_NOT_FOUND')

  const { leaders, repeats } = leadersAndRepeats(slots.filter((slot) => !slot.outcome), eventKey)
  await insertLeaders(db, sessions, table, leaders)
  for (const slot of repeats) slot.outcome = await insertOne(db, sessions, table, slot)
  return slots.map((slot) => slot.outcome!)
}

/** The visits of this group that neither the cache nor the database knows. */
async function missingSessions(db: Kysely<Database>, sessions: SessionCache, items: LogItem<unknown>[]) {
  const unknown = new Set<string>()
  for (const item of items) if (!sessions.has(item.sessionId)) unknown.add(item.sessionId)
  if (unknown.size === 0) return unknown

  const { rows } = await sql<{ session_id: string }>`${preparedAs('existing_sessions')}
    select session_id::text from user_session where session_id = any(${[...unknown]}::uuid[])`.execute(db)
  for (const row of rows) {
    sessions.remember(row.session_id)
    unknown.delete(row.session_id)
  }
  return unknown
}

async function insertLeaders<L extends LogFields>(
  db: Kysely<Database>, sessions: SessionCache, table: LogTable<L>, leaders: Slot<L>[]
) {
  if (leaders.length === 0) return
  let inserted: Set<string>
  try {
    inserted = await insertGroup(db, table, leaders)
  } catch (error) {
    const outcomes = await isolate(error, leaders, (slot) => insertOne(db, sessions, table, slot))
    leaders.forEach((slot, index) => { slot.outcome = outcomes[index] })
    return
  }

  const replays: Slot<L>[] = []
  for (const slot of leaders) {
    const key = eventKey(slot)
    if (key === undefined || inserted.has(key)) slot.outcome = { created: true }
    else replays.push(slot)
  }
  await compareReplays(db, sessions, table, replays)
}

async function insertGroup<L extends LogFields>(db: Kysely<Database>, table: LogTable<L>, group: LogItem<L>[]) {
  const names = table.columns.map((column) => sql.ref(column.name))
  const columns: UnnestColumn<LogItem<L>>[] = [
    { name: 'session_id', type: 'uuid', value: (item) => item.sessionId },
    { name: 'event_id', type: 'uuid', value: (item) => item.log.event_id ?? null },
    { name: 'date', type: 'timestamptz', value: (item) => item.log.date ?? null },
    ...table.columns.map((column) => ({ ...column, value: (item: LogItem<L>) => column.value(item.log) }))
  ]

  const { rows } = await sql<{ session_id: string, event_id: string | null }>`${preparedAs(`insert_${table.name}`)}
    insert into ${sql.table(table.name)} (session_id, event_id, date, ${sql.join(names)})
    select session_id, event_id, coalesce(date, now()), ${sql.join(names)} from ${unnest('given', columns, group)}
    on conflict (session_id, event_id) do nothing
    returning session_id::text, event_id::text`.execute(db)
  return new Set(rows.filter((row) => row.event_id !== null).map((row) => `${row.session_id}/${row.event_id}`))
}

/** Logs whose event_id was stored before: the same content is a replay, other content a conflict. */
async function compareReplays<L extends LogFields>(
  db: Kysely<Database>, sessions: SessionCache, table: LogTable<L>, replays: Slot<L>[]
) {
  if (replays.length === 0) return
  const names = table.columns.map((column) => sql.ref(column.name))
  const { rows } = await sql<Record<string, unknown> & { session_id: string, event_id: string }>`${preparedAs(`replays_${table.name}`)}
    select session_id::text, event_id::text, ${sql.join(names)} from ${sql.table(table.name)}
    where (session_id, event_id) in (select * from unnest(
      ${replays.map((slot) => slot.sessionId)}::uuid[],
      ${replays.map((slot) => slot.log.event_id)}::uuid[]))`.execute(db)
  const stored = new Map(rows.map((row) => [`${row.session_id}/${row.event_id}`, row]))

  for (const slot of replays) {
    const row = stored.get(eventKey(slot)!)
    if (!row) slot.outcome = await insertOne(db, sessions, table, slot)
    else slot.outcome = table.same(row, slot.log) ? { created: false } : new CollectorError('EVENT_CONFLICT')
  }
}

async function insertOne<L extends LogFields>(
  db: Kysely<Database>, sessions: SessionCache, table: LogTable<L>, item: LogItem<L>
) {
  const outcome = await outcomeOf(() => table.insertOne(db, item.sessionId, item.log))
  if (outcome instanceof CollectorError && outcome.code === 'SESSION_NOT_FOUND') sessions.forget([item.sessionId])
  return outcome
}

function eventKey(item: LogItem<LogFields>) {
  const eventId = item.log.event_id
  return eventId === undefined ? undefined : `${item.sessionId}/${eventId.toLowerCase()}`
}
