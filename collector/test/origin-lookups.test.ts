import t from 'tap'
import { setAllowedOrigins } from '../db/origin-queries.js'
import { ensureService } from '../db/service-queries.js'
import { OriginPolicy } from '../origin-policy.js'
import { eachDatabase } from './databases.js'

eachDatabase(t, 'origins are restricted only once some service has a list of them', async (t, database) => {
  const service = await ensureService(database.db, 'Company1')
  await ensureService(database.db, 'Company2')
  const policy = new OriginPolicy(database.db)
  t.equal(await policy.restrictsAny(), false, 'no lists: a write needs no look-up of its service')

  await setAllowedOrigins(database.db, service.id, ['https://shop.example.com'])
  policy.forget()
  t.equal(await policy.restrictsAny(), true)
})
