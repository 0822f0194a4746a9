import { readdirSync, readFileSync } from 'node:fs'

/** CPU seconds each side spent during one round, read from /proc (Linux; zeros elsewhere). */
export interface CpuSpent {
  server: number
  /** Every PostgreSQL process on this machine: backends, WAL writer, checkpointer. */
  database: number
  /** This process, which runs autocannon. */
  driver: number
}

const TICKS_PER_SECOND = 100

/** Starts counting; the function it answers tells what was spent since. */
export function startCpuCount(serverPid: number): () => CpuSpent {
  const before = { server: processSeconds(serverPid), database: postgresSeconds(), driver: ownSeconds() }
  return () => ({
    server: processSeconds(serverPid) - before.server,
    database: postgresSeconds() - before.database,
    driver: ownSeconds() - before.driver
  })
}

function ownSeconds() {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/** utime + stime of a process; fields 14 and 15 of /proc/<pid>/stat, after the command name. */
function processSeconds(pid: number | string) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return 0
  }
}

/**
 * A process that starts during the round counts whole and one that ends is missed; the
 * collector's pool keeps its backends open through a round, so neither happens much.
 */
function postgresSeconds() {
  let total = 0
  for (const pid of listProcesses()) {
    if (commandOf(pid).startsWith('postgres')) total += processSeconds(pid)
  }
  return total
}

function listProcesses() {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return []
  }
}

function commandOf(pid: string) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return ''
  }
}
