// Soak test (issue 7): `npm run soak -- [--seconds 180] [--rate 200] [--connections 8]
// [--sample 5] [--database-url postgres://127.0.0.1:5432/postgres]`. Starts its own collector
// on 127.0.0.1 (a fresh PostgreSQL database it creates and drops, or PGlite in a temporary
// directory), drives a steady mix of visits and logs at a fixed rate for a bounded time, samples
// memory (heap after a forced GC) and open handles, and says whether memory levelled off.
import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runOnServer } from '../collector/db/postgres-pool.js'
import type { Sample, SoakMessage } from './soak-collector.js'

interface LoadRequest {
  method: string
  path?: string
  headers?: Record<string, string>
  setupRequest?(request: LoadRequest, context: Visit): LoadRequest
}
interface LoadResult {
  requests: { total: number, average: number }
  latency: { p50: number, p99: number }
  '2xx': number
  non2xx: number
  errors: number
  timeouts: number
}
type Autocannon = (options: Record<string, unknown>) => Promise<LoadResult>
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon

interface Visit {
  id?: string
  page?: number
}

const { values: options } = parseArgs({
  options: {
    seconds: { type: 'string', default: '180' },
    rate: { type: 'string', default: '200' },
    connections: { type: 'string', default: '8' },
    sample: { type: 'string', default: '5' },
    'database-url': { type: 'string' }
  }
})
const SECONDS = Number(options.seconds)
const RATE = Number(options.rate)
const MB = 1024 * 1024
if (!(SECONDS >= 10 && SECONDS <= 3600)) throw new Error('--seconds takes 10 to 3600')

async function main() {
  const database = await prepareDatabase(options['database-url'])
  const child = fork(new URL('./soak-collector.ts', import.meta.url), {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: {
      ...process.env, ...database.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn',
      ADMIN_TOKEN: randomBytes(24).toString('base64url'),
      // Every request comes from this one address; the per-visit limit stays at its default.
      RATE_LIMIT_MAX: '0', RETENTION_DAYS: '0'
    }
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), (SECONDS + 120) * 1000).unref()
  try {
    const ready = await ask(child, 'ready')
    console.log(`soak: collector ${ready.address} (${database.label}), ${RATE} requests/s for ${SECONDS} s`)
    const samples = await sampleDuring(child, () => load(ready.address, ready.service))
    const rows = (await ask(child, 'rows', { type: 'rows' })).rows
    report(samples.samples, samples.result, rows)
  } finally {
    clearTimeout(killer)
    child.send({ type: 'stop' })
    await new Promise((resolve) => child.once('exit', resolve))
    await database.drop()
  }
}

/** Sends one message and waits for the child's answer of the given type. */
function ask<T extends SoakMessage['type']>(child: ChildProcess, type: T, message?: object) {
  return new Promise<Extract<SoakMessage, { type: T }>>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`collector exited with ${code}`))
    const onMessage = (answer: SoakMessage) => {
      if (answer.type !== type) return
      child.off('message', onMessage)
      child.off('exit', onExit)
      resolve(answer as Extract<SoakMessage, { type: T }>)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
    if (message) child.send(message)
  })
}

interface Point extends Sample {
  seconds: number
}

async function sampleDuring(child: ChildProcess, run: () => Promise<LoadResult>) {
  const started = Date.now()
  const samples: Point[] = []
  const take = async () => {
    const { sample } = await ask(child, 'sample', { type: 'sample' })
    samples.push({ seconds: Math.round((Date.now() - started) / 1000), ...sample })
  }
  await take()
  const timer = setInterval(() => void take(), Number(options.sample) * 1000)
  const result = await Promise.resolve(run()).finally(() => clearInterval(timer))
  await take()
  return { samples, result }
}

