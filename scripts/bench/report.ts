import type { LoadResult } from './load.js'
import type { RowCheck } from './rows.js'

export interface Measured {
  name: string
  rounds: LoadResult[]
  requestsPerSecond: number
  actionsPerSecond: number
  p50Ms: number
  p99Ms: number
  peakRssMb: number | undefined
  rows?: RowCheck
  exitCode?: number | null
}

export interface Pair {
  bare: Measured
  collector: Measured
  /** Each round's collector/bare actions per second, the pair measured back to back. */
  ratios: number[]
  /** Their median. */
  ratio: number
}

/** Medians over the rounds: one slow round (a neighbour's burst) moves them little. */
export function summarize(name: string, rounds: LoadResult[], peakRssMb: number | undefined): Measured {
  return {
    name,
    rounds,
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    actionsPerSecond: median(rounds.map((round) => round.actionsPerSecond)),
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    peakRssMb
  }
}

export function printPair({ bare, collector, ratios, ratio }: Pair) {
  console.log(`${collector.name} (ratio ${ratio.toFixed(2)}, medians of ${collector.rounds.length} rounds):`)
  for (const measured of [bare, collector]) {
    const rss = measured.peakRssMb === undefined ? 'n/a' : `${measured.peakRssMb.toFixed(0)} MiB`
    const actions = measured.actionsPerSecond === measured.requestsPerSecond
      ? ''
      : ` (${measured.actionsPerSecond.toFixed(0)} actions/s)`
    console.log(`  ${measured.name.padEnd(20)} ${measured.requestsPerSecond.toFixed(0)} req/s${actions}, `
      + `p50 ${measured.p50Ms.toFixed(1)} ms, p99 ${measured.p99Ms.toFixed(1)} ms, peak RSS ${rss}`)
    for (const round of measured.rounds) {
      console.log(`    round: ${round.requestsPerSecond.toFixed(0)} req/s, p50 ${round.p50Ms} ms, `
        + `p99 ${round.p99Ms} ms, statuses ${JSON.stringify(round.statusCounts)}, errors ${round.errors}`)
    }
    const cpu = cpuMedians(measured.rounds)
    if (cpu) {
      console.log(`    CPU per action: server ${cpu.server.toFixed(0)} µs, `
        + `PostgreSQL ${cpu.database.toFixed(0)} µs, `
        + `load driver ${cpu.driver.toFixed(0)} µs`)
    }
  }
  printSteadiness(bare.rounds, ratios)
  if (!collector.rows) return
  const { accepted, lost, unanswered } = collector.rows
  const verdict = lost === 0
    ? 'every 2xx answer has exactly one row'
    : `${lost} 2xx answers WITHOUT exactly one row`
  console.log(`  rows: ${accepted} 2xx answers checked, ${verdict}; `
    + `${unanswered} rows without a counted 2xx; collector exit code ${collector.exitCode}`)
}

/** Largest bare round over the smallest that still counts as a quiet machine. */
const STEADY_SPREAD = 1.25

/**
 * The rounds' own ratios, and a warning when the bare server's rounds differ widely: then
 * something else used the cores, and the ratio says more about that than about the collector.
 */
function printSteadiness(bare: LoadResult[], ratios: number[]) {
  console.log(`  round ratios: ${ratios.map((ratio) => ratio.toFixed(2)).join(', ')}`)
  const speeds = bare.map((round) => round.actionsPerSecond)
  const spread = Math.max(...speeds) / Math.min(...speeds)
  if (spread <= STEADY_SPREAD) return
  console.log(`  warning: the bare rounds differ ${spread.toFixed(1)}-fold: something else used the cores, `
    + 'so this ratio is not the collector\'s; run again on a quiet machine')
}

function cpuMedians(rounds: LoadResult[]) {
  const counted = rounds.flatMap((round) => (round.cpuPerAction ? [round.cpuPerAction] : []))
  if (counted.length === 0) return undefined
  return {
    server: median(counted.map((cpu) => cpu.server)),
    database: median(counted.map((cpu) => cpu.database)),
    driver: median(counted.map((cpu) => cpu.driver))
  }
}

export function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
