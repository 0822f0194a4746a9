// `npm run bench`: the collector's write path against a bare Fastify server on the same machine.
// See docs/throughput.md for what it measures and how to read it. Not a test: it prints figures.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { type DatabaseHandle, openDatabase } from '../collector/db/database.js'
import { migrateToLatest } from '../collector/db/migrate.js'
import { Accepted, drive, type LoadResult, MIX } from './bench/load.js'
import { checkRows, type RowCheck, seed } from './bench/rows.js'
import { startServerProcess } from './bench/server-process.js'

const env = process.env
const SETTINGS = {
  databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  seconds: Number(env.BENCH_SECONDS ?? 10),
  warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 3),
  connections: Number(env.BENCH_CONNECTIONS ?? 64),
  sessions: Number(env.BENCH_SESSIONS ?? 5000),
  port: Number(env.BENCH_PORT ?? 18400),
  targets: (env.BENCH_TARGETS ?? 'postgres,pglite').split(','),
  logLevel: env.BENCH_LOG_LEVEL ?? 'warn',
  nodeFlags: (env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  collectorEnv: collectorEnv()
}

interface Measured extends LoadResult {
  name: string
  peakRssMb: number | undefined
  rows?: RowCheck
  exitCode?: number | null
}

/** Extra collector settings passed through: BENCH_COLLECTOR_ENV="A=1 B=2". */
function collectorEnv() {
  const pairs = (env.BENCH_COLLECTOR_ENV ?? '').split(' ').filter(Boolean).map((pair) => pair.split('='))
  return Object.fromEntries(pairs.map(([key, ...value]) => [key, value.join('=')]))
}

async function main() {
  console.log(`bench: ${SETTINGS.connections} connections, ${SETTINGS.warmupSeconds} s warm-up + `
    + `${SETTINGS.seconds} s measured per server, ${SETTINGS.sessions} visits, mix ${JSON.stringify(MIX)}`)
  const results: Measured[] = [await benchBare()]
  if (SETTINGS.targets.includes('pglite')) results.push(await benchPGlite())
  if (SETTINGS.targets.includes('postgres')) results.push(await benchPostgres())

  const bare = results[0]
  for (const result of results) printResult(result, bare)
  const main = results.find((result) => result.name === 'collector postgres') ?? results.at(-1)!
  const ratio = main.requestsPerSecond / bare.requestsPerSecond
  console.log(`bench: ratio=${ratio.toFixed(2)} p99_ms=${main.p99Ms.toFixed(1)} lost=${main.rows?.lost ?? 'n/a'}`)
}

async function benchBare(): Promise<Measured> {
  const server = await startServerProcess('scripts/bench/bare-server.ts', { PORT: String(SETTINGS.port + 1) })
  const sessions = Array.from({ length: SETTINGS.sessions }, () => crypto.randomUUID())
  const load = { url: server.url, sessions, serviceId: 1 }
  const result = await measure(load)
  const peakRssMb = server.peakRssMb()
  await server.stop()
  return { name: 'bare fastify', ...result, peakRssMb }
}

async function benchPostgres(): Promise<Measured> {
  const name = `visitlog_bench_${process.pid}`
  await adminQuery(`create database ${name}`)
  try {
    const url = new URL(SETTINGS.databaseUrl)
    url.pathname = `/${name}`
    return await benchCollector('collector postgres', { DATABASE_URL: url.toString() },
      () => openDatabase({ databaseUrl: url.toString(), poolSize: 2 }))
  } finally {
    await adminQuery(`drop database if exists ${name} with (force)`)
  }
}

async function benchPGlite(): Promise<Measured> {
  const dataDir = mkdtempSync(join(tmpdir(), 'visitlog-bench-'))
  try {
    return await benchCollector('collector pglite', { DATA_DIR: dataDir }, () => openDatabase({ dataDir }))
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Seeds the database, loads the collector, stops it with SIGTERM, then counts the rows. */
async function benchCollector(name: string, databaseEnv: Record<string, string>, open: () => Promise<DatabaseHandle>) {
  const setup = await open()
  await migrateToLatest(setup.db)
  const seeded = await seed(setup.db, SETTINGS.sessions)
  await setup.close()

  const server = await startServerProcess('collector/server.ts', {
    ...databaseEnv,
    ...SETTINGS.collectorEnv,
    HOST: '127.0.0.1',
    PORT: String(SETTINGS.port),
    LOG_LEVEL: SETTINGS.logLevel,
    ADMIN_TOKEN: 'bench-admin-token-0123456789'
  }, SETTINGS.nodeFlags)
  const accepted = new Accepted()
  const result = await measure({ url: server.url, ...seeded }, accepted)
  const peakRssMb = server.peakRssMb()
  const exitCode = await server.stop()

  const check = await open()
  try {
    const rows = await checkRows(check.db, accepted, SETTINGS.sessions)
    return { name, ...result, peakRssMb, rows, exitCode }
  } finally {
    await check.close()
  }
}

async function measure(load: { url: string, sessions: string[], serviceId: number }, accepted = new Accepted()) {
  const options = { ...load, connections: SETTINGS.connections, accepted }
  if (SETTINGS.warmupSeconds > 0) await drive({ ...options, seconds: SETTINGS.warmupSeconds })
  return drive({ ...options, seconds: SETTINGS.seconds })
}

function printResult(result: Measured, bare: Measured) {
  const rss = result.peakRssMb === undefined ? 'n/a' : `${result.peakRssMb.toFixed(0)} MiB`
  const figures = [
    `${result.requestsPerSecond.toFixed(0)} req/s`,
    `p50 ${result.p50Ms.toFixed(1)} ms`,
    `p99 ${result.p99Ms.toFixed(1)} ms`,
    `peak RSS ${rss}`,
    `ratio ${(result.requestsPerSecond / bare.requestsPerSecond).toFixed(2)}`,
    `statuses ${JSON.stringify(result.statusCounts)}`,
    `errors ${result.errors}`
  ]
  console.log(`${result.name.padEnd(20)} ${figures.join(', ')}`)
  if (!result.rows) return
  const { accepted, lost, unanswered } = result.rows
  const verdict = lost === 0 ? 'every 2xx answer has exactly one row' : `${lost} 2xx answers WITHOUT exactly one row`
  console.log(`${''.padEnd(20)} rows: ${accepted} 2xx answers checked, ${verdict}; `
    + `${unanswered} rows without a counted answer; exit code ${result.exitCode}`)
}

async function adminQuery(statement: string) {
  const client = new pg.Client({ connectionString: SETTINGS.databaseUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
