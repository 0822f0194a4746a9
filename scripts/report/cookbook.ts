import { readFileSync } from 'node:fs'

/**
 * The SQL cookbook lives in docs/reporting.md, each query in a ```sql block right after a
 * `<!-- cookbook: name -->` mark. Tests and the benchmark read the queries from there, so the
 * documentation and what is tested cannot drift apart. Queries use psql variables
 * (`:service`, `:'email'`), so an analyst can run them as they are with `psql -v`.
 */
export const COOKBOOK_PATH = new URL('../../docs/reporting.md', import.meta.url)

const ENTRY = /<!-- cookbook: ([a-z0-9-]+) -->\s*```sql\n([\s\S]*?)```/g

export function readCookbook(path: URL | string = COOKBOOK_PATH): Map<string, string> {
  const text = readFileSync(path, 'utf8')
  return new Map([...text.matchAll(ENTRY)].map((match) => [match[1], match[2].trim()]))
}

// A psql variable: `:name` or `:'name'`, but not a `::type` cast or a colon inside a word.
const VARIABLE = /(?<![:\w]):('?)([a-z_][a-z0-9_]*)\1/g

/** Turns psql variables into $1, $2… placeholders with their values, for a driver to run. */
export function bindVariables(query: string, values: Record<string, string | number>) {
  const parameters: Array<string | number> = []
  const positions = new Map<string, number>()
  const sql = query.replace(VARIABLE, (_match, _quote, name: string) => {
    if (!(name in values)) throw new Error(`the cookbook query needs a value for :${name}`)
    if (!positions.has(name)) positions.set(name, parameters.push(values[name]))
    return `$${positions.get(name)}`
  }).replace(/;\s*$/, '')
  return { sql, parameters }
}
