import t from 'tap'
import { eachDatabase } from './databases.js'
import { ADMIN, testApp } from './app.js'

const SESSION = '6f1c8b1e-3c2a-4f4b-9a57-1d2e3f4a5b6c'

eachDatabase(t, 'a visit is created with a client-chosen id and read back whole', async (t, database) => {
  const { app, service } = await testApp(t, database)

  const created = await app.inject({
    method: 'POST',
    url: '/api/session/',
    headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1' },
    payload: { email: '  Ann@Example.COM ', service: service.id, session_id: SESSION.toUpperCase() }
  })
  t.equal(created.statusCode, 201)
  t.same(created.json(), { session_id: SESSION })

  const read = await app.inject({ method: 'GET', url: `/api/session/${SESSION}`, headers: ADMIN })
  t.equal(read.statusCode, 200)
  const visit = read.json()
  t.equal(visit.email, 'ann@example.com')
  t.equal(visit.service_id, service.id)
  t.equal(visit.ip_address, '127.0.0.1')
  t.equal(visit.browser, 'Mobile Safari')
  t.equal(visit.os, 'iOS')
  t.equal(visit.device_type, 'mobile')
  t.equal(visit.device_vendor, 'Apple')
  t.equal(visit.logout_time, null)
  t.equal(visit.is_change_password, false)
  t.same(visit.urls, [])
  t.same(visit.buttons, [])
})
