// `npm run bench`: the collector's write path against a bare Fastify server on the same machine.
// See docs/throughput.md for what it measures and how to read it. Not a test: it prints figures.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type DatabaseHandle, openDatabase } from '../collector/db/database.js'
import { migrateToLatest } from '../collector/db/migrate.js'
import { runOnServer } from '../collector/db/postgres-pool.js'
import { startServerProcess } from '../collector/test/server-process.js'
import { startCpuCount } from './bench/cpu.js'
import { Accepted, drive, type LoadOptions, type LoadResult, MIX } from './bench/load.js'
import { median, type Pair, printPair, summarize } from './bench/report.js'
import { checkRows, seed } from './bench/rows.js'

const env = process.env
const SETTINGS = {
  databaseUrl: env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  seconds: Number(env.BENCH_SECONDS ?? 5),
  warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 3),
  rounds: Number(env.BENCH_ROUNDS ?? 3),
  connections: Number(env.BENCH_CONNECTIONS ?? 64),
  sessions: Number(env.BENCH_SESSIONS ?? 5000),
  batchSize: Number(env.BENCH_BATCH_SIZE ?? 10),
  /** Browsers send Origin on these cross-site writes, which makes the collector check CORS. */
  origin: env.BENCH_ORIGIN ?? 'https://shop.example.com',
  port: Number(env.BENCH_PORT ?? 18400),
  targets: (env.BENCH_TARGETS ?? 'pglite,batch,postgres').split(','),
  logLevel: env.BENCH_LOG_LEVEL ?? 'warn',
  nodeFlags: (env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
  collectorEnv: collectorEnv()
}

/** Extra collector settings passed through: BENCH_COLLECTOR_ENV="A=1 B=2". */
function collectorEnv() {
  const pairs = (env.BENCH_COLLECTOR_ENV ?? '').split(' ').filter(Boolean).map((pair) => pair.split('='))
  return Object.fromEntries(pairs.map(([key, ...value]) => [key, value.join('=')]))
}

type Open = () => Promise<DatabaseHandle>

const TARGETS: Record<string, () => Promise<Pair>> = {
  pglite: () => withPGlite((dbEnv, open) => benchCollector('collector pglite', dbEnv, open, 0)),
  postgres: () => withPostgres((dbEnv, open) => benchCollector('collector postgres', dbEnv, open, 0)),
  batch: () => withPostgres((dbEnv, open) =>
    benchCollector(`collector postgres, batches of ${SETTINGS.batchSize}`, dbEnv, open, SETTINGS.batchSize))
}

async function main() {
  console.log(`bench: ${SETTINGS.connections} connections, `
    + `${SETTINGS.rounds} rounds of ${SETTINGS.seconds} s `
    + `per server after ${SETTINGS.warmupSeconds} s warm-up, ${SETTINGS.sessions} visits, `
    + `Origin ${SETTINGS.origin || 'none'}, mix ${JSON.stringify(MIX)}`)
  const pairs: Pair[] = []
  for (const target of SETTINGS.targets) {
    if (!TARGETS[target]) throw new Error(`BENCH_TARGETS: unknown target "${target}"`)
    pairs.push(await TARGETS[target]())
  }

  for (const pair of pairs) printPair(pair)
  const main = pairs.find((pair) => pair.collector.name === 'collector postgres') ?? pairs.at(-1)!
  const lost = main.collector.rows?.lost ?? 'n/a'
  console.log(`bench: ratio=${main.ratio.toFixed(2)} p99_ms=${main.collector.p99Ms.toFixed(1)} lost=${lost}`)
}

async function withPostgres(run: (dbEnv: Record<string, string>, open: Open) => Promise<Pair>) {
  const name = `visitlog_bench_${process.pid}_${Date.now()}`
  await adminQuery(`create database ${name}`)
  try {
    const url = new URL(SETTINGS.databaseUrl)
    url.pathname = `/${name}`
    return await run({ DATABASE_URL: url.toString() },
      () => openDatabase({ databaseUrl: url.toString(), poolSize: 2 }))
  } finally {
    await adminQuery(`drop database if exists ${name} with (force)`)
  }
}

