import { readAllowedOrigins, setAllowedOrigins } from '../../collector/db/origin-queries.js'
import { parseAllowedOrigins } from '../../collector/origins.js'
import type { Command } from './types.js'

const USAGE = 'service:origins <service_id> [<origin> ... | --clear]'

/** Shows or replaces the browser origins allowed to write for a service (CORS, issue 7). */
export const serviceOrigins: Command = {
  name: 'service:origins',
  usage: USAGE,
  summary: 'show or set the origins allowed to send (an empty list allows any origin)',
  async run(args, { database, out }) {
    const [idText, ...rest] = args
    const serviceId = Number(idText)
    if (!/^\d{1,10}$/.test(idText ?? '') || serviceId < 1) {
      throw new Error(`${USAGE}\nfor example: npm run service:origins -- 3 https://shop.example`)
    }

    const clear = rest.length === 1 && rest[0] === '--clear'
    const service = rest.length === 0
      ? await readAllowedOrigins(database.db, serviceId)
      : await setAllowedOrigins(database.db, serviceId, clear ? [] : parseAllowedOrigins(rest))
    if (!service) throw new Error(`no service has id ${serviceId} (see npm run service:list)`)

    out(`${service.id}\t${service.service_name}`)
    if (service.allowed_origins.length === 0) out('allowed origins: any (the list is empty)')
    for (const origin of service.allowed_origins) out(`allowed origin: ${origin}`)
  }
}
