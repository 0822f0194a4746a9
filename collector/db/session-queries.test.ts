import { randomUUID } from 'node:crypto'
import t from 'tap'
import { eachDatabase } from '../test/databases.js'
import type { DatabaseHandle } from './database.js'
import { ensureService } from './service-queries.js'
import { createVisit, type NewVisit, readVisit, updateVisit } from './session-queries.js'

const settle = <T>(promises: Promise<T>[]) =>
  Promise.allSettled(promises).then((results) => results.map((result) =>
    result.status === 'fulfilled'
      ? result.value ?? 'ok'
      : (result.reason as { code?: string }).code ?? result.reason))

const UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) '
  + 'Version/17.0 Mobile/15E148 Safari/604.1'

async function visitOf(database: DatabaseHandle, overrides: Partial<NewVisit> = {}): Promise<NewVisit> {
  const service = await ensureService(database.db, 'Company1')
  return {
    session_id: randomUUID(), service_id: service.id, email: 'a@example.com', ip_address: '10.0.0.1',
    flags: [], ...overrides
  }
}

eachDatabase(t, 'visits created together are each created once, with their facts', async (t, database) => {
  const visits = await Promise.all(Array.from({ length: 20 }, (_, n) => visitOf(database, {
    email: `client${n}@example.com`,
    user_agent: n === 0 ? UA : undefined,
    flags: n === 1 ? ['is_change_password'] : [],
    active_seconds: n === 2 ? 30 : undefined,
    logout_time: n === 3 ? new Date('2026-12-04T10:00:00Z') : undefined
  })))

  t.same(await Promise.all(visits.map((visit) => createVisit(database.db, visit))),
    Array(20).fill({ created: true }))
  const [first, second, third, fourth] = await Promise.all(
    visits.slice(0, 4).map((visit) => readVisit(database.db, visit.session_id)))
  t.match(first, {
    email: 'client0@example.com', ip_address: '10.0.0.1', user_agent: UA, browser: 'Mobile Safari',
    device_type: 'mobile'
  })
  t.match(second, {
    is_change_password: true, password_changed_at: String, device_type: 'unknown', active_seconds: 0
  })
  t.match(third, {
    active_seconds: 30, is_change_password: false, password_changed_at: null, logout_time: null
  })
  t.equal(fourth!.logout_time, '2026-12-04T10:00:00.000Z')
})

eachDatabase(t,
  'in one group: a retried create is recognised, a clash conflicts, an unknown service fails alone',
  async (t, database) => {
  const visit = await visitOf(database)
  const others = [await visitOf(database, { service_id: 999 }), await visitOf(database)]
  const results = await settle([
    createVisit(database.db, visit),
    createVisit(database.db, { ...visit, flags: ['is_click_contacts'] }),
    createVisit(database.db, { ...visit, email: 'someone.else@example.com' }),
    ...others.map((other) => createVisit(database.db, other))
  ])

  t.same(results, [
    { created: true }, { created: false }, 'SESSION_CONFLICT', 'SERVICE_UNKNOWN', { created: true }
  ])
  t.match(await readVisit(database.db, visit.session_id), { email: 'a@example.com', is_click_contacts: true })
})

eachDatabase(t,
  'updates applied together keep the rules: flags only turn true, times keep the greatest',
  async (t, database) => {
  const visits = await Promise.all([visitOf(database), visitOf(database)])
  await Promise.all(visits.map((visit) => createVisit(database.db, visit)))
  const [a, b] = visits.map((visit) => visit.session_id)
  const noSkew = { earliestSkewMs: 0 }

  const results = await settle([
    updateVisit(database.db, a, { flags: ['is_click_platform'], active_seconds: 50 }, noSkew),
    updateVisit(database.db, a,
      { flags: ['is_change_password'], active_seconds: 20, user_agent: UA }, noSkew),
    updateVisit(database.db, b.toUpperCase(),
      { flags: [], logout_time: new Date(Date.now() + 60_000) }, noSkew),
    updateVisit(database.db, b, { flags: [], logout_time: new Date(Date.now() - 3_600_000) }, noSkew),
    updateVisit(database.db, randomUUID(), { flags: ['is_click_contacts'] }, noSkew),
    updateVisit(database.db, b, { flags: [] }, noSkew)
  ])

  t.same(results, ['ok', 'ok', 'ok', 'LOGOUT_TIME_OUT_OF_RANGE', 'SESSION_NOT_FOUND', 'ok'])
  t.match(await readVisit(database.db, a), {
    is_click_platform: true, is_change_password: true, password_changed_at: String, active_seconds: 50,
    user_agent: UA, browser: 'Mobile Safari', is_click_contacts: false
  })
  const visitB = await readVisit(database.db, b)
  t.ok(visitB!.logout_time! > new Date().toISOString(), 'the later logout time is kept')
})

eachDatabase(t,
  'an update with nothing to apply answers success for a visit and SESSION_NOT_FOUND otherwise',
  async (t, database) => {
  const visit = await visitOf(database)
  await createVisit(database.db, visit)
  t.same(await settle([
    updateVisit(database.db, visit.session_id, { flags: [] }, { earliestSkewMs: 0 }),
    updateVisit(database.db, randomUUID(), { flags: [] }, { earliestSkewMs: 0 })
  ]), ['ok', 'SESSION_NOT_FOUND'])
})

eachDatabase(t, 'a client time given for the start and for a password change is kept',
  async (t, database) => {
  const start = new Date('2026-12-04T09:00:00.000Z')
  const changed = new Date('2026-12-04T09:05:00.000Z')
  const [created, updated] = [await visitOf(database), await visitOf(database)]

  await Promise.all([
    createVisit(database.db, { ...created, login_time: start, flags: ['is_change_password'], at: changed }),
    createVisit(database.db, { ...updated, login_time: start })
  ])
  await updateVisit(database.db, updated.session_id, { flags: ['is_change_password'], at: changed },
    { earliestSkewMs: 0 })

  for (const sessionId of [created.session_id, updated.session_id]) {
    const visit = await readVisit(database.db, sessionId)
    t.same([visit!.login_time, visit!.password_changed_at], [start.toISOString(), changed.toISOString()])
  }
})
