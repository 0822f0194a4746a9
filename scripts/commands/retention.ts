import { loadConfig } from '../../collector/config.js'
import { deleteVisitsOlderThan } from '../../collector/db/privacy-queries.js'
import type { Command } from './types.js'

const USAGE = 'retention [<days>]'

/** Deletes visits (with their logs) that began more than N days ago; N defaults to RETENTION_DAYS. */
export const retention: Command = {
  name: 'retention',
  usage: USAGE,
  summary: 'delete visits and their logs older than <days> (default RETENTION_DAYS)',
  async run(args, { database, out }) {
    const days = args.length > 0 ? Number(args[0]) : loadConfig().retentionDays
    const valid = args.length <= 1 && Number.isInteger(days) && days >= 1 && days <= 36500
    if (!valid) {
      throw new Error(`${USAGE}: give a whole number of days from 1 to 36500, or set RETENTION_DAYS`)
    }

    const deleted = await deleteVisitsOlderThan(database.db, days)
    out(`deleted ${deleted.visits} visits, ${deleted.url_logs} url logs and `
      + `${deleted.button_logs} button logs older than ${days} days`)
  }
}
