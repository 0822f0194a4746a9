import type { Socket } from 'node:net'
import pg from 'pg'

/** How long past the statement timeout a silent server is given before its socket is cut. */
const SILENCE_GRACE_MS = 500

/**
 * A pg pool that fails fast when PostgreSQL is away instead of hanging (issue 7):
 * - connecting, or waiting for a free connection, gives up after timeoutMs (2 s by default);
 * - with timeoutMs, the server cancels statements running longer (statement_timeout), and a
 *   query whose server says nothing at all (a cut network) has its socket destroyed shortly
 *   after, which fails the query and makes the pool discard that connection;
 * - a connection that dies while checked out fails its queries rather than the process
 *   (pg emits "error" on such a client, and nothing else listens to it then).
 * The pool opens connections again on demand, so the collector recovers by itself.
 */
export function createPostgresPool(databaseUrl: string, poolSize: number, timeoutMs?: number) {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: timeoutMs ?? 2000,
    ...(timeoutMs === undefined ? {} : { statement_timeout: timeoutMs }),
    keepAlive: true,
    application_name: 'visitlog'
  })
  // An idle client that loses its server emits here; without a listener the process would exit.
  pool.on('error', () => {})
  pool.on('connect', (client) => {
    client.on('error', () => {})
    if (timeoutMs !== undefined) guardAgainstSilence(client, timeoutMs + SILENCE_GRACE_MS)
  })
  return pool
}

type Query = (...args: unknown[]) => unknown

function guardAgainstSilence(client: pg.PoolClient, limitMs: number) {
  const query = client.query.bind(client) as Query
  const guarded: Query = (...args) => {
    const result = query(...args)
    if (!(result instanceof Promise)) return result
    const timer = setTimeout(() => destroySocket(client), limitMs)
    return result.finally(() => clearTimeout(timer))
  }
  Object.assign(client, { query: guarded })
}

/** pg has no public way to drop a connection whose server went silent; its own code does this. */
function destroySocket(client: pg.PoolClient) {
  const connection = (client as unknown as { connection?: { stream?: Socket } }).connection
  connection?.stream?.destroy()
}

/**
 * Runs one statement on its own connection to a PostgreSQL server, for what a pool cannot do
 * (`create database`, `drop database`): tests, the benchmarks and the soak script.
 */
export async function runOnServer(serverUrl: string, statement: string) {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
