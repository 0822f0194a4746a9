import t from 'tap'
import type { FastifyBaseLogger } from 'fastify'
import { sql } from 'kysely'
import { clientErase } from '../../scripts/commands/erasure.js'
import { retention } from '../../scripts/commands/retention.js'
import type { DatabaseHandle } from '../db/database.js'
import { ensureService } from '../db/service-queries.js'
import { errorBody } from '../errors.js'
import { makeRetentionPass } from '../retention.js'
import { ADMIN } from './app.js'
import { hardenedApp, perDatabase, rowCounts } from './hardening.js'

interface Seed {
  id: string
  service: number
  email: string
  urls?: number
  buttons?: number
  daysAgo?: number
}

/** Visits with url and button logs, written straight to the database. */
async function seed(database: DatabaseHandle, visits: Seed[]) {
  for (const visit of visits) {
    await database.db.insertInto('user_session').values({
      session_id: visit.id, service_id: visit.service, email: visit.email, user_agent: null, ip_address: null,
      browser: null, browser_version: null, os: null, os_version: null, device_type: 'desktop',
      device_vendor: null, device_model: null, logout_time: null, password_changed_at: null,
      login_time: sql`now() - make_interval(days => ${visit.daysAgo ?? 0})`
    }).execute()
    for (let i = 0; i < (visit.urls ?? 0); i++) {
      await database.db.insertInto('url_log')
        .values({ session_id: visit.id, url: `https://shop.example/${i}`, is_external_resource: false,
          event_id: null })
        .execute()
    }
    for (let i = 0; i < (visit.buttons ?? 0); i++) {
      await database.db.insertInto('button_log')
        .values({ session_id: visit.id, button_text: `Button ${i}`, url: null, event_id: null }).execute()
    }
  }
}

async function remainingVisits(database: DatabaseHandle, ids: string[]) {
  const rows = await database.db.selectFrom('user_session').select('session_id')
    .where('session_id', 'in', ids).orderBy('session_id').execute()
  return rows.map((row) => row.session_id)
}

function collect() {
  const lines: string[] = []
  return { lines, out: (line: string) => { lines.push(line) } }
}

