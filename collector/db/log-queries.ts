import type { Kysely } from 'kysely'
import { CollectorError } from '../errors.js'
import { FOREIGN_KEY_VIOLATION, sqlState } from './pg-errors.js'
import type { Database } from './types.js'

export interface UrlLogInput {
  url: string
  is_external_resource: boolean
  event_id?: string
  /** When it happened (a client time corrected for skew); the database's now() when absent. */
  date?: Date
}

export interface ButtonLogInput {
  button_text: string
  url?: string
  event_id?: string
  /** When it happened (a client time corrected for skew); the database's now() when absent. */
  date?: Date
}

/** Stores a visited URL; a replay of the same event_id is recognised and stored once. */
export async function insertUrlLog(db: Kysely<Database>, sessionId: string, log: UrlLogInput) {
  const eventId = log.event_id ?? null
  const inserted = await db
    .insertInto('url_log')
    .values({
      session_id: sessionId,
      url: log.url,
      is_external_resource: log.is_external_resource,
      event_id: eventId,
      ...(log.date && { date: log.date })
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
  const same = stored.url === log.url && stored.is_external_resource === log.is_external_resource
  if (!same) throw new CollectorError('EVENT_CONFLICT')
  return { created: false }
}

/** Stores a pressed button; a replay of the same event_id is recognised and stored once. */
export async function insertButtonLog(db: Kysely<Database>, sessionId: string, log: ButtonLogInput) {
  const eventId = log.event_id ?? null
  const url = log.url ?? null
  const inserted = await db
    .insertInto('button_log')
    .values({
      session_id: sessionId,
      button_text: log.button_text,
      url,
      event_id: eventId,
      ...(log.date && { date: log.date })
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
  if (stored.button_text !== log.button_text || stored.url !== url) throw new CollectorError('EVENT_CONFLICT')
  return { created: false }
}

function rethrowUnknownSession(error: unknown): never {
  if (sqlState(error) === FOREIGN_KEY_VIOLATION) throw new CollectorError('SESSION_NOT_FOUND')
  throw error
}
