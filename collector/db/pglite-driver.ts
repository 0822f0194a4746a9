import type { PGlite } from '@electric-sql/pglite'

/**
 * Presents one PGlite instance as the small pool interface that Kysely's PostgresDialect uses,
 * so both databases share Kysely's own Postgres driver, adapter and query compiler. Written here
 * because the published PGlite dialects lag Kysely's releases (see the README).
 *
 * PGlite is a single connection: a mutex lends its one client to one Kysely connection at a
 * time, which is what keeps a transaction's statements together.
 */
export class PGlitePool {
  readonly options = {}
  readonly #pglite: PGlite
  #tail: Promise<void> = Promise.resolve()
  #releaseHolder: (() => void) | undefined

  readonly #client = {
    query: (sql: string, parameters: readonly unknown[]) => this.#query(sql, parameters),
    release: () => {
      const release = this.#releaseHolder
      this.#releaseHolder = undefined
      release?.()
    }
  }

  constructor(pglite: PGlite) {
    this.#pglite = pglite
  }

  async connect() {
    let release!: () => void
    const turn = new Promise<void>((resolve) => { release = resolve })
    const previous = this.#tail
    this.#tail = previous.then(() => turn)
    await previous

    this.#releaseHolder = release
    return this.#client
  }

  async end() {
    await this.#tail
    await this.#pglite.close()
  }

  async #query(sql: string, parameters: readonly unknown[]) {
    const result = await this.#pglite.query<Record<string, unknown>>(sql, [...parameters])
    return { command: commandOf(sql), rowCount: result.affectedRows ?? result.rows.length, rows: result.rows }
  }
}

/** Kysely reads a row count only for writes; PGlite does not name the command, so we do. */
const COMMANDS = ['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COMMIT', 'ROLLBACK'] as const
type Command = (typeof COMMANDS)[number] | 'SELECT'

function commandOf(sql: string): Command {
  const word = sql.trimStart().split(/\s/, 1)[0].toUpperCase()
  return COMMANDS.find((command) => command === word) ?? 'SELECT'
}