async function withPGlite(run: (dbEnv: Record<string, string>, open: Open) => Promise<Pair>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'visitlog-bench-'))
  try {
    return await run({ DATA_DIR: dataDir }, () => openDatabase({ dataDir }))
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * Seeds the database, then loads the bare server and the collector in alternating rounds (so a
 * busy neighbour on the machine slows both alike), stops the collector with SIGTERM and counts rows.
 */
async function benchCollector(name: string, dbEnv: Record<string, string>, open: Open, batchSize: number) {
  const setup = await open()
  await migrateToLatest(setup.db)
  const seeded = await seed(setup.db, SETTINGS.sessions)
  await setup.close()

  const bare = await startServerProcess('scripts/bench/bare-server.ts', { PORT: String(SETTINGS.port + 1) })
  const collector = await startServerProcess('collector/server.ts', {
    ...dbEnv,
    HOST: '127.0.0.1',
    PORT: String(SETTINGS.port),
    LOG_LEVEL: SETTINGS.logLevel,
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    // One address sends everything: limits far above the load keep their cost but never refuse.
    RATE_LIMIT_MAX: '1000000',
    RATE_LIMIT_SESSION_MAX: '1000000',
    RATE_LIMIT_WINDOW: '1 second',
    ...SETTINGS.collectorEnv
  }, SETTINGS.nodeFlags)

  const accepted = new Accepted()
  const common = { ...seeded, connections: SETTINGS.connections, batchSize, origin: SETTINGS.origin }
  const bareLoad: LoadOptions = { ...common, url: bare.url, seconds: 0, accepted: new Accepted() }
  const collectorLoad: LoadOptions = { ...common, url: collector.url, seconds: 0, accepted }
  const rounds = await alternate({ ...bareLoad, pid: bare.pid }, { ...collectorLoad, pid: collector.pid })

  const bareMeasured = summarize('bare fastify', rounds.bare, bare.peakRssMb())
  const collectorMeasured = summarize(name, rounds.collector, collector.peakRssMb())
  await bare.stop()
  collectorMeasured.exitCode = await collector.stop()

  const check = await open()
  try {
    collectorMeasured.rows = await checkRows(check.db, accepted, SETTINGS.sessions)
  } finally {
    await check.close()
  }
  const ratios = rounds.collector.map((round, index) =>
    round.actionsPerSecond / rounds.bare[index].actionsPerSecond)
  return { bare: bareMeasured, collector: collectorMeasured, ratios, ratio: median(ratios) }
}

type Target = LoadOptions & { pid: number }

async function alternate(bareLoad: Target, collectorLoad: Target) {
  if (SETTINGS.warmupSeconds > 0) {
    await drive({ ...bareLoad, seconds: SETTINGS.warmupSeconds })
    await drive({ ...collectorLoad, seconds: SETTINGS.warmupSeconds })
  }
  const rounds = { bare: [] as LoadResult[], collector: [] as LoadResult[] }
  for (let round = 0; round < SETTINGS.rounds; round++) {
    rounds.bare.push(await countedRound(bareLoad))
    rounds.collector.push(await countedRound(collectorLoad))
  }
  return rounds
}

/** One round, with the CPU time the server, PostgreSQL and the load driver spent per action. */
async function countedRound(target: Target) {
  const spent = startCpuCount(target.pid)
  const result = await drive({ ...target, seconds: SETTINGS.seconds })
  const cpu = spent()
  const actions = result.total * (target.batchSize || 1)
  const perAction = (seconds: number) => (actions > 0 ? (seconds * 1e6) / actions : 0)
  result.cpuPerAction = {
    server: perAction(cpu.server), database: perAction(cpu.database), driver: perAction(cpu.driver)
  }
  return result
}

function adminQuery(statement: string) {
  return runOnServer(SETTINGS.databaseUrl, statement)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
