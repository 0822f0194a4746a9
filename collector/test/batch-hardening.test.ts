import t from 'tap'
import { ADMIN } from './app.js'
import { hardenedApp, perDatabase, rowCounts } from './hardening.js'

const NOW = () => new Date().toISOString()

function batchCreate(service: number) {
  return { sent_at: NOW(), items: [{ type: 'create', at: NOW(), service, email: 'ann@example.com' }] }
}

perDatabase(t, async (t, database) => {
  t.test('a batch that creates a visit from a refused origin stores nothing', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    const allowed = await app.inject({ method: 'PATCH', url: `/api/service/${service.id}/`, headers: ADMIN,
      payload: { allowed_origins: ['https://shop.example'] } })
    t.equal(allowed.statusCode, 200)
    const before = await rowCounts(database)

    const refused = await app.inject({ method: 'POST', url: `/api/session/${visit(1)}/batch/`,
      headers: { origin: 'https://evil.example' }, payload: batchCreate(service.id) })
    t.equal(refused.statusCode, 403)
    t.equal(refused.json().error.code, 'ORIGIN_NOT_ALLOWED')
    t.same(await rowCounts(database), before)

    const accepted = await app.inject({ method: 'POST', url: `/api/session/${visit(2)}/batch/`,
      headers: { origin: 'https://shop.example' }, payload: batchCreate(service.id) })
    t.equal(accepted.statusCode, 200)
    t.same(accepted.json().results.map((result: { status: number }) => result.status), [201])
  })

  t.test('a batch create stores the truncated address when IP_TRUNCATE is on', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database, { ipTruncate: true })
    const created = await app.inject({ method: 'POST', url: `/api/session/${visit(1)}/batch/`,
      remoteAddress: '203.0.113.77', payload: batchCreate(service.id) })
    t.equal(created.statusCode, 200)
    const read = await app.inject({ method: 'GET', url: `/api/session/${visit(1)}/`, headers: ADMIN })
    t.equal(read.json().ip_address, '203.0.113.0')
  })
})
