import t from 'tap'
import { eachDatabase } from './databases.js'
import { ADMIN, ADMIN_TOKEN, testApp } from './app.js'
import { ensureService } from '../db/service-queries.js'

eachDatabase(t, 'services are added and listed with the admin token', async (t, database) => {
  const { app, service } = await testApp(t, database)
  const added = await app.inject({
    method: 'POST', url: '/api/service', headers: ADMIN, payload: { service_name: ' Company2 ' }
  })
  t.equal(added.statusCode, 201)
  t.same(added.json(), { id: service.id + 1, service_name: 'Company2' })

  const again = await app.inject({
    method: 'POST', url: '/api/service/', headers: ADMIN, payload: { service_name: 'Company2' }
  })
  t.equal(again.statusCode, 409)
  t.equal(again.json().error.code, 'SERVICE_NAME_TAKEN')

  const list = await app.inject({ method: 'GET', url: '/api/service/', headers: ADMIN })
  t.same(list.json(), [
    { id: service.id, service_name: 'Company1' },
    { id: service.id + 1, service_name: 'Company2' }
  ])
})

eachDatabase(t, 'admin endpoints answer 401 without the right token', async (t, database) => {
  const { app } = await testApp(t, database)
  const attempts = [
    {},
    { authorization: 'Bearer wrong-token' },
    { authorization: `Bearer ${ADMIN_TOKEN}x` },
    { authorization: ADMIN_TOKEN },
    { authorization: `Basic ${ADMIN_TOKEN}` }
  ]
  for (const headers of attempts) {
    for (const [method, url] of [['GET', '/api/service/'], ['POST', '/api/service/'],
      ['GET', '/api/session/3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a/']] as const) {
      const response = await app.inject({
        method, url, headers, payload: method === 'POST' ? { service_name: 'X' } : undefined
      })
      t.equal(response.statusCode, 401, `${method} ${url} with ${JSON.stringify(headers)}`)
      t.equal(response.json().error.code, 'ADMIN_TOKEN_REQUIRED')
    }
  }
})

eachDatabase(t, 'ensuring an existing service again uses up no id', async (t, database) => {
  const { app, service } = await testApp(t, database)
  t.same(await ensureService(database.db, 'Company1'), service)
  t.same(await ensureService(database.db, 'Company1'), service)
  const added = await app.inject({
    method: 'POST', url: '/api/service/', headers: ADMIN, payload: { service_name: 'Next' }
  })
  t.equal(added.json().id, service.id + 1)
})
