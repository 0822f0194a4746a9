import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { openDatabase } from './database.js'
import { DataDirInUseError, lockDataDir } from './data-dir-lock.js'

function freshDir(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'visitlog-lock-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A process id that exists now and will not when the test looks: a child that has exited. */
async function exitedPid() {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((resolve) => child.once('exit', resolve))
  return child.pid!
}

t.test('a PGlite directory opens in one process at a time, and again once closed', async (t) => {
  const dir = freshDir(t)
  const first = await openDatabase({ dataDir: dir })
  t.equal(readFileSync(join(dir, 'visitlog.lock'), 'utf8'), `${process.pid}\n`)

  await t.rejects(openDatabase({ dataDir: dir }), new DataDirInUseError(dir, process.pid))
  await first.close()
  t.notOk(existsSync(join(dir, 'visitlog.lock')), 'closing removes the lock')

  const second = await openDatabase({ dataDir: dir })
  t.ok(await second.ping())
  await second.close()
})

t.test('another live process holding the directory is named in the refusal', async (t) => {
  const dir = freshDir(t)
  writeFileSync(join(dir, 'visitlog.lock'), `${process.ppid}\n`)
  t.throws(() => lockDataDir(dir), {
    name: 'DataDirInUseError',
    message: `DATA_DIR ${dir} is in use by process ${process.ppid}: PGlite opens a directory from one `
      + 'process at a time. Stop that process first, or set DATABASE_URL to share a PostgreSQL database. '
      + `(If process ${process.ppid} is not a Visitlog command or collector, `
      + `delete ${join(dir, 'visitlog.lock')}.)`
  })
  t.equal(readFileSync(join(dir, 'visitlog.lock'), 'utf8'), `${process.ppid}\n`, 'the holder keeps its lock')
})

t.test('a lock left by a process that is gone is taken over', async (t) => {
  const dir = freshDir(t)
  writeFileSync(join(dir, 'visitlog.lock'), `${await exitedPid()}\n`)
  const release = lockDataDir(dir)
  t.equal(readFileSync(join(dir, 'visitlog.lock'), 'utf8'), `${process.pid}\n`)
  release()
  t.notOk(existsSync(join(dir, 'visitlog.lock')))
})

t.test('an empty or unreadable lock file counts as left behind', async (t) => {
  const dir = freshDir(t)
  writeFileSync(join(dir, 'visitlog.lock'), '')
  const release = lockDataDir(dir)
  t.equal(readFileSync(join(dir, 'visitlog.lock'), 'utf8'), `${process.pid}\n`)
  release()
})

t.test('an operator command on a directory the collector holds is refused and changes nothing', async (t) => {
  const dir = freshDir(t)
  const collector = await openDatabase({ dataDir: dir })
  t.teardown(() => collector.close())

  const command = spawnSync('npx', ['tsx', 'scripts/visitlog.ts', 'service:add', 'Company9'], {
    encoding: 'utf8', env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '' }
  })
  t.equal(command.status, 1)
  t.equal(command.stderr.trim(), `error: ${new DataDirInUseError(dir, process.pid).message}`)
  t.equal(command.stdout, '')
})

t.test('a lock naming this process that this process did not take is left from an earlier life',
  async (t) => {
  // A container's process is often pid 1 on every start: after a crash its lock names "us".
  const dir = freshDir(t)
  writeFileSync(join(dir, 'visitlog.lock'), `${process.pid}\n`)
  const release = lockDataDir(dir)
  t.throws(() => lockDataDir(dir), new DataDirInUseError(dir, process.pid), 'but one it took is held')
  release()
  t.notOk(existsSync(join(dir, 'visitlog.lock')))
})
