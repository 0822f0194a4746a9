import { type Kysely, sql } from 'kysely'
import { CollectorError } from '../errors.js'
import { type LogTable, logKind } from './log-groups.js'
import { FOREIGN_KEY_VIOLATION, sqlState } from './pg-errors.js'
import type { Database } from './types.js'
import { writeGroupsOf } from './write-groups.js'

export interface UrlLogInput {
  url: string
  is_external_resource: boolean
  event_id?: string
  /** When the action happened, if known better than "now" (the default). */
  date?: Date
}

export interface ButtonLogInput {
  button_text: string
  url?: string
  event_id?: string
  /** When the action happened, if known better than "now" (the default). */
  date?: Date
}

/**
 * Stores a visited URL; a replay of the same event_id is recognised and stored once. On the
 * handle's database the log joins a group commit: it resolves once its group has committed.
 */
export async function insertUrlLog(db: Kysely<Database>, sessionId: string, log: UrlLogInput) {
  const groups = writeGroupsOf(db)
  if (!groups) return insertOneUrlLog(db, sessionId, log)
  return groups.submit(URL_LOGS, { sessionId: sessionId.toLowerCase(), log })
}

/** Stores a pressed button; a replay of the same event_id is recognised and stored once. */
export async function insertButtonLog(db: Kysely<Database>, sessionId: string, log: ButtonLogInput) {
  const groups = writeGroupsOf(db)
  if (!groups) return insertOneButtonLog(db, sessionId, log)
  return groups.submit(BUTTON_LOGS, { sessionId: sessionId.toLowerCase(), log })
}

async function insertOneUrlLog(db: Kysely<Database>, sessionId: string, log: UrlLogInput) {
  const eventId = log.event_id ?? null
  const inserted = await db
    .insertInto('url_log')
    .values({
      session_id: sessionId,
      url: log.url,
      is_external_resource: log.is_external_resource,
      event_id: eventId,
      date: dateOrNow(log.date)
    })
    .onConflict((conflict) => conflict.columns(['session_id', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst()
    .catch(rethrowUnknownSession)
  if (inserted) return { created: true }

  const stored = await db
    .selectFrom('url_log')
    .select(['url', 'is_external_resource'])
    .where('session_id', '=', sessionId)
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow()
  if (!URL_LOG.same(stored, log)) throw new CollectorError('EVENT_CONFLICT')
  return { created: false }
}

async function insertOneButtonLog(db: Kysely<Database>, sessionId: string, log: ButtonLogInput) {
  const eventId = log.event_id ?? null
  const inserted = await db
    .insertInto('button_log')
    .values({
      session_id: sessionId,
      button_text: log.button_text,
      url: log.url ?? null,
      event_id: eventId,
      date: dateOrNow(log.date)
    })
    .onConflict((conflict) => conflict.columns(['session_id', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst()
    .catch(rethrowUnknownSession)
  if (inserted) return { created: true }

  const stored = await db
    .selectFrom('button_log')
    .select(['button_text', 'url'])
    .where('session_id', '=', sessionId)
    .where('event_id', '=', eventId)
    .executeTakeFirstOrThrow()
  if (!BUTTON_LOG.same(stored, log)) throw new CollectorError('EVENT_CONFLICT')
  return { created: false }
}

/** The action's time if given, else the database's now(), as the column default would be. */
function dateOrNow(date: Date | undefined) {
  return sql<Date>`coalesce(${date ?? null}::timestamptz, now())`
}

function rethrowUnknownSession(error: unknown): never {
  if (sqlState(error) === FOREIGN_KEY_VIOLATION) throw new CollectorError('SESSION_NOT_FOUND')
  throw error
}

const URL_LOG: LogTable<UrlLogInput> = {
  name: 'url_log',
  columns: [
    { name: 'url', type: 'text', value: (log) => log.url },
    { name: 'is_external_resource', type: 'boolean', value: (log) => log.is_external_resource }
  ],
  same: (stored, log) => stored.url === log.url && stored.is_external_resource === log.is_external_resource,
  insertOne: insertOneUrlLog
}

const BUTTON_LOG: LogTable<ButtonLogInput> = {
  name: 'button_log',
  columns: [
    { name: 'button_text', type: 'text', value: (log) => log.button_text },
    { name: 'url', type: 'text', value: (log) => log.url ?? null }
  ],
  same: (stored, log) => stored.button_text === log.button_text && stored.url === (log.url ?? null),
  insertOne: insertOneButtonLog
}

const URL_LOGS = logKind(URL_LOG)
const BUTTON_LOGS = logKind(BUTTON_LOG)
