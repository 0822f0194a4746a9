import type { Command } from './types.js'
import { addService, listServices } from '../../collector/db/service-queries.js'

export const serviceAdd: Command = {
  name: 'service:add',
  usage: 'service:add <service_name>',
  summary: 'add a service (a company whose site sends visits) and print its id',
  async run(args, { database, out }) {
    const name = args.join(' ').trim()
    if (!name) throw new Error('service:add needs a name, for example: npm run service:add -- Company1')
    const service = await addService(database.db, name)
    out(`${service.id}\t${service.service_name}`)
  }
}

export const serviceList: Command = {
  name: 'service:list',
  usage: 'service:list',
  summary: 'list services with their ids',
  async run(_args, { database, out }) {
    for (const service of await listServices(database.db)) out(`${service.id}\t${service.service_name}`)
  }
}
