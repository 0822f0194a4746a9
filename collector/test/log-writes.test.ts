import { randomUUID } from 'node:crypto'
import t from 'tap'
import { ADMIN, testApp } from './app.js'
import { eachDatabase } from './databases.js'

type App = Awaited<ReturnType<typeof testApp>>['app']

async function newVisit(app: App, service: number) {
  const sessionId = randomUUID()
  const created = await app.inject({
    method: 'POST', url: '/api/session/', payload: { email: 'a@example.com', service, session_id: sessionId }
  })
  if (created.statusCode !== 201) throw new Error(`visit not created: ${created.body}`)
  return sessionId
}

const logUrl = (app: App, sessionId: string, payload: object) =>
  app.inject({ method: 'POST', url: `/api/session/${sessionId}/url/`, payload })
const logButton = (app: App, sessionId: string, payload: object) =>
  app.inject({ method: 'POST', url: `/api/session/${sessionId}/button/`, payload })

eachDatabase(t, 'concurrent log requests are each answered 201 and stored exactly once',
  async (t, database) => {
  const { app, service } = await testApp(t, database)
  const sessionId = await newVisit(app, service.id)
  const pages = Array.from({ length: 40 }, (_, n) => `https://example.com/page/${n}`)

  const answers = await Promise.all([
    ...pages.map((url) =>
      logUrl(app, sessionId, { url, is_external_resource: false, event_id: randomUUID() })),
    ...pages.map((url) => logButton(app, sessionId, { button_text: ` Deposit `, url }))
  ])

  t.same(answers.map((answer) => answer.statusCode), Array(80).fill(201))
  t.same(answers[0].json(), { success: true })
  const visit = (await app.inject({
    method: 'GET', url: `/api/session/${sessionId}/`, headers: ADMIN
  })).json()
  t.same(visit.urls.map((row: { url: string }) => row.url).sort(), [...pages].sort())
  t.same(visit.buttons.map((row: { url: string }) => row.url).sort(), [...pages].sort())
  t.same(new Set(visit.buttons.map((row: { button_text: string }) => row.button_text)), new Set(['Deposit']))
})

eachDatabase(t,
  'in a burst, a log for an unknown visit answers 404 SESSION_NOT_FOUND and the others 201',
  async (t, database) => {
  const { app, service } = await testApp(t, database)
  const sessionId = await newVisit(app, service.id)
  const page = { url: 'https://example.com/', is_external_resource: false }

  const answers = await Promise.all([
    logUrl(app, sessionId, page), logUrl(app, randomUUID(), page), logUrl(app, sessionId, page)
  ])

  t.same(answers.map((answer) => answer.statusCode), [201, 404, 201])
  t.same(answers[1].json().error.code, 'SESSION_NOT_FOUND')
})

eachDatabase(t,
  'a replayed event answers 200, the same event_id with other content 409 EVENT_CONFLICT',
  async (t, database) => {
  const { app, service } = await testApp(t, database)
  const sessionId = await newVisit(app, service.id)
  const eventId = randomUUID()
  const press = (button_text: string) => logButton(app, sessionId, { button_text, event_id: eventId })

  const burst = await Promise.all([press('Deposit'), press('Deposit'), press('Sign in')])
  t.same(burst.map((answer) => answer.statusCode), [201, 200, 409])
  t.same(burst[2].json().error.code, 'EVENT_CONFLICT')

  const later = await Promise.all([press('Deposit'), press('Sign in')])
  t.same(later.map((answer) => answer.statusCode), [200, 409])
  const visit = (await app.inject({
    method: 'GET', url: `/api/session/${sessionId}/`, headers: ADMIN
  })).json()
  t.equal(visit.buttons.length, 1)
})
