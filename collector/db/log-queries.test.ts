import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { eachDatabase } from '../test/databases.js'
import type { DatabaseHandle } from './database.js'
import { insertButtonLog, insertUrlLog } from './log-queries.js'
import { ensureService } from './service-queries.js'
import { createVisit } from './session-queries.js'
import { writeGroupsOf } from './write-groups.js'

async function newVisit(database: DatabaseHandle) {
  const service = await ensureService(database.db, 'Company1')
  const sessionId = randomUUID()
  await createVisit(database.db, {
    session_id: sessionId, service_id: service.id, email: 'a@example.com', ip_address: null, flags: []
  })
  return sessionId
}

const settle = <T>(promises: Promise<T>[]) =>
  Promise.allSettled(promises).then((results) => results.map((result) =>
    result.status === 'fulfilled'
      ? result.value
      : (result.reason as { code?: string }).code ?? result.reason))

async function rowCount(database: DatabaseHandle, table: 'url_log' | 'button_log', sessionId: string) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ${sql.table(table)} where session_id = ${sessionId}`.execute(database.db)
  return rows[0].n
}

eachDatabase(t, 'logs submitted together are each stored exactly once', async (t, database) => {
  const sessionId = await newVisit(database)
  const urls = Array.from({ length: 60 }, (_, n) => `https://example.com/page/${n}`)

  const results = await Promise.all([
    ...urls.map((url, n) => insertUrlLog(database.db, sessionId, {
      url, is_external_resource: n % 2 === 0, event_id: randomUUID()
    })),
    ...urls.map((url) => insertButtonLog(database.db, sessionId, { button_text: 'Deposit', url }))
  ])

  t.same(results, Array(120).fill({ created: true }))
  const { rows } = await sql<{ url: string, n: number }>`
    select url, count(*)::int as n from url_log where session_id = ${sessionId}
    group by url order by url`.execute(database.db)
  t.same(rows, [...urls].sort().map((url) => ({ url, n: 1 })))
  t.equal(await rowCount(database, 'button_log', sessionId), 60)
})

eachDatabase(t, 'a log for an unknown visit fails alone and the rest of its group is stored',
  async (t, database) => {
  const sessionId = await newVisit(database)
  const unknown = randomUUID()
  const log = (session: string) =>
    insertUrlLog(database.db, session, { url: 'https://example.com/', is_external_resource: false })

  t.same(await settle([log(sessionId), log(unknown), log(sessionId)]),
    [{ created: true }, 'SESSION_NOT_FOUND', { created: true }])
  t.equal(await rowCount(database, 'url_log', sessionId), 2)
})

eachDatabase(t, 'a cached visit deleted since fails alone, and the cache forgets it', async (t, database) => {
  const kept = await newVisit(database)
  const deleted = await newVisit(database)
  const sessions = writeGroupsOf(database.db)!.sessions
  t.ok(sessions.has(deleted), 'creating the visit taught the cache')
  await sql`delete from user_session where session_id = ${deleted}`.execute(database.db)

  const log = (session: string) => insertButtonLog(database.db, session, { button_text: 'Deposit' })
  t.same(await settle([log(kept), log(deleted), log(kept)]),
    [{ created: true }, 'SESSION_NOT_FOUND', { created: true }])
  t.equal(await rowCount(database, 'button_log', kept), 2)
  t.equal(sessions.has(deleted), false)
})

eachDatabase(t,
  'replays in one group: the first stores, a same repeat is a replay, a different one conflicts',
  async (t, database) => {
  const sessionId = await newVisit(database)
  const eventId = randomUUID()
  const log = (url: string) =>
    insertUrlLog(database.db, sessionId, { url, is_external_resource: false, event_id: eventId })

  const results = await settle([
    log('https://example.com/a'), log('https://example.com/a'), log('https://example.com/b')
  ])
  t.same(results, [{ created: true }, { created: false }, 'EVENT_CONFLICT'])
  t.equal(await rowCount(database, 'url_log', sessionId), 1)
})

eachDatabase(t, 'replays of stored events are recognised inside a group of new ones', async (t, database) => {
  const sessionId = await newVisit(database)
  const stored = randomUUID()
  const button = (text: string, eventId: string) =>
    insertButtonLog(database.db, sessionId, {
      button_text: text, url: 'https://example.com/', event_id: eventId
    })
  await button('Deposit', stored)

  const results = await settle([
    button('Deposit', randomUUID()), button('Deposit', stored), button('Sign in', stored)
  ])
  t.same(results, [{ created: true }, { created: false }, 'EVENT_CONFLICT'])
  t.equal(await rowCount(database, 'button_log', sessionId), 2)
})

eachDatabase(t, 'an event id in capitals is the same event as in small letters', async (t, database) => {
  const sessionId = await newVisit(database)
  const eventId = randomUUID()
  const log = (id: string) => insertUrlLog(database.db, sessionId.toUpperCase(), {
    url: 'https://example.com/', is_external_resource: true, event_id: id
  })

  t.same(await settle([log(eventId), log(eventId.toUpperCase())]), [{ created: true }, { created: false }])
  t.same(await settle([log(eventId.toUpperCase())]), [{ created: false }])
})

eachDatabase(t, 'a given date is stored; without one the database time is used', async (t, database) => {
  const sessionId = await newVisit(database)
  const date = new Date('2026-01-02T03:04:05.678Z')
  await Promise.all([
    insertUrlLog(database.db, sessionId, {
      url: 'https://example.com/then', is_external_resource: false, date
    }),
    insertUrlLog(database.db, sessionId, { url: 'https://example.com/now', is_external_resource: false })
  ])
  await insertButtonLog(database.db, sessionId, { button_text: 'Deposit', date })

  const { rows } = await sql<{ url: string, then: boolean }>`
    select url, date = ${date} as then from url_log where session_id = ${sessionId}
    order by url desc`.execute(database.db)
  t.same(rows, [
    { url: 'https://example.com/then', then: true },
    { url: 'https://example.com/now', then: false }
  ])
  const button = await sql<{ date: Date }>`select date from button_log where session_id = ${sessionId}`
    .execute(database.db)
  t.equal(new Date(button.rows[0].date).toISOString(), date.toISOString())
})

eachDatabase(t, 'inside a transaction, logs are written in it and roll back with it', async (t, database) => {
  const sessionId = await newVisit(database)
  const failure = new Error('roll back')

  const outcome = await database.db.transaction().execute(async (trx) => {
    t.same(await insertUrlLog(trx, sessionId, {
      url: 'https://example.com/', is_external_resource: false
    }), { created: true })
    t.equal(await rowCount({ ...database, db: trx }, 'url_log', sessionId), 1,
      'visible inside the transaction')
    throw failure
  }).catch((error: unknown) => error)

  t.equal(outcome, failure)
  t.equal(await rowCount(database, 'url_log', sessionId), 0)
})

eachDatabase(t, 'closing the database answers every queued log first', async (t, database) => {
  const sessionId = await newVisit(database)
  const writes = Array.from({ length: 30 }, () =>
    insertUrlLog(database.db, sessionId, { url: 'https://example.com/', is_external_resource: false }))

  await database.close()
  t.same(await Promise.all(writes), Array(30).fill({ created: true }))
})
