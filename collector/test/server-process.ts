import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** A server in its own process (tests of SIGTERM, the benchmark), started with tsx. */
export interface ServerProcess {
  url: string
  pid: number
  /** The kernel's high-water mark of the process's resident memory (VmHWM), in MiB. */
  peakRssMb(): number | undefined
  /** The last few kilobytes the process wrote to stdout and stderr. */
  output(): string
  /** Sends the signal (SIGTERM by default) and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

const READY = /listening on (http:\/\/\S+)/
const KEEP_OUTPUT = 8000

/** Starts `script` and resolves once it prints "listening on <url>". */
export async function startServerProcess(
  script: string,
  env: Record<string, string>,
  nodeFlags: string[] = []
) {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let output = ''
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-KEEP_OUTPUT) }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const url = await waitUntilListening(child, exited, () => output)

  const server: ServerProcess = {
    url,
    pid: child.pid!,
    peakRssMb: () => peakRssMb(child.pid!),
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal)
      return exited
    }
  }
  return server
}

async function waitUntilListening(child: ChildProcess, exited: Promise<number | null>, output: () => string) {
  const listening = new Promise<string>((resolve) => {
    const look = () => {
      const match = READY.exec(output())
      if (!match) return
      child.stdout!.off('data', look)
      resolve(match[1])
    }
    child.stdout!.on('data', look)
  })
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output()}`)), 60_000)
  })
  const died = exited.then((code) => {
    throw new Error(`server exited with ${code} before listening:\n${output()}`)
  })
  // Exiting later, after it listened, is no failure of the start.
  died.catch(() => {})

  try {
    return await Promise.race([listening, timeout, died])
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  } finally {
    clearTimeout(timer)
  }
}

function peakRssMb(pid: number) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1]
    return kb === undefined ? undefined : Number(kb) / 1024
  } catch {
    return undefined
  }
}
