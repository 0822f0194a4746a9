import { readFileSync } from 'node:fs'
import t from 'tap'
import { ERRORS } from '../errors.js'

/** Rows of the README's error table: | `CODE` | status | meaning | */
function documentedErrors() {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const rows = [...readme.matchAll(/^\| `([A-Z_0-9]+)` \| (\d{3}) \|/gm)]
  return Object.fromEntries(rows.map((row) => [row[1], Number(row[2])]))
}

t.test('every error code is documented in the README with its status, and nothing else is', async (t) => {
  const catalogue = Object.fromEntries(Object.entries(ERRORS).map(([code, error]) => [code, error.status]))
  t.same(documentedErrors(), catalogue)
})

t.test('client mistakes are 4xx; 5xx is only for our own faults and outages', async (t) => {
  const fiveHundreds = Object.entries(ERRORS).filter(([, error]) => error.status >= 500).map(([code]) => code)
  t.same(fiveHundreds.sort(), ['DATABASE_UNAVAILABLE', 'INTERNAL', 'RUNTIME_NOT_BUILT'])
})
