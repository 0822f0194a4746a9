import t from 'tap'
import { setAllowedOrigins } from '../db/origin-queries.js'
import { ensureService } from '../db/service-queries.js'
import { openDatabase } from '../db/database.js'
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

eachDatabase(t, 'an Origin header gets the same answers after a thousand others were asked',
  async (t, database) => {
  const service = await ensureService(database.db, 'Company1')
  await setAllowedOrigins(database.db, service.id, ['https://shop.example.com'])
  const policy = new OriginPolicy(database.db)
  const answers = async () => [
    await policy.corsOrigin('https://Shop.Example.com:443'),
    await policy.corsOrigin('null'),
    await policy.corsOrigin('https://evil.example'),
    await policy.allows(service.id, 'https://Shop.Example.com:443'),
    await policy.allows(service.id, 'null')
  ]
  const expected = ['https://Shop.Example.com:443', undefined, undefined, true, false]

  t.strictSame(await answers(), expected, 'the header is echoed as sent, matched in its normal form')
  for (let n = 0; n < 1500; n++) await policy.corsOrigin(`https://site-${n}.example`)
  t.strictSame(await answers(), expected, 'asked again once others have taken its place in memory')
})

eachDatabase(t, 'a list changed by another collector copy applies to the first request after a quiet spell',
  async (t, database) => {
  const service = await ensureService(database.db, 'Company1')
  const policy = new OriginPolicy(database.db, { ttlMs: 50 })
  t.equal(await policy.allows(service.id, 'https://evil.example'), true, 'no list: every origin')

  // Another copy changes the list; this policy is not told (no forget()).
  await setAllowedOrigins(database.db, service.id, ['https://shop.example.com'])
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal(await policy.allows(service.id, 'https://evil.example'), false)
  t.equal(await policy.allows(service.id, 'https://shop.example.com'), true)
})

t.test('while the lists cannot be read and there is no copy, a request waits for one failure only',
  async (t) => {
  // Port 1 on loopback refuses at once: a database that is down.
  const database = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1 })
  t.teardown(() => database.close())
  const policy = new OriginPolicy(database.db)

  const first = await policy.corsOrigin('https://shop.example')
  t.equal(first, 'https://shop.example', 'the page may read the 503 that follows')
  const failed = (answer: Promise<unknown>) => answer.then(() => undefined, (error: unknown) => error)
  const failures = [
    await failed(policy.restrictsAny()),
    await failed(policy.allows(1, 'https://shop.example'))
  ]
  t.ok(failures[0] instanceof Error)
  t.equal(failures[1], failures[0], 'the same failure, answered again without a second wait')

  policy.forget()
  const after = await failed(policy.restrictsAny())
  t.not(after, failures[0], 'a change of lists asks the database again')
})
