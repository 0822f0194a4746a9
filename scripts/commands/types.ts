import type { DatabaseHandle } from '../../collector/db/database.js'

export interface CommandContext {
  database: DatabaseHandle
  /** The migrations this run applied before the command, by name; empty when none were pending. */
  applied?: string[]
  out(line: string): void
}

/** One operator command of `scripts/visitlog.ts`; the database is open and migrated. */
export interface Command {
  name: string
  usage: string
  summary: string
  run(args: string[], context: CommandContext): Promise<void>
}
