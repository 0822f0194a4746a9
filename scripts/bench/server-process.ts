import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** A server in its own process, so its memory can be read and a SIGTERM tested. */
export interface ServerProcess {
  url: string
  pid: number
  /** The kernel's high-water mark of the process's resident memory (VmHWM), in MiB. */
  peakRssMb(): number | undefined
  /** Sends SIGTERM and resolves with the exit code once the process is gone. */
  stop(): Promise<number | null>
}

const READY = /listening on (http:\/\/\S+)/

export async function startServerProcess(script: string, env: Record<string, string>, nodeFlags: string[] = []) {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const url = await waitUntilListening(child)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const server: ServerProcess = {
    url,
    pid: child.pid!,
    peakRssMb: () => peakRssMb(child.pid!),
    stop: async () => {
      child.kill('SIGTERM')
      return exited
    }
  }
  return server
}

function waitUntilListening(child: ChildProcess): Promise<string> {
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`server did not start within 60 s:\n${output}`)), 60_000)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const match = READY.exec(output)
      if (!match) return
      clearTimeout(timer)
      child.stdout!.off('data', read)
      // Keep draining the pipes so a chatty server never blocks on a full pipe.
      child.stdout!.resume()
      resolve(match[1])
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.once('exit', (code) => fail(new Error(`server exited with ${code} before listening:\n${output}`)))
  })
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
