import type { Test } from 'tap'
import { buildApp } from '../app.js'
import type { DatabaseHandle } from '../db/database.js'
import { ensureService } from '../db/service-queries.js'

export const ADMIN_TOKEN = 'test-admin-token-0123456789'
export const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` }

/** A collector on the given database with one service, driven through inject(). */
export async function testApp(t: Test, database: DatabaseHandle, options: { clockSkewMs?: number } = {}) {
  const app = await buildApp({ database, adminToken: ADMIN_TOKEN, ...options })
  t.teardown(() => app.close())
  const service = await ensureService(database.db, 'Company1')
  return { app, service }
}
