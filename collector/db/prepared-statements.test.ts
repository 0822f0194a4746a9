import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { createTestDatabase } from '../test/databases.js'
import { openDatabase } from './database.js'
import { insertUrlLog } from './log-queries.js'
import { migrateToLatest } from './migrate.js'
import { ensureService } from './service-queries.js'
import { createVisit } from './session-queries.js'

t.test('on PostgreSQL, group statements are prepared once per connection and reused', {
  skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL'
}, async (t) => {
  const database = await openDatabase({ databaseUrl: await createTestDatabase(t), poolSize: 1 })
  t.teardown(() => database.close())
  await migrateToLatest(database.db)
  const service = await ensureService(database.db, 'Company1')
  const sessionId = randomUUID()
  await createVisit(database.db, {
    session_id: sessionId, service_id: service.id, email: 'a@example.com', ip_address: null, flags: []
  })

  for (const url of ['https://example.com/1', 'https://example.com/2']) {
    t.same(await insertUrlLog(database.db, sessionId, { url, is_external_resource: false }),
      { created: true })
  }

  // One connection: this query sees the statements the group writes prepared on it.
  const { rows } = await sql<{ name: string }>`select name from pg_prepared_statements order by name`
    .execute(database.db)
  t.same(rows.map((row) => row.name), ['write_url_log', 'write_visit_create'])
})
