import t from 'tap'
import { buildApp } from '../app.js'
import { openDatabase } from '../db/database.js'
import { ADMIN, ADMIN_TOKEN, testApp } from './app.js'
import { eachDatabase } from './databases.js'

const SESSION = '0b8c7a52-8d7e-4c59-b1a4-6f0e2d3c4b5a'
const EVENTS = [
  'e0000000-0000-4000-8000-000000000001',
  'e0000000-0000-4000-8000-000000000002',
  'e0000000-0000-4000-8000-000000000003'
]
const HOUR = 3600 * 1000

type App = Awaited<ReturnType<typeof testApp>>['app']

function postBatch(app: App, body: unknown, contentType = 'text/plain;charset=UTF-8') {
  return app.inject({
    method: 'POST',
    url: `/api/session/${SESSION}/batch/`,
    headers: { 'content-type': contentType, origin: 'http://shop.example' },
    payload: JSON.stringify(body)
  })
}

/** A client whose clock runs an hour behind: its times are an hour before ours. */
const behind = (ms: number) => new Date(ms - HOUR).toISOString()

const url = (at: string, address: string, external: boolean, eventId: string) =>
  ({ type: 'url', at, url: address, is_external_resource: external, event_id: eventId })
const button = (at: string, text: string, eventId: string, page?: string) =>
  ({ type: 'button', at, button_text: text, event_id: eventId, ...(page && { url: page }) })

async function readVisit(app: App) {
  return (await app.inject({ method: 'GET', url: `/api/session/${SESSION}`, headers: ADMIN })).json()
}

eachDatabase(t, 'a batch creates the visit and stores its actions at corrected times', async (t, db) => {
  const { app, service } = await testApp(t, db)
  const now = Date.now()
  const response = await postBatch(app, {
    sent_at: behind(now),
    items: [
      { type: 'create', at: behind(now - 30_000), service: service.id, email: 'Ann@Example.com' },
      url(behind(now - 30_000), 'https://shop.example/', false, EVENTS[0]),
      button(behind(now - 20_000), ' Deposit ', EVENTS[1], 'https://shop.example/lk'),
      url(behind(now - 10_000), 'https://other.example/', true, EVENTS[2]),
      {
        type: 'update',
        at: behind(now - 5000),
        logout_time: behind(now - 1000),
        active_seconds: 25,
        is_change_password: true
      }
    ]
  })

  t.equal(response.statusCode, 200)
  t.equal(response.headers['access-control-allow-origin'], 'http://shop.example')
  const statuses = [201, 201, 201, 201, 200].map((status) => ({ status }))
  t.same(response.json(), { success: true, results: statuses })

  const visit = await readVisit(app)
  t.equal(visit.email, 'ann@example.com')
  const urls = visit.urls.map((row: { url: string }) => row.url)
  t.same(urls, ['https://shop.example/', 'https://other.example/'])
  t.same(visit.urls.map((row: { is_external_resource: boolean }) => row.is_external_resource), [false, true])
  t.same(visit.buttons.map((row: { button_text: string }) => row.button_text), ['Deposit'])
  t.equal(visit.active_seconds, 25)
  t.equal(visit.is_change_password, true)

  // Each time lands where it happened on our clock, within the batch's transit time.
  const near = (iso: string, expected: number) => Math.abs(Date.parse(iso) - expected) < 5000
  t.ok(near(visit.login_time, now - 30_000), `login_time ${visit.login_time}`)
  t.ok(near(visit.urls[1].date, now - 10_000), `second url at ${visit.urls[1].date}`)
  t.ok(near(visit.buttons[0].date, now - 20_000), `button at ${visit.buttons[0].date}`)
  t.ok(near(visit.password_changed_at, now - 5000), `password changed at ${visit.password_changed_at}`)
  t.ok(near(visit.logout_time, now - 1000), `logout_time ${visit.logout_time}`)
})

eachDatabase(t, 'client times within 2 s of ours are kept: order holds across batches', async (t, db) => {
  const { app, service } = await testApp(t, db)
  // A client 1.5 s behind (or a batch 1.5 s in transit): that is not taken for skew.
  const at = new Date(Date.now() - 1500).toISOString()
  const response = await postBatch(app, {
    sent_at: at,
    items: [
      { type: 'create', at, service: service.id, email: 'dee@example.com' },
      url(at, 'https://shop.example/one', false, EVENTS[0])
    ]
  })
  t.same(response.json().results, [{ status: 201 }, { status: 201 }])

  const visit = await readVisit(app)
  t.equal(visit.urls[0].date, at, 'the client time, unchanged')
  t.equal(visit.login_time, at)
})

