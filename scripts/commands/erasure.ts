import { eraseClient, serviceExists } from '../../collector/db/privacy-queries.js'
import { normalizeEmail } from '../../collector/validate.js'
import type { Command } from './types.js'

const USAGE = 'client:erase <email> --service <id>'

/** Erases everything stored for one client in one service and says how much went. */
export const clientErase: Command = {
  name: 'client:erase',
  usage: USAGE,
  summary: 'delete every visit and log of one client (email) in one service',
  async run(args, { database, out }) {
    const flag = args.indexOf('--service')
    const idText = flag >= 0 ? args[flag + 1] : undefined
    const rest = flag >= 0 ? [...args.slice(0, flag), ...args.slice(flag + 2)] : args
    const serviceId = Number(idText)
    if (rest.length !== 1 || !/^\d{1,10}$/.test(idText ?? '') || serviceId < 1) {
      throw new Error(`${USAGE}\nfor example: npm run client:erase -- ann@example.com --service 3`)
    }
    const email = normalizeEmail(rest[0])
    if (!await serviceExists(database.db, serviceId)) {
      throw new Error(`no service has id ${serviceId} (see npm run service:list)`)
    }

    const deleted = await eraseClient(database.db, serviceId, email)
    out(`deleted ${deleted.visits} visits, ${deleted.url_logs} url logs and `
      + `${deleted.button_logs} button logs of this client in service ${serviceId}`)
  }
}