perDatabase(t, async (t, database) => {
  t.test('erasure deletes one client in one service and says how much went', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    const other = await ensureService(database.db, `${service.service_name}-other`)
    await seed(database, [
      { id: visit(1), service: service.id, email: 'ann@example.com', urls: 2, buttons: 1 },
      { id: visit(2), service: service.id, email: 'ann@example.com', urls: 1, buttons: 1 },
      { id: visit(3), service: other.id, email: 'ann@example.com', urls: 1 },
      { id: visit(4), service: service.id, email: 'bob@example.com', buttons: 1 }
    ])
    const url = `/api/client/${encodeURIComponent(' Ann@Example.COM')}/?service=${service.id}`

    const anonymous = await app.inject({ method: 'DELETE', url })
    t.same([anonymous.statusCode, anonymous.json()], [401, errorBody('ADMIN_TOKEN_REQUIRED')])
    t.equal((await remainingVisits(database, [visit(1), visit(2)])).length, 2,
      'nothing went without the token')

    const erased = await app.inject({ method: 'DELETE', url, headers: ADMIN })
    t.equal(erased.statusCode, 200)
    t.same(erased.json(), { success: true, visits: 2, url_logs: 3, button_logs: 2 })
    t.same(await remainingVisits(database, [visit(1), visit(2), visit(3), visit(4)]), [visit(3), visit(4)])
    const orphans = await database.db.selectFrom('url_log').select('id').where('session_id', 'in',
      [visit(1), visit(2)])
      .execute()
    t.same(orphans, [])

    const again = await app.inject({ method: 'DELETE', url, headers: ADMIN })
    t.same(again.json(), { success: true, visits: 0, url_logs: 0, button_logs: 0 },
      'a repeated erasure is harmless')
  })

  t.test('an erasure request with a bad email, service or query is refused and deletes nothing',
    async (t) => {
    const { app, service, visit } = await hardenedApp(t, database)
    await seed(database, [{ id: visit(1), service: service.id, email: 'ann@example.com', urls: 1 }])
    const before = await rowCounts(database)

    const cases: Array<[string, number, string]> = [
      ['/api/client/not-an-email/?service=SERVICE', 400, 'EMAIL_INVALID'],
      ['/api/client/ann@example.com/', 400, 'QUERY_INVALID'],
      ['/api/client/ann@example.com/?service=abc', 400, 'QUERY_INVALID'],
      ['/api/client/ann@example.com/?service=SERVICE&email=x', 400, 'QUERY_INVALID'],
      ['/api/client/ann@example.com/?service=0', 400, 'SERVICE_ID_INVALID'],
      ['/api/client/ann@example.com/?service=9999999999', 400, 'SERVICE_ID_INVALID'],
      ['/api/client/ann@example.com/?service=999999', 404, 'SERVICE_NOT_FOUND']
    ]
    for (const [path, status, code] of cases) {
      const response = await app.inject({ method: 'DELETE', url: path.replace('SERVICE', String(service.id)),
        headers: ADMIN })
      t.same([response.statusCode, response.json().error.code], [status, code], path)
    }
    t.same(await rowCounts(database), before)
  })

  t.test('the client:erase command deletes the same and prints the counts', async (t) => {
    const { service, visit } = await hardenedApp(t, database)
    await seed(database,
      [{ id: visit(1), service: service.id, email: 'ann@example.com', urls: 2, buttons: 3 }])
    const { lines, out } = collect()

    await clientErase.run(['ANN@example.com', '--service', String(service.id)], { database, out })
    t.same(lines, [`deleted 1 visits, 2 url logs and 3 button logs of this client in service ${service.id}`])
    t.same(await remainingVisits(database, [visit(1)]), [])
    const usage = /client:erase <email> --service <id>/
    await t.rejects(clientErase.run(['ann@example.com'], { database, out }), usage)
    const unknown = clientErase.run(['ann@example.com', '--service', '999999'], { database, out })
    await t.rejects(unknown, /no service has id/)
  })

  t.test('retention deletes visits that began more than RETENTION_DAYS ago, with their logs', async (t) => {
    const { service, visit } = await hardenedApp(t, database)
    await database.db.deleteFrom('user_session').execute() // the other tests' visits: exact counts below
    await seed(database, [
      { id: visit(1), service: service.id, email: 'ann@example.com', urls: 2, buttons: 1, daysAgo: 40 },
      { id: visit(2), service: service.id, email: 'bob@example.com', urls: 1, daysAgo: 31 },
      { id: visit(3), service: service.id, email: 'ann@example.com', urls: 1, buttons: 1, daysAgo: 29 },
      { id: visit(4), service: service.id, email: 'cy@example.com' }
    ])
    const { lines, out } = collect()

    await retention.run(['30'], { database, out })
    t.same(lines, ['deleted 2 visits, 3 url logs and 1 button logs older than 30 days'])
    t.same(await remainingVisits(database, [visit(1), visit(2), visit(3), visit(4)]), [visit(3), visit(4)])
    const { user_session, url_log, button_log } = await rowCounts(database)
    t.same({ user_session, url_log, button_log }, { user_session: 2, url_log: 1, button_log: 1 })
    await t.rejects(retention.run(['0'], { database, out }), /whole number of days/)
  })

  t.test("the collector's retention pass deletes, logs counts only, and never runs twice at once",
    async (t) => {
    const { service, visit } = await hardenedApp(t, database)
    await database.db.deleteFrom('user_session').execute()
    await seed(database,
      [{ id: visit(1), service: service.id, email: 'ann@example.com', urls: 1, daysAgo: 8 }])
    const logged: unknown[] = []
    const log = { info: (fields: unknown, message: string) => logged.push([fields, message]) }
    const pass = makeRetentionPass(database.db, 7, log as unknown as FastifyBaseLogger)

    const first = pass()
    t.equal(pass(), first, 'a pass asked for while one runs joins it')
    await first
    t.same(await remainingVisits(database, [visit(1)]), [])
    t.match(logged, [[{ retentionDays: 7, visits: 1, url_logs: 1, button_logs: 0 }, 'retention pass']])
  })

  t.test('with IP truncation on, addresses are shortened before they are stored', async (t) => {
    const { app, service, visit } = await hardenedApp(t, database, { ipTruncate: true })
    const cases: Array<[string, string, Record<string, string>]> = [
      ['203.0.113.77', '203.0.113.0', {}],
      ['::ffff:203.0.113.78', '203.0.113.0', {}],
      ['::ffff:cb00:714f', '203.0.113.0', {}],
      ['2001:db8:abcd:12:1:2:3:4', '2001:db8:abcd::', {}],
      ['127.0.0.1', '198.51.100.0', { ip_address: '198.51.100.99' }],
      ['127.0.0.1', '203.0.113.0', { ip_address: '::ffff:cb00:710a' }]
    ]
    for (const [index, [remoteAddress, stored, body]] of cases.entries()) {
      const id = visit(index + 1)
      const created = await app.inject({
        method: 'POST', url: '/api/session/', remoteAddress, headers: body.ip_address ? ADMIN : {},
        payload: { email: 'ann@example.com', service: service.id, session_id: id, ...body }
      })
      t.equal(created.statusCode, 201)
      const row = await database.db.selectFrom('user_session').select(sql<string>`host(ip_address)`.as('ip'))
        .where('session_id', '=', id).executeTakeFirstOrThrow()
      t.equal(row.ip, stored, remoteAddress)
    }
  })
})
