import { type Kysely, sql } from 'kysely'
import { FLAG_NAMES, type FlagName } from '../../schemas/index.js'
import { CollectorError } from '../errors.js'
import { parseUserAgent } from '../user-agent.js'
import { FOREIGN_KEY_VIOLATION, sqlState } from './pg-errors.js'
import type { Database } from './types.js'
import { createKind, updateKind, type VisitUpdate } from './visit-groups.js'
import { writeGroupsOf } from './write-groups.js'

export interface VisitFacts {
  user_agent?: string
  logout_time?: Date
  active_seconds?: number
  flags: FlagName[]
  /** When the flags became true (a client time corrected for skew); now() when absent. */
  at?: Date
}

export interface NewVisit extends VisitFacts {
  session_id: string
  service_id: number
  email: string
  ip_address: string | null
  /** When the visit started (a client time corrected for skew); now() when absent. */
  login_time?: Date
}

/**
 * Creates a visit, or recognises a retried create of the same one. On the handle's database the
 * create joins a group commit: it resolves once its group has committed.
 */
export async function createVisit(db: Kysely<Database>, visit: NewVisit) {
  const groups = writeGroupsOf(db)
  if (!groups) return createOneVisit(db, visit)
  return groups.submit(VISIT_CREATES, { ...visit, session_id: visit.session_id.toLowerCase() })
}

async function createOneVisit(db: Kysely<Database>, visit: NewVisit) {
  const flags = Object.fromEntries(visit.flags.map((flag) => [flag, true]))
  const changed = visit.flags.includes('is_change_password')

  const inserted = await db
    .insertInto('user_session')
    .values({
      session_id: visit.session_id,
      service_id: visit.service_id,
      email: visit.email,
      user_agent: visit.user_agent ?? null,
      ip_address: visit.ip_address,
      ...parseUserAgent(visit.user_agent),
      logout_time: visit.logout_time ?? null,
      active_seconds: visit.active_seconds ?? 0,
      ...flags,
      ...(visit.login_time && { login_time: visit.login_time }),
      password_changed_at: changed ? (visit.at ?? sql`now()`) : null
    })
    .onConflict((conflict) => conflict.column('session_id').doNothing())
    .returning('session_id')
    .executeTakeFirst()
    .catch(rethrowUnknownService)
  if (inserted) {
    writeGroupsOf(db)?.sessions.remember(visit.session_id)
    return { created: true }
  }

  const existing = await db
    .selectFrom('user_session')
    .select(['email', 'service_id'])
    .where('session_id', '=', visit.session_id)
    .executeTakeFirst()
  const same = existing?.email === visit.email && existing.service_id === visit.service_id
  if (!same) throw new CollectorError('SESSION_CONFLICT')

  const { logout_time, login_time: _start, ...facts } = visit
  const hasFacts = facts.flags.length > 0 || facts.user_agent !== undefined
    || facts.active_seconds !== undefined
  if (hasFacts || logout_time) {
    // The one-row path: this runs inside a group's finish, which a queued update would wait for.
    await updateOneVisit(db, {
      sessionId: visit.session_id, facts: { ...facts, logout_time }, earliestSkewMs: Infinity
    })
  }
  return { created: false }
}

function rethrowUnknownService(error: unknown): never {
  if (sqlState(error) === FOREIGN_KEY_VIOLATION) throw new CollectorError('SERVICE_UNKNOWN')
  throw error
}

/**
 * Applies new facts: flags only go from false to true, logout_time keeps the latest value and
 * may not lie before the visit's start (minus the allowed skew). Joins a group commit like
 * createVisit.
 */
export async function updateVisit(
  db: Kysely<Database>,
  sessionId: string,
  facts: VisitFacts,
  limits: { earliestSkewMs: number }
) {
  const update = { sessionId: sessionId.toLowerCase(), facts, earliestSkewMs: limits.earliestSkewMs }
  const groups = writeGroupsOf(db)
  if (!groups) return updateOneVisit(db, update)
  await groups.submit(VISIT_UPDATES, update)
}

async function updateOneVisit(db: Kysely<Database>, { sessionId, facts, earliestSkewMs }: VisitUpdate) {
  const set: Record<string, unknown> = {}
  for (const flag of facts.flags) set[flag] = true
  if (facts.flags.includes('is_change_password')) {
    set.password_changed_at = sql`coalesce(password_changed_at, ${facts.at ?? sql`now()`})`
  }
  if (facts.user_agent !== undefined) {
    Object.assign(set, { user_agent: facts.user_agent }, parseUserAgent(facts.user_agent))
  }
  if (facts.logout_time) set.logout_time = sql`greatest(logout_time, ${facts.logout_time})`
  if (facts.active_seconds !== undefined) {
    set.active_seconds = sql`greatest(active_seconds, ${facts.active_seconds}::integer)`
  }
  // Only false flags, say: nothing to change, but the visit must exist.
  if (Object.keys(set).length === 0) {
    if (await visitExists(db, sessionId)) return
    throw new CollectorError('SESSION_NOT_FOUND')
  }

  let query = db.updateTable('user_session').set(set).where('session_id', '=', sessionId)
  if (facts.logout_time && Number.isFinite(earliestSkewMs)) {
    const earliest = sql<Date>`login_time - make_interval(secs => ${earliestSkewMs / 1000})`
    query = query.where(earliest, '<=', facts.logout_time)
  }
  const result = await query.executeTakeFirst()
  if (result.numUpdatedRows > 0n) return

  const exists = await visitExists(db, sessionId)
  throw new CollectorError(exists ? 'LOGOUT_TIME_OUT_OF_RANGE' : 'SESSION_NOT_FOUND')
}

const VISIT_CREATES = createKind(createOneVisit)
const VISIT_UPDATES = updateKind(updateOneVisit)

export async function visitExists(db: Kysely<Database>, sessionId: string) {
  const row = await db
    .selectFrom('user_session')
    .select('session_id')
    .where('session_id', '=', sessionId)
    .executeTakeFirst()
  return row !== undefined
}

/** The whole visit with its logs in time order, or undefined. */
export async function readVisit(db: Kysely<Database>, sessionId: string) {
  const visit = await db
    .selectFrom('user_session')
    .selectAll()
    .select(sql<string | null>`host(ip_address)`.as('ip_address'))
    .where('session_id', '=', sessionId)
    .executeTakeFirst()
  if (!visit) return undefined

  const [urls, buttons] = await Promise.all([
    db.selectFrom('url_log')
      .select(['id', 'url', 'is_external_resource', 'date', 'event_id'])
      .where('session_id', '=', sessionId)
      .orderBy('date').orderBy('id')
      .execute(),
    db.selectFrom('button_log')
      .select(['id', 'button_text', 'url', 'date', 'event_id'])
      .where('session_id', '=', sessionId)
      .orderBy('date').orderBy('id')
      .execute()
  ])
  return {
    ...visit,
    login_time: iso(visit.login_time),
    logout_time: visit.logout_time && iso(visit.logout_time),
    password_changed_at: visit.password_changed_at && iso(visit.password_changed_at),
    urls: urls.map((row) => ({ ...row, date: iso(row.date) })),
    buttons: buttons.map((row) => ({ ...row, date: iso(row.date) }))
  }
}

const iso = (time: unknown) => new Date(time as Date).toISOString()

export function flagsOf(body: Partial<Record<FlagName, boolean>>): FlagName[] {
  return FLAG_NAMES.filter((flag) => body[flag] === true)
}
