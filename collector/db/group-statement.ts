import { CompiledQuery, type Kysely, sql } from 'kysely'
import type { Outcome } from './group-outcomes.js'
import { preparedAs, preparedMark } from './prepared-statements.js'
import type { SessionCache } from './session-cache.js'
import type { Database } from './types.js'
import type { StatementPart } from './unnest.js'
import type { Part, Tagged, WriteKind } from './write-groups.js'

/**
 * Writes one group of mixed writes with ONE statement, so one round trip and one commit:
 * each kind's insert or update is a data-modifying WITH query, and the statement answers the
 * keys each one wrote. Visits the cache does not know are looked up before, in one query.
 */
export async function writeGroup(db: Kysely<Database>, sessions: SessionCache, tagged: Tagged[]) {
  const byKind = new Map<WriteKind<unknown, unknown>, { items: unknown[], positions: number[] }>()
  tagged.forEach(({ kind, item }, position) => {
    const entry = byKind.get(kind) ?? { items: [], positions: [] }
    entry.items.push(item)
    entry.positions.push(position)
    byKind.set(kind, entry)
  })

  const missing = await missingSessions(db, sessions, tagged)
  const planned = [...byKind].map(([kind, { items }]) =>
    ({ kind, part: kind.plan(db, sessions, items, missing) }))
  const result = await runStatement(db, planned)

  const outcomes: Outcome<unknown>[] = new Array(tagged.length)
  await Promise.all(planned.map(async ({ kind, part }) => {
    const keys = 'error' in result ? result : { keys: result.get(kind.name) ?? new Set<string>() }
    const finished = await part.finish(keys)
    byKind.get(kind)!.positions.forEach((position, index) => { outcomes[position] = finished[index] })
  }))
  return outcomes
}

/** The visits this group needs that neither the cache nor the database knows. */
async function missingSessions(db: Kysely<Database>, sessions: SessionCache, tagged: Tagged[]) {
  const unknown = new Set<string>()
  for (const { kind, item } of tagged) {
    const sessionId = kind.sessionOf?.(item)
    if (sessionId !== undefined && !sessions.has(sessionId)) unknown.add(sessionId)
  }
  if (unknown.size === 0) return unknown

  const { rows } = await sql<{ session_id: string }>`${preparedAs('existing_sessions')}
    select session_id::text from user_session where session_id = any(${[...unknown]}::uuid[])`.execute(db)
  for (const row of rows) {
    sessions.remember(row.session_id)
    unknown.delete(row.session_id)
  }
  return unknown
}

type Planned = Array<{ kind: WriteKind<unknown, unknown>, part: Part<unknown> }>
type Written = Array<{ kind: WriteKind<unknown, unknown>, statement: StatementPart }>

/** Statement texts by combination of kinds; a handful at most (one per subset of four kinds). */
const texts = new Map<string, string>()

/** Runs the parts that have a statement as one; answers the keys per kind, or the error. */
async function runStatement(db: Kysely<Database>, planned: Planned) {
  const parts: Written = []
  for (const { kind, part } of planned) if (part.statement) parts.push({ kind, statement: part.statement })
  if (parts.length === 0) return new Map<string, Set<string>>()
  parts.sort((a, b) => (a.kind.name < b.kind.name ? -1 : 1))

  // The text depends only on which kinds take part (in name order): each combination is prepared once.
  const name = `write_${parts.map(({ kind }) => kind.name).join('_')}`
  let text = texts.get(name)
  if (text === undefined) {
    text = statementText(name, parts)
    texts.set(name, text)
  }

  try {
    const values = parts.flatMap(({ statement }) => statement.values)
    const query = CompiledQuery.raw(text, values)
    const { rows } = await db.executeQuery<{ kind: string, key: string | null }>(query)
    const keys = new Map(parts.map(({ kind }) => [kind.name, new Set<string>()]))
    for (const row of rows) if (row.key !== null) keys.get(row.kind)!.add(row.key)
    return keys
  } catch (error) {
    return { error }
  }
}

/** `with written_a as (...), written_b as (...) select 'a', key from written_a union all ...` */
function statementText(name: string, parts: Written) {
  let first = 1
  const queries = parts.map(({ kind, statement }) => {
    const query = `written_${kind.name} as (${statement.text(first)})`
    first += statement.values.length
    return query
  })
  const answers = parts.map(({ kind }) => `select '${kind.name}' as kind, key from written_${kind.name}`)
  return `${preparedMark(name)} with ${queries.join(', ')} ${answers.join(' union all ')}`
}
