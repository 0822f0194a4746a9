import { type PostgresPool, type PostgresPoolClient, sql } from 'kysely'
import type pg from 'pg'

const MARK = /^\/\* prepared (\w+) \*\//

/**
 * Marks a statement whose text never changes (the group statements, thanks to unnest) to be
 * sent as a named prepared statement: PostgreSQL then parses and plans it once per connection
 * instead of once per group. PGlite, and any statement without the mark, runs as before.
 */
export function preparedAs(name: string) {
  return sql.raw(preparedMark(name))
}

/** The mark as text, for statements made without Kysely's builder. */
export function preparedMark(name: string) {
  return `/* prepared ${name} */`
}

/** A pool for Kysely's PostgresDialect whose clients send marked statements by name. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>()
  return {
    // What Kysely reads from a pg pool to cancel a query through a second connection.
    options: pool.options,
    Client: (pool as unknown as PostgresPool).Client,
    connect: async () => {
      const client = await pool.connect()
      let preparing = clients.get(client)
      if (!preparing) {
        preparing = preparingClient(client)
        // The same wrapper each time: Kysely keeps its connection object per client.
        clients.set(client, preparing)
      }
      return preparing
    },
    end: () => pool.end()
  }
}

function preparingClient(client: pg.PoolClient): PostgresPoolClient {
  const query = (text: unknown, values?: readonly unknown[]) => {
    const name = typeof text === 'string' ? MARK.exec(text)?.[1] : undefined
    if (name) return client.query({ name, text: text as string, values: values as unknown[] })
    return client.query(text as string, values as unknown[])
  }
  return { query, release: (discard?: boolean) => client.release(discard) } as unknown as PostgresPoolClient
}
