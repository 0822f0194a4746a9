import t from 'tap'
import { eachDatabase } from './databases.js'
import { ADMIN, testApp } from './app.js'

const SESSION = '3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a'
const EVENT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'

async function withVisit(t: Parameters<Parameters<typeof eachDatabase>[2]>[0],
  database: Parameters<Parameters<typeof eachDatabase>[2]>[1]) {
  const { app, service } = await testApp(t, database)
  await app.inject({
    method: 'POST', url: '/api/session/',
    payload: { email: 'ann@example.com', service: service.id, session_id: SESSION }
  })
  const post = (kind: 'url' | 'button', payload: object, id = SESSION) =>
    app.inject({ method: 'POST', url: `/api/session/${id}/${kind}/`, payload })
  const read = async () =>
    (await app.inject({ method: 'GET', url: `/api/session/${SESSION}`, headers: ADMIN })).json()
  return { post, read }
}

eachDatabase(t, 'visited URLs and pressed buttons are stored in order', async (t, database) => {
  const { post, read } = await withVisit(t, database)

  t.equal((await post('url', { url: 'https://shop.example/', is_external_resource: false })).statusCode, 201)
  t.equal((await post('url', {
    url: 'https://platform.example/app', is_external_resource: true
  })).statusCode, 201)
  const button = await post('button', { button_text: '  Deposit  ', url: 'https://shop.example/lk' })
  t.equal(button.statusCode, 201)
  t.same(button.json(), { success: true })
  t.equal((await post('button', { button_text: 'Send' })).statusCode, 201, 'the page URL is optional')

  const visit = await read()
  t.same(visit.urls.map(
    (row: { url: string, is_external_resource: boolean }) => [row.url, row.is_external_resource]
  ), [
    ['https://shop.example/', false],
    ['https://platform.example/app', true]
  ])
  t.same(visit.buttons.map(
    (row: { button_text: string, url: string | null }) => [row.button_text, row.url]
  ), [
    ['Deposit', 'https://shop.example/lk'],
    ['Send', null]
  ])
})

eachDatabase(t, 'a replayed event_id is stored once; different content under it is a conflict',
  async (t, database) => {
  const { post, read } = await withVisit(t, database)
  const log = { url: 'https://shop.example/contacts', is_external_resource: false, event_id: EVENT }

  t.equal((await post('url', log)).statusCode, 201)
  t.equal((await post('url', { ...log, event_id: EVENT.toUpperCase() })).statusCode, 200)
  const conflict = await post('url', { ...log, url: 'https://shop.example/other' })
  t.equal(conflict.statusCode, 409)
  t.equal(conflict.json().error.code, 'EVENT_CONFLICT')

  const press = { button_text: 'Deposit', event_id: EVENT }
  t.equal((await post('button', press)).statusCode, 201, 'event ids are per table')
  t.equal((await post('button', press)).statusCode, 200)
  t.equal((await post('button', { ...press, button_text: 'Withdraw' })).statusCode, 409)

  const visit = await read()
  t.equal(visit.urls.length, 1)
  t.equal(visit.buttons.length, 1)
  t.equal(visit.urls[0].event_id, EVENT)
})

eachDatabase(t, 'text is stored exactly as sent', async (t, database) => {
  const { post, read } = await withVisit(t, database)
  const texts = ['Пополнить 💸', 'إيداع', 'e\u0301te\u0301', '👩‍👩‍👧‍👦 family']
  for (const text of texts) await post('button', { button_text: text })
  const url = 'https://shop.example/поиск?q=%D0%B0&x=1#frag'
  await post('url', { url, is_external_resource: false })

  const visit = await read()
  t.same(visit.buttons.map((row: { button_text: string }) => row.button_text), texts)
  t.equal(visit.urls[0].url, url)
})

eachDatabase(t, 'button text is counted in characters, not UTF-16 units: 1000 emoji fit, 1001 do not',
  async (t, database) => {
  const { post, read } = await withVisit(t, database)
  const emoji = (count: number) => '\u{1F600}'.repeat(count)

  t.equal((await post('button', { button_text: emoji(600) })).statusCode, 201, '600 emoji, 1200 units')
  t.equal((await post('button', { button_text: ` ${emoji(1000)} ` })).statusCode, 201, '1000 after trimming')
  const over = await post('button', { button_text: emoji(1001) })
  t.equal(over.statusCode, 400)
  t.equal(over.json().error.code, 'BUTTON_TEXT_INVALID')

  const visit = await read()
  t.same(visit.buttons.map((row: { button_text: string }) => row.button_text), [emoji(600), emoji(1000)])
})

eachDatabase(t, 'logs refuse bad URLs, bad texts and unknown visits', async (t, database) => {
  const { post, read } = await withVisit(t, database)
  const unknown = '99999999-8888-4777-8666-555555555555'
  const cases: Array<[string, 'url' | 'button', object, string, number, string]> = [
    ['relative url', 'url', { url: '/contacts', is_external_resource: false }, SESSION, 400, 'URL_INVALID'],
    ['ftp url', 'url', { url: 'ftp://shop.example/', is_external_resource: false }, SESSION, 400,
      'URL_INVALID'],
    ['javascript url', 'url', { url: 'javascript:alert(1)', is_external_resource: false }, SESSION, 400,
      'URL_INVALID'],
    ['url too long', 'url', { url: `https://shop.example/${'a'.repeat(8200)}`, is_external_resource: false },
      SESSION, 400, 'BODY_INVALID'],
    ['missing flag', 'url', { url: 'https://shop.example/' }, SESSION, 400, 'BODY_INVALID'],
    ['bad event id', 'url', { url: 'https://shop.example/', is_external_resource: false, event_id: '1' },
      SESSION, 400, 'BODY_INVALID'],
    ['unknown visit', 'url', { url: 'https://shop.example/', is_external_resource: false }, unknown, 404,
      'SESSION_NOT_FOUND'],
    ['blank text', 'button', { button_text: '   ' }, SESSION, 400, 'BUTTON_TEXT_INVALID'],
    ['text too long', 'button', { button_text: 'x'.repeat(1001) }, SESSION, 400, 'BUTTON_TEXT_INVALID'],
    ['bad page url', 'button', { button_text: 'Go', url: 'nope' }, SESSION, 400, 'URL_INVALID'],
    ['unknown visit', 'button', { button_text: 'Go' }, unknown, 404, 'SESSION_NOT_FOUND'],
    ['malformed id', 'button', { button_text: 'Go' }, 'abc', 400, 'SESSION_ID_INVALID']
  ]
  for (const [name, kind, payload, id, status, code] of cases) {
    const response = await post(kind, payload, id)
    t.equal(response.statusCode, status, `${kind}: ${name}`)
    t.equal(response.json().error.code, code, `${kind}: ${name}`)
  }
  t.equal((await post('button', { button_text: ` ${'x'.repeat(1000)} ` })).statusCode, 201,
    '1000 after trimming')

  const visit = await read()
  t.equal(visit.urls.length, 0)
  t.equal(visit.buttons.length, 1)
})
