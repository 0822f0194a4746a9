import type { Command } from './types.js'

/** The database is migrated before any command runs; this one only reports it. */
export const migrate: Command = {
  name: 'migrate',
  usage: 'migrate',
  summary: 'apply pending database migrations',
  async run(_args, { database, applied = [], out }) {
    const where = `${database.kind}: ${database.location}`
    if (applied.length === 0) return out(`database is up to date (${where})`)
    const count = `${applied.length} migration${applied.length === 1 ? '' : 's'}`
    out(`applied ${count} (${where}): ${applied.join(', ')}`)
  }
}
