import { type Kysely, sql } from 'kysely'
import { CollectorError } from '../errors.js'
import { isConnectionError } from './pg-errors.js'
import type { SessionCache } from './session-cache.js'
import type { Database } from './types.js'

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
  columns: ReadonlyArray<{ name: string, type: string, value(log: L): unknown }>
  /** Whether a stored row holds the same content as a replayed log. */
  same(stored: Record<string, unknown>, log: L): boolean
  /** The one-row path: isolates a bad row when a group statement fails. */
  insertOne(db: Kysely<Database>, sessionId: string, log: L): Promise<LogOutcome>
}

type Outcome = LogOutcome | Error

/**
 * Writes a group of logs with one INSERT (one transaction). Visits unknown to the cache are
 * looked up first, in one query; a log whose visit does not exist fails alone. A replay of an
 * event_id is recognised as the one-row path does; a repeat within the group goes after it.
 */
export async function writeLogGroup<L extends LogFields>(
  db: Kysely<Database>, sessions: SessionCache, table: LogTable<L>, items: LogItem<L>[]
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array(items.length)
  const missing = await missingSessions(db, sessions, items)
  const leaders: number[] = []
  const repeats: number[] = []
  const keys = new Set<string>()

  items.forEach((item, index) => {
    if (missing.has(item.sessionId)) {
      outcomes[index] = new CollectorError('SESSION_NOT_FOUND')
      return
    }
    const key = eventKey(item)
    if (key !== undefined && keys.has(key)) return void repeats.push(index)
    if (key !== undefined) keys.add(key)
    leaders.push(index)
  })

  await insertLeaders(db, sessions, table, items, leaders, outcomes)
  for (const index of repeats) outcomes[index] = await insertOne(db, sessions, table, items[index])
  return outcomes
}

/** The visits of this group that neither the cache nor the database knows. */
async function missingSessions(db: Kysely<Database>, sessions: SessionCache, items: LogItem<unknown>[]) {
  const unknown = new Set<string>()
  for (const item of items) if (!sessions.has(item.sessionId)) unknown.add(item.sessionId)
  if (unknown.size === 0) return unknown

  const { rows } = await sql<{ session_id: string }>`
    select session_id::text from user_session where session_id = any(${[...unknown]}::uuid[])`.execute(db)
  for (const row of rows) {
    sessions.remember(row.session_id)
    unknown.delete(row.session_id)
  }
  return unknown
}

async function insertLeaders<L extends LogFields>(
  db: Kysely<Database>, sessions: SessionCache, table: LogTable<L>, items: LogItem<L>[],
  leaders: number[], outcomes: Outcome[]
) {
  if (leaders.length === 0) return
  const group = leaders.map((index) => items[index])

  let inserted: Set<string>
  try {
    inserted = await insertGroup(db, table, group)
  } catch (error) {
    // A connection error would fail each row alike; anything else is isolated row by row.
    if (isConnectionError(error)) return void leaders.forEach((index) => { outcomes[index] = asError(error) })
    const isolated = await Promise.all(group.map((item) => insertOne(db, sessions, table, item)))
    return void leaders.forEach((index, position) => { outcomes[index] = isolated[position] })
  }

  const replays: number[] = []
  for (const index of leaders) {
    const key = eventKey(items[index])
    if (key === undefined || inserted.has(key)) outcomes[index] = { created: true }
    else replays.push(index)
  }
  await compareReplays(db, sessions, table, items, replays, outcomes)
}

async function insertGroup<L extends LogFields>(db: Kysely<Database>, table: LogTable<L>, group: LogItem<L>[]) {
  const names = table.columns.map((column) => sql.ref(column.name))
  const arrays = table.columns.map((column) =>
    sql`${group.map((item) => column.value(item.log))}::${sql.raw(column.type)}[]`)

  const { rows } = await sql<{ session_id: string, event_id: string | null }>`
    insert into ${sql.table(table.name)} (session_id, event_id, date, ${sql.join(names)})
    select session_id, event_id, coalesce(date, now()), ${sql.join(names)}
    from unnest(
      ${group.map((item) => item.sessionId)}::uuid[],
      ${group.map((item) => item.log.event_id ?? null)}::uuid[],
      ${group.map((item) => item.log.date ?? null)}::timestamptz[],
      ${sql.join(arrays)}
    ) as given (session_id, event_id, date, ${sql.join(names)})
    on conflict (session_id, event_id) do nothing
    returning session_id::text, event_id::text`.execute(db)
  return new Set(rows.filter((row) => row.event_id !== null).map((row) => `${row.session_id}/${row.event_id}`))
}

/** Logs whose event_id was stored before: the same content is a replay, other content a conflict. */
async function compareReplays<L extends LogFields>(
  db: Kysely<Database>, sessions: SessionCache, table: LogTable<L>, items: LogItem<L>[],
  replays: number[], outcomes: Outcome[]
) {
  if (replays.length === 0) return
  const names = table.columns.map((column) => sql.ref(column.name))
  const { rows } = await sql<Record<string, unknown> & { session_id: string, event_id: string }>`
    select session_id::text, event_id::text, ${sql.join(names)} from ${sql.table(table.name)}
    where (session_id, event_id) in (select * from unnest(
      ${replays.map((index) => items[index].sessionId)}::uuid[],
      ${replays.map((index) => items[index].log.event_id)}::uuid[]))`.execute(db)
  const stored = new Map(rows.map((row) => [`${row.session_id}/${row.event_id}`, row]))

  for (const index of replays) {
    const row = stored.get(eventKey(items[index])!)
    if (!row) outcomes[index] = await insertOne(db, sessions, table, items[index])
    else outcomes[index] = table.same(row, items[index].log) ? { created: false } : new CollectorError('EVENT_CONFLICT')
  }
}

async function insertOne<L extends LogFields>(
  db: Kysely<Database>, sessions: SessionCache, table: LogTable<L>, item: LogItem<L>
): Promise<Outcome> {
  try {
    return await table.insertOne(db, item.sessionId, item.log)
  } catch (error) {
    if (error instanceof CollectorError && error.code === 'SESSION_NOT_FOUND') sessions.forget([item.sessionId])
    return asError(error)
  }
}

function eventKey(item: LogItem<LogFields>) {
  const eventId = item.log.event_id
  return eventId === undefined ? undefined : `${item.sessionId}/${eventId.toLowerCase()}`
}

function asError(error: unknown) {
  return error instanceof Error ? error : new Error(String(error))
}
