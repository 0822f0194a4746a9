import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const LOCK_FILE = 'visitlog.lock'

/** A PGlite directory that another live process holds. */
export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(`DATA_DIR ${dataDir} is in use by process ${pid}: PGlite opens a directory from one process `
      + 'at a time. Stop that process first, or set DATABASE_URL to share a PostgreSQL database. '
      + `(If process ${pid} is not a Visitlog command or collector, delete ${join(dataDir, LOCK_FILE)}.)`)
    this.name = 'DataDirInUseError'
  }
}

/**
 * Takes the PGlite directory for this process, or throws DataDirInUseError. PGlite itself lets a
 * second process open the same directory, and what one of the two writes is then silently lost.
 * A lock left by a process that no longer exists (a crash, SIGKILL) is taken over. Answers the
 * release, which removes the lock file.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE)
  for (let attempt = 0; attempt < 2; attempt++) {
    const taken = tryCreate(path)
    if (taken) {
      heldHere.add(path)
      return () => release(path)
    }

    const holder = holderOf(path)
    if (holder !== undefined && isHeld(path, holder)) throw new DataDirInUseError(dataDir, holder)
    // Another process may have taken the stale lock over meanwhile: remove only the one read.
    if (holderOf(path) === holder) removeFile(path)
  }
  throw new Error(`DATA_DIR ${dataDir}: could not take ${LOCK_FILE}`)
}

/**
 * Creates the lock file holding this process's id; false when it exists already. The id is
 * written to a file of this process's own first and then linked into place, which either
 * succeeds whole or fails with EEXIST: no other process ever reads a lock without its id.
 */
function tryCreate(path: string) {
  const own = `${path}.${process.pid}`
  writeFileSync(own, `${process.pid}\n`)
  try {
    linkSync(own, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    unlinkSync(own)
  }
}

function holderOf(path: string) {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** The lock files this process took and has not released. */
const heldHere = new Set<string>()

/**
 * Whether the lock's holder still holds it. A lock naming this very process is live only if
 * this process took it: otherwise an earlier process had the same id (a container's process is
 * often pid 1 on every start) and ended without releasing it.
 */
function isHeld(path: string, holder: number) {
  return holder === process.pid ? heldHere.has(path) : isAlive(holder)
}

/** Signal 0 checks that a process exists; EPERM means it exists under another user. */
function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function removeFile(path: string) {
  try {
    unlinkSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

function release(path: string) {
  heldHere.delete(path)
  if (holderOf(path) === process.pid) removeFile(path)
}
