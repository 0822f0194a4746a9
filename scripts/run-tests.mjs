#!/usr/bin/env node
// Runs every test with tap, then prints one closing line, "N passed, M failed", counted from
// the TAP that tap saved for each file, so that a run with no tests cannot pass unnoticed.
// On a terminal tap draws its own report; elsewhere (CI, pipes) tap's redrawing reporters would
// fill the log, so this prints one line per file and the TAP of each failure instead.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { Parser } from 'tap-parser'

const RESULTS = '.tap/test-results'
const interactive = process.stdout.isTTY === true

rmSync(RESULTS, { recursive: true, force: true })
const reporter = interactive ? 'base' : 'silent'
const run = spawnSync('npx', ['tap', `--reporter=${reporter}`, ...process.argv.slice(2)],
  { stdio: 'inherit' })

let passed = 0
let failed = 0
for (const file of tapFiles(RESULTS)) {
  const text = readFileSync(file, 'utf8')
  const counts = countFile(text)
  // tap leaves an empty record for a test file it did not run this time.
  if (counts.ok && counts.pass === 0 && counts.fail === 0) continue
  // A file that died before finishing a test still counts as one failure.
  const fileFailed = counts.fail > 0 || counts.ok ? counts.fail : 1
  passed += counts.pass
  failed += fileFailed
  if (!interactive) report(relative(RESULTS, file).replace(/\.tap$/, ''), counts, fileFailed, text)
}

console.log(`${passed} passed, ${failed} failed`)
const ok = run.status === 0 && failed === 0 && passed > 0
process.exit(ok ? 0 : 1)

function report(name, counts, fileFailed, text) {
  console.log(`${fileFailed > 0 ? 'FAIL' : 'ok  '} ${name} (${counts.pass} passed, ${fileFailed} failed)`)
  if (fileFailed > 0) console.log(text.split('\n').map((line) => `    ${line}`).join('\n'))
}

function tapFiles(dir) {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true })
  } catch {
    return []
  }
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.tap'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort()
}

function countFile(text) {
  let final = { ok: false, pass: 0, fail: 0 }
  const parser = new Parser((results) => { final = results })
  parser.end(text)
  return { ok: final.ok, pass: final.pass, fail: final.fail }
}
