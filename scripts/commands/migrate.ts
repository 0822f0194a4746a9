import type { Command } from './types.js'

/** The database is migrated before any command runs; this one only reports it. */
export const migrate: Command = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'apply pending database migrations',
  async run(_args, { database, out }) {
    out(`database is up to date (${database.kind}: ${database.location})`)
  }
}
