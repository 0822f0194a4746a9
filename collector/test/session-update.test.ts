import t from 'tap'
import { eachDatabase } from './databases.js'
import { ADMIN, testApp } from './app.js'

const SESSION = '0b7e2a1c-5d4f-4e3a-8b2c-9d8e7f6a5b4c'

async function withVisit(t: Parameters<Parameters<typeof eachDatabase>[2]>[0],
  database: Parameters<Parameters<typeof eachDatabase>[2]>[1]) {
  const { app, service } = await testApp(t, database, { clockSkewMs: 60_000 })
  await app.inject({
    method: 'POST', url: '/api/session/',
    payload: { email: 'ann@example.com', service: service.id, session_id: SESSION }
  })
  const put = (payload: unknown, method: 'PUT' | 'POST' = 'PUT', id = SESSION) =>
    app.inject({ method, url: `/api/session/${id}/`, payload: payload as object })
  const read = async () =>
    (await app.inject({ method: 'GET', url: `/api/session/${SESSION}`, headers: ADMIN })).json()
  return { app, put, read }
}

eachDatabase(t, 'flags only go from false to true, on PUT and on POST alike', async (t, database) => {
  const { put, read } = await withVisit(t, database)

  const first = await put({ is_click_platform: true, is_click_contacts: false })
  t.equal(first.statusCode, 200)
  t.same(first.json(), { success: true })
  t.equal((await put({ is_write_to_support: true }, 'POST')).statusCode, 200)
  t.equal((await put({ is_click_platform: false })).statusCode, 200)

  const visit = await read()
  t.same([visit.is_click_platform, visit.is_click_contacts, visit.is_write_to_support], [true, false, true])
})

eachDatabase(t, 'password_changed_at is set when the flag first becomes true and kept',
  async (t, database) => {
  const { put, read } = await withVisit(t, database)
  await put({ is_change_password: true })
  const firstTime = (await read()).password_changed_at
  t.type(firstTime, 'string')

  await new Promise((resolve) => setTimeout(resolve, 20))
  await put({ is_change_password: true })
  const visit = await read()
  t.equal(visit.is_change_password, true)
  t.equal(visit.password_changed_at, firstTime)
})

eachDatabase(t, 'logout_time keeps the latest value and refuses times outside the visit',
  async (t, database) => {
  const { put, read } = await withVisit(t, database)
  const now = Date.now()
  const later = new Date(now + 1000).toISOString()
  const earlier = new Date(now - 500).toISOString()

  t.equal((await put({ logout_time: later })).statusCode, 200)
  t.equal((await put({ logout_time: earlier })).statusCode, 200)
  t.equal((await read()).logout_time, later)

  for (const time of ['2020-01-01T00:00:00Z', new Date(now + 3_600_000).toISOString()]) {
    const response = await put({ logout_time: time })
    t.equal(response.statusCode, 400, time)
    t.equal(response.json().error.code, 'LOGOUT_TIME_OUT_OF_RANGE', time)
  }
  const withOffset = new Date(now + 2000).toISOString().replace('Z', '+00:00')
  t.equal((await put({ logout_time: withOffset })).statusCode, 200, 'an explicit offset is accepted')
  const noOffset = await put({ logout_time: '2026-12-04T10:00:00' })
  t.equal(noOffset.json().error.code, 'BODY_INVALID', 'a time without offset is refused')
})

eachDatabase(t, 'active_seconds only grows', async (t, database) => {
  const { put, read } = await withVisit(t, database)
  await put({ active_seconds: 40 })
  await put({ active_seconds: 25 })
  t.equal((await read()).active_seconds, 40)
  t.equal((await put({ active_seconds: -1 })).statusCode, 400)
})

eachDatabase(t, 'a new user agent is parsed again', async (t, database) => {
  const { put, read } = await withVisit(t, database)
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
  await put({ user_agent: firefox })
  const visit = await read()
  t.same([visit.user_agent, visit.browser, visit.browser_version, visit.os, visit.device_type],
    [firefox, 'Firefox', '128.0', 'Linux', 'desktop'])
})

eachDatabase(t, 'updates refuse empty, unknown, mistyped and misaddressed bodies', async (t, database) => {
  const { put } = await withVisit(t, database)
  const cases: Array<[string, unknown, string, number, string]> = [
    ['empty body', {}, SESSION, 400, 'BODY_EMPTY'],
    ['unknown field', { is_admin: true }, SESSION, 400, 'BODY_INVALID'],
    ['wrong type', { is_click_platform: 'yes' }, SESSION, 400, 'BODY_INVALID'],
    ['array body', [], SESSION, 400, 'BODY_INVALID'],
    ['malformed id', { is_click_platform: true }, 'not-a-uuid', 400, 'SESSION_ID_INVALID'],
    ['unknown id', { is_click_platform: true }, '11111111-2222-4333-8444-555555555555', 404,
      'SESSION_NOT_FOUND']
  ]
  for (const [name, payload, id, status, code] of cases) {
    const response = await put(payload, 'PUT', id)
    t.equal(response.statusCode, status, name)
    t.equal(response.json().error.code, code, name)
  }
  t.equal((await put({ is_click_contacts: true }, 'PUT', SESSION.toUpperCase())).statusCode, 200,
    'ids match in any case')
})
