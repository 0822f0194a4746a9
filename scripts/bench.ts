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
import { startServerProcess } from '../collector/test/server-process.js'

const env = process.env
const SETTINGS = {
  databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  seconds: Number(env.BENCH_SECONDS ?? 5),
  warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 3),
  rounds: Number(env.BENCH_ROUNDS ?? 3),
  connections: Number(env.BENCH_CONNECTIONS ?? 64),
  sessions: Number(env.BENCH_SESSIONS ?? 5000),
  port: Number(env.BENCH_PORT ?? 18400),
  targets: (env.BENCH_TARGETS ?? 'postgres,pglite').split(','),
  logLevel: env.BENCH_LOG_LEVEL ?? 'warn',
  nodeFlags: (env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  collectorEnv: collectorEnv()
}

interface Measured {
  name: string
  rounds: LoadResult[]
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  peakRssMb: number | undefined
  rows?: RowCheck
  exitCode?: number | null
}

interface Pair {
  bare: Measured
  collector: Measured
  /** Median over rounds of collector/bare, each round measured back to back. */
  ratio: number
}

/** Extra collector settings passed through: BENCH_COLLECTOR_ENV="A=1 B=2". */
function collectorEnv() {
  const pairs = (env.BENCH_COLLECTOR_ENV ?? '').split(' ').filter(Boolean).map((pair) => pair.split('='))
  return Object.fromEntries(pairs.map(([key, ...value]) => [key, value.join('=')]))
}

async function main() {
  console.log(`bench: ${SETTINGS.connections} connections, ${SETTINGS.rounds} rounds of ${SETTINGS.seconds} s `
    + `per server after ${SETTINGS.warmupSeconds} s warm-up, ${SETTINGS.sessions} visits, mix ${JSON.stringify(MIX)}`)
  const pairs: Pair[] = []
  if (SETTINGS.targets.includes('pglite')) pairs.push(await benchPGlite())
  if (SETTINGS.targets.includes('postgres')) pairs.push(await benchPostgres())

  for (const pair of pairs) printPair(pair)
  const main = pairs.find((pair) => pair.collector.name === 'collector postgres') ?? pairs.at(-1)!
  const lost = main.collector.rows?.lost ?? 'n/a'
  console.log(`bench: ratio=${main.ratio.toFixed(2)} p99_ms=${main.collector.p99Ms.toFixed(1)} lost=${lost}`)
}

async function benchPostgres(): Promise<Pair> {
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

async function benchPGlite(): Promise<Pair> {
  const dataDir = mkdtempSync(join(tmpdir(), 'visitlog-bench-'))
  try {
    return await benchCollector('collector pglite', { DATA_DIR: dataDir }, () => openDatabase({ dataDir }))
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * Seeds the database, then loads the bare server and the collector in alternating rounds (so a
 * busy neighbour on the machine slows both alike), stops the collector with SIGTERM and counts rows.
 */
async function benchCollector(name: string, databaseEnv: Record<string, string>, open: () => Promise<DatabaseHandle>) {
  const setup = await open()
  await migrateToLatest(setup.db)
  const seeded = await seed(setup.db, SETTINGS.sessions)
  await setup.close()

  const bare = await startServerProcess('scripts/bench/bare-server.ts', { PORT: String(SETTINGS.port + 1) })
  const collector = await startServerProcess('collector/server.ts', {
    ...databaseEnv,
    ...SETTINGS.collectorEnv,
    HOST: '127.0.0.1',
    PORT: String(SETTINGS.port),
    LOG_LEVEL: SETTINGS.logLevel,
    ADMIN_TOKEN: 'bench-admin-token-0123456789'
  }, SETTINGS.nodeFlags)

  const accepted = new Accepted()
  const bareLoad = { url: bare.url, ...seeded, connections: SETTINGS.connections, accepted: new Accepted() }
  const collectorLoad = { url: collector.url, ...seeded, connections: SETTINGS.connections, accepted }
  if (SETTINGS.warmupSeconds > 0) {
    await drive({ ...bareLoad, seconds: SETTINGS.warmupSeconds })
    await drive({ ...collectorLoad, seconds: SETTINGS.warmupSeconds })
  }
  const bareRounds: LoadResult[] = []
  const collectorRounds: LoadResult[] = []
  for (let round = 0; round < SETTINGS.rounds; round++) {
    bareRounds.push(await drive({ ...bareLoad, seconds: SETTINGS.seconds }))
    collectorRounds.push(await drive({ ...collectorLoad, seconds: SETTINGS.seconds }))
  }

  const bareMeasured = summarize('bare fastify', bareRounds, bare.peakRssMb())
  const collectorMeasured = summarize(name, collectorRounds, collector.peakRssMb())
  await bare.stop()
  collectorMeasured.exitCode = await collector.stop()

  const check = await open()
  try {
    collectorMeasured.rows = await checkRows(check.db, accepted, SETTINGS.sessions)
  } finally {
    await check.close()
  }
  const ratios = collectorRounds.map((round, index) => round.requestsPerSecond / bareRounds[index].requestsPerSecond)
  return { bare: bareMeasured, collector: collectorMeasured, ratio: median(ratios) }
}

function summarize(name: string, rounds: LoadResult[], peakRssMb: number | undefined): Measured {
  return {
    name,
    rounds,
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    peakRssMb
  }
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function printPair({ bare, collector, ratio }: Pair) {
  console.log(`${collector.name} (ratio ${ratio.toFixed(2)}, medians of ${collector.rounds.length} rounds):`)
  for (const measured of [bare, collector]) {
    const rss = measured.peakRssMb === undefined ? 'n/a' : `${measured.peakRssMb.toFixed(0)} MiB`
    console.log(`  ${measured.name.padEnd(20)} ${measured.requestsPerSecond.toFixed(0)} req/s, `
      + `p50 ${measured.p50Ms.toFixed(1)} ms, p99 ${measured.p99Ms.toFixed(1)} ms, peak RSS ${rss}`)
    for (const round of measured.rounds) {
      console.log(`    round: ${round.requestsPerSecond.toFixed(0)} req/s, p50 ${round.p50Ms} ms, p99 ${round.p99Ms} ms, `
        + `statuses ${JSON.stringify(round.statusCounts)}, errors ${round.errors}`)
    }
  }
  if (!collector.rows) return
  const { accepted, lost, unanswered } = collector.rows
  const verdict = lost === 0 ? 'every 2xx answer has exactly one row' : `${lost} 2xx answers WITHOUT exactly one row`
  console.log(`  rows: ${accepted} 2xx answers checked, ${verdict}; `
    + `${unanswered} rows without a counted 2xx; collector exit code ${collector.exitCode}`)
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