function load(address: string, service: number) {
  const json = { 'content-type': 'application/json', origin: 'https://shop.example' }
  const beacon = { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example' }
  const inVisit = (suffix: string, headers: Record<string, string>,
    body: (visit: Visit) => object): LoadRequest => ({
    method: suffix === '' ? 'PUT' : 'POST',
    headers,
    setupRequest: (request, visit) => ({
      ...request, path: `/api/session/${visit.id}/${suffix}`, body: JSON.stringify(body(visit))
    } as LoadRequest)
  })
  const page = (visit: Visit) => ({
    url: `https://shop.example/p/${(visit.page = (visit.page ?? 0) + 1)}`, is_external_resource: false,
      event_id: randomUUID()
  })
  const button = () => ({ button_text: 'Deposit', url: 'https://shop.example/cabinet',
    event_id: randomUUID() })

  return autocannon({
    url: address,
    connections: Number(options.connections),
    overallRate: RATE,
    duration: SECONDS,
    requests: [
      {
        method: 'POST', path: '/api/session/', headers: json,
        setupRequest: (request: LoadRequest, visit: Visit) => {
          visit.id = randomUUID()
          visit.page = 0
          const body = { email: `soak-${visit.id.slice(0, 8)}@example.com`, service, session_id: visit.id }
          return { ...request, body: JSON.stringify(body) }
        }
      },
      inVisit('url/', json, page),
      inVisit('button/', beacon, button),
      inVisit('url/', beacon, page),
      inVisit('', json, () => ({ is_click_personal_account: true })),
      inVisit('url/', json, page),
      inVisit('button/', json, button),
      inVisit('', json,
        (visit) => ({ logout_time: new Date().toISOString(), active_seconds: visit.page ?? 0 }))
    ]
  })
}

/** Least-squares slope in MB per minute. */
function slope(points: Point[], pick: (point: Point) => number) {
  const n = points.length
  if (n < 2) return 0
  const meanX = points.reduce((sum, p) => sum + p.seconds, 0) / n
  const meanY = points.reduce((sum, p) => sum + pick(p), 0) / n
  const covariance = points.reduce((sum, p) => sum + (p.seconds - meanX) * (pick(p) - meanY), 0)
  const variance = points.reduce((sum, p) => sum + (p.seconds - meanX) ** 2, 0)
  return variance === 0 ? 0 : (covariance / variance) * 60 / MB
}

function report(samples: Point[], result: LoadResult, rows: Record<string, number>) {
  const mb = (bytes: number) => (bytes / MB).toFixed(1).padStart(7)
  console.log('\n seconds   rss MB  heap MB  handles')
  for (const s of samples) {
    console.log(`${String(s.seconds).padStart(8)} ${mb(s.rss)}  ${mb(s.heapUsed)}  `
      + `${String(s.handles).padStart(7)}`)
  }

  const half = Math.floor(samples.length / 2)
  const first = samples.slice(0, half + 1)
  const last = samples.slice(half)
  const verdicts = [
    ['heap', (p: Point) => p.heapUsed, 1],
    ['rss', (p: Point) => p.rss, 4]
  ] as const
  const levelled: boolean[] = []
  for (const [name, pick, floor] of verdicts) {
    const early = slope(first, pick)
    const late = slope(last, pick)
    // Levelled off: the second half grows at most half as fast as the first, or barely at all.
    const flat = late <= Math.max(early / 2, floor)
    levelled.push(flat)
    console.log(`${name}: first half ${early.toFixed(2)} MB/min, last half ${late.toFixed(2)} MB/min`
      + ` -> ${flat ? 'levelled off' : 'STILL GROWING'} (threshold ${Math.max(early / 2, floor).toFixed(2)})`)
  }
  const handles = samples.map((s) => s.handles)
  console.log(`handles: min ${Math.min(...handles)}, max ${Math.max(...handles)}, last `
    + `${JSON.stringify(samples.at(-1)?.handleTypes)}`)
  console.log(`load: ${result.requests.total} requests (${result.requests.average.toFixed(0)}/s), `
    + `${result['2xx']} 2xx, ${result.non2xx} other, ${result.errors} errors, ${result.timeouts} timeouts, `
    + `latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms`)
  console.log(`rows: ${JSON.stringify(rows)}`)
  const peak = Math.max(...samples.map((s) => s.rss)) / MB
  const heap = (sample: Point | undefined) => ((sample?.heapUsed ?? 0) / MB).toFixed(1)
  console.log(`soak: seconds=${SECONDS} requests=${result.requests.total} peak_rss_mb=${peak.toFixed(1)} `
    + `heap_mb=${heap(samples[0])}->${heap(samples.at(-1))} `
    + `levelled=${levelled.every(Boolean) ? 'yes' : 'no'}`)
}

/** A database of the soak's own: never the operator's. */
async function prepareDatabase(serverUrl: string | undefined) {
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'visitlog-soak-'))
    return { env: { DATA_DIR: dir }, label: 'PGlite',
      drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const host = new URL(serverUrl).hostname
  if (!['127.0.0.1', '::1', '[::1]',
    'localhost'].includes(host)) throw new Error('--database-url must be on loopback')
  const name = `visitlog_soak_${process.pid}`
  const admin = (statement: string) => runOnServer(serverUrl, statement)
  await admin(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    env: { DATABASE_URL: url.toString() },
    label: `PostgreSQL ${url.host}/${name}`,
    drop: () => admin(`drop database if exists ${name} with (force)`)
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
