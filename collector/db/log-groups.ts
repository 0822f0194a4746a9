import { type Kysely, sql } from 'kysely'
import { CollectorError } from '../errors.js'
import {
  isolate, leadersAndRepeats, type Outcome, outcomeOf, type StatementResult
} from './group-outcomes.js'
import { preparedAs } from './prepared-statements.js'
import type { SessionCache } from './session-cache.js'
import type { Database } from './types.js'
import { type StatementPart, type UnnestColumn, unnestText, unnestValues } from './unnest.js'
import type { Part, WriteKind } from './write-groups.js'

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
 * Logs of one table as part of a group statement: one INSERT for all of them. A log whose visit
 * does not exist fails alone; a replay of an event_id is recognised as the one-row path does; a
 * repeat of an event within the group goes after it, one by one.
 */
export function logKind<L extends LogFields>(table: LogTable<L>): WriteKind<LogItem<L>, LogOutcome> {
  const insert = groupInsert(table)
  return {
    name: table.name,
    sessionOf: (item) => item.sessionId,
    plan: (db, sessions, items, missing) => planLogs({ db, sessions, table, insert }, items, missing)
  }
}

interface LogPlanning<L extends LogFields> {
  db: Kysely<Database>
  sessions: SessionCache
  table: LogTable<L>
  insert(group: LogItem<L>[]): StatementPart
}

function planLogs<L extends LogFields>(
  { db, sessions, table, insert }: LogPlanning<L>,
  items: LogItem<L>[],
  missing: ReadonlySet<string>
): Part<LogOutcome> {
  const slots: Slot<L>[] = items.map((item) => ({ ...item }))
  for (const slot of slots) {
    if (missing.has(slot.sessionId)) slot.outcome = new CollectorError('SESSION_NOT_FOUND')
  }
  const { leaders, repeats } = leadersAndRepeats(slots.filter((slot) => !slot.outcome), eventKey)
  const one = (slot: Slot<L>) => insertOne(db, sessions, table, slot)

  const finish = async (result: StatementResult) => {
    if ('error' in result) {
      const outcomes = await isolate(result.error, leaders, one)
      leaders.forEach((slot, index) => { slot.outcome = outcomes[index] })
    } else {
      const replays = leaders.filter((slot) => {
        const key = eventKey(slot)
        if (key === undefined || result.keys.has(key)) slot.outcome = { created: true }
        return !slot.outcome
      })
      await compareReplays(db, table, replays, one)
    }
    for (const slot of repeats) slot.outcome = await one(slot)
    return slots.map((slot) => slot.outcome!)
  }
  return { statement: leaders.length > 0 ? insert(leaders) : undefined, finish }
}

/** The table's group INSERT: it answers `session_id/event_id` per log stored, null without an event_id. */
function groupInsert<L extends LogFields>(table: LogTable<L>) {
  const columns: UnnestColumn<LogItem<L>>[] = [
    { name: 'session_id', type: 'uuid', value: (item) => item.sessionId },
    { name: 'event_id', type: 'uuid', value: (item) => item.log.event_id ?? null },
    { name: 'date', type: 'timestamptz', value: (item) => item.log.date ?? null },
    ...table.columns.map((column) => ({ ...column, value: (item: LogItem<L>) => column.value(item.log) }))
  ]
  const names = table.columns.map((column) => column.name).join(', ')
  const text = (first: number) => `
    insert into ${table.name} (session_id, event_id, date, ${names})
    select session_id, event_id, coalesce(date, now()), ${names}
    from ${unnestText('given', columns, first)}
    on conflict (session_id, event_id) do nothing
    returning session_id::text || '/' || event_id::text as key`
  return (group: LogItem<L>[]): StatementPart => ({ text, values: unnestValues(columns, group) })
}

/** Logs whose event_id was stored before: the same content is a replay, other content a conflict. */
async function compareReplays<L extends LogFields>(
  db: Kysely<Database>,
  table: LogTable<L>,
  replays: Slot<L>[],
  one: (slot: Slot<L>) => Promise<Outcome<LogOutcome>>
) {
  if (replays.length === 0) return
  const names = table.columns.map((column) => sql.ref(column.name))
  const { rows } = await sql<Record<string, unknown> & { key: string }>`${preparedAs(`replays_${table.name}`)}
    select session_id::text || '/' || event_id::text as key, ${sql.join(names)} from ${sql.table(table.name)}
    where (session_id, event_id) in (select * from unnest(
      ${replays.map((slot) => slot.sessionId)}::uuid[],
      ${replays.map((slot) => slot.log.event_id)}::uuid[]))`.execute(db)
  const stored = new Map(rows.map((row) => [row.key, row]))

  for (const slot of replays) {
    const row = stored.get(eventKey(slot)!)
    if (!row) slot.outcome = await one(slot)
    else slot.outcome = table.same(row, slot.log) ? { created: false } : new CollectorError('EVENT_CONFLICT')
  }
}

async function insertOne<L extends LogFields>(
  db: Kysely<Database>, sessions: SessionCache, table: LogTable<L>, item: LogItem<L>
) {
  const outcome = await outcomeOf(() => table.insertOne(db, item.sessionId, item.log))
  if (outcome instanceof CollectorError && outcome.code === 'SESSION_NOT_FOUND') {
    sessions.forget([item.sessionId])
  }
  return outcome
}

function eventKey(item: LogItem<LogFields>) {
  const eventId = item.log.event_id
  return eventId === undefined ? undefined : `${item.sessionId}/${eventId.toLowerCase()}`
}
