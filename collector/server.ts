import { buildApp } from './app.js'
import { type Config, ConfigError, loadConfig } from './config.js'
import { type DatabaseHandle, openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { ensureService, listServices } from './db/service-queries.js'
import { loggerOptions } from './logger.js'
import { makeRetentionPass, RETENTION_INTERVAL_MS } from './retention.js'

/** Owns configuration, the database, listening and a graceful shutdown. */
export async function startServer(config: Config) {
  const database = await openMigrated(config)
  if ((await listServices(database.db)).length === 0) await ensureService(database.db, 'demo')

  const app = await buildApp({
    database,
    adminToken: config.adminToken,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    clockSkewMs: config.clockSkewMs,
    logger: loggerOptions(config.logLevel),
    rateLimits: config.rateLimit,
    ipTruncate: config.ipTruncate
  })
  app.addHook('onClose', async () => database.close())
  scheduleRetention(app, database, config.retentionDays)
  const address = await app.listen({ host: config.host, port: config.port })
  return { app, database, address }
}

/**
 * Migrations may run long (an index on a big table), so on PostgreSQL they get their own
 * connection without DATABASE_TIMEOUT_MS; the serving pool then fails fast when the database
 * is away. PGlite is one embedded instance, opened once.
 */
async function openMigrated(config: Config): Promise<DatabaseHandle> {
  if (!config.databaseUrl) {
    const database = await openDatabase({ dataDir: config.dataDir })
    await migrateToLatest(database.db)
    return database
  }

  const migrator = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 1 })
  try {
    await migrateToLatest(migrator.db)
  } finally {
    await migrator.close()
  }
  return openDatabase({ databaseUrl: config.databaseUrl, timeoutMs: config.databaseTimeoutMs })
}

/** RETENTION_DAYS, applied at start and then hourly; the timer never holds the process open. */
type App = Awaited<ReturnType<typeof buildApp>>

function scheduleRetention(app: App, database: DatabaseHandle, days: number) {
  if (days === 0) return
  const pass = makeRetentionPass(database.db, days, app.log)
  const timer = setInterval(pass, RETENTION_INTERVAL_MS).unref()
  app.addHook('onClose', async () => clearInterval(timer))
  app.addHook('onReady', async () => { void pass() })
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

  const { app, database, address } = await startServer(config)
  const services = await listServices(database.db)
  console.log([
    `Visitlog collector listening on ${address}`,
    `Database: ${database.kind} (${database.location})`,
    `Services: ${services.map((s) => `${s.id} ${s.service_name}`).join(', ')}`,
    config.adminTokenGenerated
      ? `Admin token (generated for this run; set ADMIN_TOKEN to keep one): ${config.adminToken}`
      : 'Admin token: from ADMIN_TOKEN'
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
