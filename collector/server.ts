import { buildApp } from './app.js'
import { type Config, ConfigError, loadConfig } from './config.js'
import { openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { ensureService, listServices } from './db/service-queries.js'
import { loggerOptions } from './logger.js'

/** Owns configuration, the database, listening and a graceful shutdown. */
export async function startServer(config: Config) {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
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
  app.addHook('onClose', async () => database.close())
  const address = await app.listen({ host: config.host, port: config.port })
  return { app, database, address, demoService }
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

  const stop = async (signal: string) => {
    app.log.info({ signal }, 'shutting down')
    await app.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop('SIGINT'))
  process.once('SIGTERM', () => void stop('SIGTERM'))
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
