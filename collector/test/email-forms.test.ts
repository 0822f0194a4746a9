import t from 'tap'
import type { InjectOptions } from 'fastify'
import { errorBody } from '../errors.js'
import { ADMIN } from './app.js'
import { hardenedApp, perDatabase } from './hardening.js'

// One address, one client: however its letters are composed, and never with invisible characters.

const NFC = 'jos\u00e9@example.com'
const NFD = 'jose\u0301@example.com'

const create = (service: number, email: string, id?: string): InjectOptions => ({
  method: 'POST', url: '/api/session/', payload: { email, service, ...(id && { session_id: id }) }
})

const batchCreate = (service: number, email: string, id: string): InjectOptions => {
  const now = new Date().toISOString()
  return {
    method: 'POST', url: `/api/session/${id}/batch/`,
    payload: { sent_at: now, items: [{ type: 'create', at: now, service, email }] }
  }
}

perDatabase(t, async (t, database) => {
  t.test('an email composed (NFC) or decomposed (NFD) is one client everywhere', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    t.equal((await app.inject(create(service.id, NFC, visit(1)))).statusCode, 201)
    t.equal((await app.inject(create(service.id, NFD.toUpperCase(), visit(2)))).statusCode, 201)
    const batch = await app.inject(batchCreate(service.id, NFD, visit(3)))
    t.same(batch.json().results, [{ status: 201 }])

    const clients = await app.inject({ url: `/api/client/?service=${service.id}`, headers: ADMIN })
    t.same(clients.json().clients.map((row: { email: string, visits: number }) => [row.email, row.visits]),
      [[NFC, 3]])
    const byNfd = await app.inject({ url: `/api/client/${encodeURIComponent(NFD)}/`, headers: ADMIN })
    t.same([byNfd.statusCode, byNfd.json().client.email], [200, NFC])
    const visits = await app.inject({ url: `/api/session/?email=${encodeURIComponent(NFD)}`, headers: ADMIN })
    t.equal(visits.json().visits.length, 3)

    const erased = await app.inject({
      method: 'DELETE', url: `/api/client/${encodeURIComponent(NFD)}/?service=${service.id}`, headers: ADMIN
    })
    t.same(erased.json(), { success: true, visits: 3, url_logs: 0, button_logs: 0 })
  })

  t.test('an email with a control or format character is refused with EMAIL_INVALID', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    const invisible = [
      ['a left-to-right mark at the end', 'rtl@example.com\u200e'],
      ['only a right-to-left override before the @', '\u202e@example.com'],
      ['a zero-width space', 'a\u200bnn@example.com'],
      ['a soft hyphen', 'an\u00adn@example.com'],
      ['an escape character', 'ann\u001b@example.com']
    ]
    for (const [name, email] of invisible) {
      const response = await app.inject(create(service.id, email))
      t.same([response.statusCode, response.json()], [400, errorBody('EMAIL_INVALID')], name)
    }

    const batch = await app.inject(batchCreate(service.id, 'rtl@example.com\u200e', visit(1)))
    t.same(batch.json().results, [{ status: 400, error: errorBody('EMAIL_INVALID').error }], 'in a batch')

    const paths = ['/api/client/a%00@b.co/', '/api/client/rtl%40example.com%E2%80%8E/']
    for (const path of paths) {
      const url = `${path}?service=${service.id}`
      const erased = await app.inject({ method: 'DELETE', url, headers: ADMIN })
      t.same([erased.statusCode, erased.json()], [400, errorBody('EMAIL_INVALID')], `erasure of ${path}`)
    }
    const stored = await database.db.selectFrom('user_session').select('session_id')
      .where('service_id', '=', service.id).execute()
    t.same(stored, [], 'nothing was stored')
  })
})