eachDatabase(t, 'a bad item is refused on its own and the others are stored', async (t, database) => {
  const { app, service } = await testApp(t, database)
  const now = new Date().toISOString()
  const response = await postBatch(app, {
    sent_at: now,
    items: [
      { type: 'create', at: now, service: service.id, email: 'bob@example.com' },
      url(now, 'mailto:help@shop.example', false, EVENTS[0]),
      { type: 'page', at: now },
      { ...button(now, 'Pay', EVENTS[1]), colour: 'red' },
      button(now, '   ', EVENTS[1]),
      url('2001-01-01T00:00:00Z', 'https://shop.example/', false, EVENTS[2]),
      { type: 'update', at: now },
      button(now, 'Pay', EVENTS[1])
    ]
  }, 'application/json')

  t.equal(response.statusCode, 200)
  type Result = { status: number, error?: { code: string, message: string } }
  const results = response.json().results as Result[]
  t.same(results.map((result) => [result.status, result.error?.code]), [
    [201, undefined],
    [400, 'URL_INVALID'],
    [400, 'BODY_INVALID'],
    [400, 'BODY_INVALID'],
    [400, 'BUTTON_TEXT_INVALID'],
    [400, 'CLIENT_TIME_OUT_OF_RANGE'],
    [400, 'BODY_EMPTY'],
    [201, undefined]
  ])
  t.equal(results[2].error?.message, 'items/2/type must be one of create, update, url, button')
  t.equal(results[3].error?.message, 'items/3/colour is not a known field')
})

eachDatabase(t, 'a batch counts button text in characters: 1000 emoji fit, 1001 do not', async (t, db) => {
  const { app, service } = await testApp(t, db)
  const now = new Date().toISOString()
  const response = await postBatch(app, {
    sent_at: now,
    items: [
      { type: 'create', at: now, service: service.id, email: 'dee@example.com' },
      button(now, '\u{1F600}'.repeat(1000), EVENTS[0]),
      button(now, '\u{1F600}'.repeat(1001), EVENTS[1])
    ]
  })

  const results = response.json().results as { status: number, error?: { code: string } }[]
  t.same(results.map((result) => [result.status, result.error?.code]),
    [[201, undefined], [201, undefined], [400, 'BUTTON_TEXT_INVALID']])
  t.same((await readVisit(app)).buttons.map((row: { button_text: string }) => row.button_text),
    ['\u{1F600}'.repeat(1000)])
})

eachDatabase(t, 'a retried batch is stored once and answers 200 for each item', async (t, database) => {
  const { app, service } = await testApp(t, database)
  const now = new Date().toISOString()
  const batch = {
    sent_at: now,
    items: [
      { type: 'create', at: now, service: service.id, email: 'cy@example.com' },
      url(now, 'https://shop.example/', false, EVENTS[0]),
      { type: 'update', at: now, is_click_contacts: true }
    ]
  }
  t.same((await postBatch(app, batch)).json().results, [{ status: 201 }, { status: 201 }, { status: 200 }])
  t.same((await postBatch(app, batch)).json().results, [{ status: 200 }, { status: 200 }, { status: 200 }])

  const visit = await readVisit(app)
  t.equal(visit.urls.length, 1)
  t.equal(visit.is_click_contacts, true)
})

eachDatabase(t, 'actions of a visit that was never created answer 404 each', async (t, database) => {
  const { app } = await testApp(t, database)
  const now = new Date().toISOString()
  const response = await postBatch(app, {
    sent_at: now,
    items: [
      url(now, 'https://shop.example/', false, EVENTS[0]),
      { type: 'update', at: now, is_click_platform: true }
    ]
  })
  t.equal(response.statusCode, 200)
  const codes = response.json().results.map((result: { error: { code: string } }) => result.error.code)
  t.same(codes, ['SESSION_NOT_FOUND', 'SESSION_NOT_FOUND'])
})

eachDatabase(t, 'a malformed batch answers 400 as a whole', async (t, database) => {
  const { app } = await testApp(t, database)
  const now = new Date().toISOString()
  const item = { type: 'update', at: now, is_click_platform: true }
  const cases: [string, unknown, string][] = [
    ['no sent_at', { items: [item] }, 'body/sent_at is required'],
    ['no items', { sent_at: now, items: [] }, 'body/items must NOT have fewer than 1 items'],
    ['101 items',
      { sent_at: now, items: Array(101).fill(item) },
      'body/items must NOT have more than 100 items'],
    ['an unknown field', { sent_at: now, items: [item], mode: 'fast' }, 'body/mode is not a known field'],
    ['a false date', { sent_at: '2026-13-40T00:00:00Z', items: [item] },
      'body/sent_at is not a real date and time']
  ]
  for (const [name, body, message] of cases) {
    const response = await postBatch(app, body)
    t.equal(response.statusCode, 400, name)
    t.same(response.json().error, { code: 'BODY_INVALID', message }, name)
  }
})

t.test('a batch answers 503 with Retry-After when the database does not answer', async (t) => {
  // Nothing listens on port 1, so every query fails to connect.
  const database = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1 })
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN })
  t.teardown(async () => {
    await app.close()
    await database.close()
  })

  const now = new Date().toISOString()
  const items = [{ type: 'update', at: now, is_click_platform: true }]
  const response = await postBatch(app, { sent_at: now, items })
  t.equal(response.statusCode, 503)
  t.equal(response.headers['retry-after'], '5')
  t.equal(response.headers['access-control-expose-headers'], 'Retry-After')
  t.equal(response.json().error.code, 'DATABASE_UNAVAILABLE')
})
