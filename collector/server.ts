import type { Server } from 'node:http'
import { buildApp } from './app.js'
import { type Config, ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { ensureService, listServices } from './db/service-queries.js'
import { loggerOptions } from './logger.js'

/** Owns configuration, the database, listening and a graceful shutdown. */
export async function startServer(config: Config) {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.poolSize,
    writeGroups: config.writeGroups
  })
  await migrateToLatest(database.db)
  const demoService = config.demo || (await listServices(database.db)).length === 0
    ? await ensureService(database.db, 'demo')
    : undefined

  const app = await buildApp({
    database,
    adminToken: config.adminToken,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    clockSkewMs: config.clockSkewMs,
    logger: loggerOptions(config.logLevel),
    demo: config.demo && demoService ? { service: demoService.id } : undefined
  })
  app.addHook('preClose', async () => closeConnectionsWhenIdle(app.server))
  app.addHook('onClose', async () => database.close())
  const address = await app.listen({ host: config.host, port: config.port })
  return { app, database, address, demoService }
}

/**
 * While closing, a keep-alive connection would hold the close open until it times out: close
 * each one as soon as it has answered its last request.
 */
function closeConnectionsWhenIdle(server: Server) {
  const timer = setInterval(() => server.closeIdleConnections(), 50)
  timer.unref()
  server.once('close', () => clearInterval(timer))
}

async function main() {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(2)
  }

  const { app, database, address, demoService } = await startServer(config)
  const services = await listServices(database.db)
  const port = new URL(address).port
  console.log([
    `Visitlog collector listening on ${address}`,
    `Database: ${database.kind} (${database.location})`,
    `Services: ${services.map((s) => `${s.id} ${s.service_name}`).join(', ')}`,
    config.adminTokenGenerated
      ? `Admin token (generated for this run; set ADMIN_TOKEN to keep one): ${config.adminToken}`
      : 'Admin token: from ADMIN_TOKEN',
    ...(config.demo && demoService
      ? [
          `Demo site (service ${demoService.id}): http://127.0.0.1:${port}/demo/  (DEMO=off disables it)`,
          `Read a visit back: curl -H "Authorization: Bearer <admin token>" ` +
            `http://127.0.0.1:${port}/api/session/<session_id>/`
        ]
      : [])
  ].join('\n'))

  let stopping = false
  const stop = async (signal: string) => {
    // A second signal during shutdown changes nothing.
    if (stopping) return
    stopping = true
    // Stop accepting, let in-flight requests (and so their write groups) commit and answer,
    // then the onClose hook drains the writers and closes the pool.
    app.log.info({ signal }, 'shutting down')
    const deadline = setTimeout(() => {
      app.log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting')
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS)
    deadline.unref()
    try {
      await app.close()
      process.exit(0)
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed')
      process.exit(1)
    }
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

const SHUTDOWN_TIMEOUT_MS = 30_000

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
