import { randomUUID } from 'node:crypto'
import { type CompiledQuery, sql } from 'kysely'
import t from 'tap'
import { eachDatabase } from '../test/databases.js'
import { insertButtonLog, insertUrlLog } from './log-queries.js'
import { ensureService } from './service-queries.js'
import { eraseClient } from './privacy-queries.js'
import { createVisit, readVisit, updateVisit } from './session-queries.js'
import { forgetSessions, writeGroupsOf } from './write-groups.js'

const settle = <T>(promises: Promise<T>[]) =>
  Promise.allSettled(promises).then((results) => results.map((result) =>
    result.status === 'fulfilled'
      ? result.value ?? 'ok'
      : (result.reason as { code?: string }).code ?? result.reason))

eachDatabase(t, 'a mixed group is written by one statement, and a row failing it fails alone',
  async (t, database) => {
  const service = await ensureService(database.db, 'Company1')
  const visit = (email: string) =>
    ({ session_id: randomUUID(), service_id: service.id, email, ip_address: null, flags: [] })
  const [kept, deleted, fresh] = [
    visit('kept@example.com'), visit('gone@example.com'), visit('new@example.com')
  ]
  await Promise.all([createVisit(database.db, kept), createVisit(database.db, deleted)])
  // Deleted behind the cache's back: the group statement's foreign key check fails.
  await sql`delete from user_session where session_id = ${deleted.session_id}`.execute(database.db)

  const page = { url: 'https://example.com/', is_external_resource: false }
  const results = await settle<unknown>([
    insertUrlLog(database.db, kept.session_id, page),
    insertUrlLog(database.db, deleted.session_id, page),
    insertButtonLog(database.db, kept.session_id, { button_text: 'Deposit' }),
    createVisit(database.db, fresh),
    updateVisit(database.db, kept.session_id, { flags: ['is_click_deposit_button'] }, { earliestSkewMs: 0 })
  ])

  t.same(results, [{ created: true }, 'SESSION_NOT_FOUND', { created: true }, { created: true }, 'ok'])
  const stored = await readVisit(database.db, kept.session_id)
  t.match(stored, {
    is_click_deposit_button: true, urls: [{ url: page.url }], buttons: [{ button_text: 'Deposit' }]
  })
  t.equal(stored!.urls.length, 1)
  t.match(await readVisit(database.db, fresh.session_id), { email: 'new@example.com' })
})

eachDatabase(t, 'a clean group of all four kinds commits as its one statement, with every value in place',
  async (t, database) => {
  const service = await ensureService(database.db, 'Company1')
  const kept = {
    session_id: randomUUID(), service_id: service.id, email: 'kept@example.com', ip_address: null, flags: []
  }
  const fresh = { ...kept, session_id: randomUUID(), email: 'new@example.com', user_agent: 'curl/8.0' }
  await createVisit(database.db, kept)

  // The group statement goes through executeQuery; the one-row fallbacks do not.
  const statements: Array<{ sql: string, failed: boolean }> = []
  const executeQuery = database.db.executeQuery.bind(database.db)
  database.db.executeQuery = (async (query: Parameters<typeof executeQuery>[0]) => {
    const entry = { sql: (query as CompiledQuery).sql, failed: true }
    statements.push(entry)
    const result = await executeQuery(query)
    entry.failed = false
    return result
  }) as typeof database.db.executeQuery
  t.teardown(() => { database.db.executeQuery = executeQuery })

  const date = new Date('2026-12-04T10:00:00.000Z')
  const results = await settle<unknown>([
    insertUrlLog(database.db, kept.session_id,
      { url: 'https://example.com/{a,"b"}', is_external_resource: true, date }),
    insertButtonLog(database.db, kept.session_id, { button_text: 'It\'s \\ "Deposit"', date }),
    createVisit(database.db, fresh),
    updateVisit(database.db, kept.session_id, { flags: ['is_click_contacts'] }, { earliestSkewMs: 0 })
  ])

  t.same(results, [{ created: true }, { created: true }, { created: true }, 'ok'])
  t.same(statements.map(({ sql, failed }) => ({ name: /prepared (\w+)/.exec(sql)?.[1], failed })),
    [{ name: 'write_button_log_url_log_visit_create_visit_update', failed: false }])
  t.match(await readVisit(database.db, kept.session_id), {
    is_click_contacts: true,
    urls: [{ url: 'https://example.com/{a,"b"}', is_external_resource: true, date: date.toISOString() }],
    buttons: [{ button_text: 'It\'s \\ "Deposit"', date: date.toISOString() }]
  })
  t.match(await readVisit(database.db, fresh.session_id),
    { email: 'new@example.com', user_agent: 'curl/8.0' })
})

eachDatabase(t, 'forgetSessions drops ids from the cache, whatever their case', async (t, database) => {
  const service = await ensureService(database.db, 'Company1')
  const sessionId = randomUUID()
  await createVisit(database.db, {
    session_id: sessionId, service_id: service.id, email: 'a@example.com', ip_address: null, flags: []
  })
  const sessions = writeGroupsOf(database.db)!.sessions
  t.equal(sessions.has(sessionId), true)

  forgetSessions(database.db, [sessionId.toUpperCase()])
  t.equal(sessions.has(sessionId), false)
})

eachDatabase(t,
  'erasing a client drops its visits from the session cache, so logs for them answer 404',
  async (t, database) => {
  const service = await ensureService(database.db, 'Company1')
  const sessionId = randomUUID()
  await createVisit(database.db, {
    session_id: sessionId, service_id: service.id, email: 'a@example.com', ip_address: null, flags: []
  })

  t.same(await eraseClient(database.db, service.id, 'a@example.com'),
    { visits: 1, url_logs: 0, button_logs: 0 })
  t.equal(writeGroupsOf(database.db)!.sessions.has(sessionId), false)
  const page = { url: 'https://example.com/', is_external_resource: false }
  t.same(await settle([insertUrlLog(database.db, sessionId, page)]), ['SESSION_NOT_FOUND'])
})
