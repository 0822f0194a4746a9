#!/usr/bin/env node
// Runs every test with tap, then prints one closing line, "N passed, M failed", counted from
// the TAP that tap saved for each file, so that a run with no tests cannot pass unnoticed.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Parser } from 'tap-parser'

const RESULTS = '.tap/test-results'

rmSync(RESULTS, { recursive: true, force: true })
const run = spawnSync('npx', ['tap', '--reporter=base', ...process.argv.slice(2)], { stdio: 'inherit' })

let passed = 0
let failed = 0
for (const file of tapFiles(RESULTS)) {
  const counts = countFile(readFileSync(file, 'utf8'))
  passed += counts.pass
  // A file that died before finishing a test still counts as one failure.
  failed += counts.fail > 0 || counts.ok ? counts.fail : 1
}

console.log(`${passed} passed, ${failed} failed`)
const ok = run.status === 0 && failed === 0 && passed > 0
process.exit(ok ? 0 : 1)

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
}

function countFile(text) {
  let final = { ok: false, pass: 0, fail: 0 }
  const parser = new Parser((results) => { final = results })
  parser.end(text)
  return { ok: final.ok, pass: final.pass, fail: final.fail }
}
