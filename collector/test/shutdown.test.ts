import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { type DatabaseKind, type DatabaseOptions, openDatabase } from '../db/database.js'
import { createTestDatabase, databaseKinds } from './databases.js'
import { startServerProcess } from './server-process.js'

const SERVER = fileURLToPath(new URL('../server.ts', import.meta.url))
const SENDERS = 16
const ANSWERS_BEFORE_SIGTERM = 100

interface Answer {
  eventId: string
  status: number
}

/** Where the collector keeps its data for this test, as its environment and as open() options. */
async function databaseFor(
  t: Test,
  kind: DatabaseKind
): Promise<{ env: Record<string, string>, options: DatabaseOptions }> {
  if (kind === 'postgres') {
    const databaseUrl = await createTestDatabase(t)
    return { env: { DATABASE_URL: databaseUrl }, options: { databaseUrl } }
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'visitlog-shutdown-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  return { env: { DATA_DIR: dataDir }, options: { dataDir } }
}

async function post(url: string, body: object) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  await response.arrayBuffer()
  return response.status
}

for (const kind of databaseKinds()) {
  t.test(
    `on SIGTERM under load, every 2xx answer has its row and the collector exits 0 (${kind})`,
    async (t) => {
    const database = await databaseFor(t, kind)
    const server = await startServerProcess(SERVER, {
      ...database.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn',
      ADMIN_TOKEN: 'shutdown-test-token-0123456789',
      // Sixteen senders on one visit pass the default 120 a minute when closing is slow.
      RATE_LIMIT_MAX: '1000000', RATE_LIMIT_SESSION_MAX: '1000000'
    })
    t.teardown(() => server.stop('SIGKILL'))

    const sessionId = randomUUID()
    // A fresh database gets the "demo" service, id 1.
    t.equal(await post(`${server.url}/api/session/`,
      { email: 'a@example.com', service: 1, session_id: sessionId }), 201)

    const answers: Answer[] = []
    let exited: Promise<number | null> | undefined
    const send = async () => {
      for (;;) {
        const eventId = randomUUID()
        const body = { url: 'https://example.com/', is_external_resource: false, event_id: eventId }
        const status = await post(`${server.url}/api/session/${sessionId}/url/`, body).catch(() => 0)
        answers.push({ eventId, status })
        if (status !== 201) return
        if (answers.length >= ANSWERS_BEFORE_SIGTERM) exited ??= server.stop('SIGTERM')
      }
    }
    await Promise.all(Array.from({ length: SENDERS }, send))
    const code = await exited
    t.equal(code, 0, 'the collector exits 0')
    if (code !== 0) t.comment(server.output())

    const accepted = answers.filter((answer) => answer.status === 201)
    t.ok(accepted.length >= ANSWERS_BEFORE_SIGTERM,
      `${accepted.length} logs accepted, `
        + `${accepted.length - ANSWERS_BEFORE_SIGTERM} of them answered after SIGTERM`)
    const refused = new Set(answers.filter((answer) => answer.status !== 201).map((answer) => answer.status))
    t.same([...refused].filter((status) => status !== 0 && status !== 503), [],
      'the rest are refused (503 while closing) or find no server')

    const reopened = await openDatabase(database.options)
    t.teardown(() => reopened.close())
    const { rows } = await sql<{ event_id: string, n: number }>`
      select event_id::text, count(*)::int as n from url_log group by event_id`.execute(reopened.db)
    const counts = new Map(rows.map((row) => [row.event_id, row.n]))
    t.same(accepted.filter((answer) => counts.get(answer.eventId) !== 1), [], 'every 2xx has exactly one row')
  })
}

t.test('on SIGHUP (a closed terminal) the collector closes its PGlite directory and exits 0', async (t) => {
  const database = await databaseFor(t, 'pglite')
  const server = await startServerProcess(SERVER, {
    ...database.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn',
    ADMIN_TOKEN: 'shutdown-test-token-0123456789'
  })
  t.teardown(() => server.stop('SIGKILL'))

  t.equal(await server.stop('SIGHUP'), 0, 'the collector exits 0')
  t.equal(existsSync(join(database.env.DATA_DIR, 'visitlog.lock')), false, 'the directory lock is gone')
})
