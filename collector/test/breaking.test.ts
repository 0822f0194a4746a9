import t from 'tap'
import { eachDatabase } from './databases.js'
import { ADMIN, testApp } from './app.js'

eachDatabase(t, 'a deeply nested body answers 400, not 500', async (t, database) => {
  const { app } = await testApp(t, database)
  const depth = 20_000
  const response = await app.inject({
    method: 'POST', url: '/api/session/', headers: { 'content-type': 'text/plain' },
    payload: '['.repeat(depth) + ']'.repeat(depth)
  })
  t.equal(response.statusCode, 400)
  t.equal(response.json().error.code, 'BODY_INVALID')
})

eachDatabase(t, 'an IPv6 address with a zone id is refused as invalid', async (t, database) => {
  const { app, service } = await testApp(t, database)
  for (const ip of ['fe80::1%eth0', '::ffff:1.2.3.4%eth0', '2001:db8::1%25']) {
    const response = await app.inject({
      method: 'POST', url: '/api/session/', headers: ADMIN,
      payload: { email: 'ip@example.com', service: service.id, ip_address: ip }
    })
    t.equal(response.statusCode, 400, ip)
    t.equal(response.json().error.code, 'IP_ADDRESS_INVALID', ip)
  }
})
