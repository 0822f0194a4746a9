import type { Server } from 'node:http'
import { buildApp } from './app.js'
import { type Config, ConfigError, loadConfig } from './config.js'
import { DataDirInUseError } from './db/data-dir-lock.js'
import { type DatabaseHandle, describePostgres, openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { ensureService, listServices } from './db/service-queries.js'
import { loggerOptions } from './logger.js'
import { makeRetentionPass, RETENTION_INTERVAL_MS } from './retention.js'

/** Owns configuration, the database, listening and a graceful shutdown. */
export async function startServer(config: Config) {
  const database = await openMigrated(config).catch((error: unknown) => {
    throw new StartError(databaseProblem(config, error))
  })
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
    demo: config.demo && demoService ? { service: demoService.id } : undefined,
    rateLimits: config.rateLimit,
    ipTruncate: config.ipTruncate
  })
  app.addHook('preClose', async () => closeConnectionsWhenIdle(app.server))
  app.addHook('onClose', async () => database.close())
  scheduleRetention(app, database, config.retentionDays)
  const listening = app.listen({ host: config.host, port: config.port })
  const address = await listening.catch(async (error: unknown) => {
    await app.close()
    throw new StartError(listenProblem(config, error))
  })
  return { app, database, address, demoService }
}

/** A start-up failure whose message says what to change; printed without a stack. */
export class StartError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StartError'
  }
}

function databaseProblem(config: Config, error: unknown) {
  if (error instanceof DataDirInUseError) return error.message
  const where = config.databaseUrl
    ? `DATABASE_URL (${describePostgres(config.databaseUrl)})`
    : `DATA_DIR ${config.dataDir}`
  return `Database: cannot open ${where}: ${(error as Error).message}`
}

function listenProblem(config: Config, error: unknown) {
  const code = (error as NodeJS.ErrnoException).code
  const at = `${config.host}:${config.port}`
  if (code === 'EADDRINUSE') return `PORT ${config.port}: ${at} is in use; stop the other process or set PORT`
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `HOST ${config.host}: not an address of this machine; `
      + 'use 127.0.0.1, 0.0.0.0 or one of its addresses'
  }
  if (code === 'EACCES') return `PORT ${config.port}: not allowed for this user; use a port above 1023`
  return `Cannot listen on ${at}: ${(error as Error).message}`
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

/**
 * Migrations may run long (an index on a big table), so on PostgreSQL they get their own
 * connection without DATABASE_TIMEOUT_MS; the serving pool then fails fast when the database
 * is away. PGlite is one embedded instance, opened once.
 */
async function openMigrated(config: Config): Promise<DatabaseHandle> {
  const writeGroups = config.writeGroups
  if (!config.databaseUrl) {
    const database = await openDatabase({ dataDir: config.dataDir, writeGroups })
    await migrateToLatest(database.db)
    return database
  }

  const migrator = await openDatabase({ databaseUrl: config.databaseUrl, poolSize: 1 })
  try {
    await migrateToLatest(migrator.db)
  } finally {
    await migrator.close()
  }
  return openDatabase({
    databaseUrl: config.databaseUrl,
    poolSize: config.poolSize,
    timeoutMs: config.databaseTimeoutMs,
    writeGroups
  })
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

  let started: Awaited<ReturnType<typeof startServer>>
  try {
    started = await startServer(config)
  } catch (error) {
    if (!(error instanceof StartError)) throw error
    console.error(error.message)
    process.exit(2)
  }
  const { app, database, address, demoService } = started
  // Before the banner: whoever waits for it may signal at once.
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
  // A closed terminal or a dropped SSH session sends SIGHUP, which would otherwise kill the
  // process without closing the database (a PGlite directory kept its lock).
  process.on('SIGHUP', () => void stop('SIGHUP'))

  const services = await listServices(database.db)
  const base = browsable(address)
  console.log([
    `Visitlog collector listening on ${address}`,
    `Database: ${database.kind} (${database.location})`,
    `Services: ${services.map((s) => `${s.id} ${s.service_name}`).join(', ')}`,
    config.adminTokenGenerated
      ? `Admin token (generated for this run; set ADMIN_TOKEN to keep one): ${config.adminToken}`
      : 'Admin token: from ADMIN_TOKEN',
    ...(config.demo && demoService
      ? [
          `Demo site (service ${demoService.id}): ${base}/demo/  (DEMO=off disables it)`,
          `Read a visit back: curl -H "Authorization: Bearer <admin token>" ` +
            `${base}/api/session/<session_id>/`
        ]
      : [])
  ].join('\n'))
}

const SHUTDOWN_TIMEOUT_MS = 30_000

/** The listening address as a browser on this machine reaches it: "all interfaces" is loopback. */
function browsable(address: string) {
  const url = new URL(address)
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1'
  if (url.hostname === '[::]') url.hostname = '[::1]'
  return url.origin
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
