import type { Test } from 'tap'
import { type AppOptions, buildApp } from '../app.js'
import type { DatabaseHandle } from '../db/database.js'
import { ensureService } from '../db/service-queries.js'
import { ADMIN_TOKEN } from './app.js'
import { databaseKinds, openTestDatabase } from './databases.js'

/**
 * Runs the body once per database kind with ONE database for all its subtests: PGlite takes
 * seconds to start on a busy machine. Subtests stay apart through hardenedApp, which gives each
 * its own service and its own visit ids.
 */
export function perDatabase(t: Test, body: (t: Test, database: DatabaseHandle) => Promise<void>) {
  for (const kind of databaseKinds()) {
    t.test(kind, async (t) => body(t, await openTestDatabase(t, kind)))
  }
}

let apps = 0

/** A fixed, valid visit id for the n-th test visit. */
export function sessionId(n: number) {
  return `6f1c8b1e-3c2a-4f4b-9a57-${n.toString(16).padStart(12, '0')}`
}

/**
 * A collector with the hardening options a test chooses (rate limits, proxies, truncation),
 * a service of its own, and `visit(n)`: visit ids no other app of this process uses.
 */
export async function hardenedApp(t: Test, database: DatabaseHandle, options: Partial<AppOptions> = {}) {
  apps += 1
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN, ...options })
  t.teardown(() => app.close())
  const service = await ensureService(database.db, `Company${apps}`)
  const base = apps * 10_000
  return { app, service, visit: (n: number) => sessionId(base + n) }
}

/** Rows in every table, to show that a refused request stored nothing. */
export async function rowCounts(database: DatabaseHandle) {
  const count = async (table: 'service' | 'user_session' | 'url_log' | 'button_log') => {
    const row = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }
  return {
    service: await count('service'),
    user_session: await count('user_session'),
    url_log: await count('url_log'),
    button_log: await count('button_log')
  }
}
