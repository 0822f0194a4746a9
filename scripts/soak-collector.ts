// The collector under soak (scripts/soak.ts forks this with --expose-gc): started from the
// environment like `npm start`, answering the parent's requests for samples over IPC.
import { loadConfig } from '../collector/config.js'
import { setAllowedOrigins } from '../collector/db/origin-queries.js'
import { ensureService } from '../collector/db/service-queries.js'
import { startServer } from '../collector/server.js'

export interface Sample {
  rss: number
  heapUsed: number
  heapTotal: number
  external: number
  handles: number
  handleTypes: Record<string, number>
}

export type SoakMessage =
  | { type: 'ready', address: string, service: number }
  | { type: 'sample', sample: Sample }
  | { type: 'rows', rows: Record<string, number> }

const gc = (globalThis as { gc?: () => void }).gc

function sample(): Sample {
  gc?.()
  const memory = process.memoryUsage()
  const handleTypes: Record<string, number> = {}
  const resources = process.getActiveResourcesInfo()
  for (const type of resources) handleTypes[type] = (handleTypes[type] ?? 0) + 1
  return {
    rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external,
    handles: resources.length, handleTypes
  }
}

async function main() {
  const send = (message: SoakMessage) => process.send?.(message)
  const { app, database, address } = await startServer(loadConfig())
  const service = await ensureService(database.db, 'Soak')
  await setAllowedOrigins(database.db, service.id, ['https://shop.example'])

  process.on('message', async (message: { type: string }) => {
    if (message.type === 'sample') send({ type: 'sample', sample: sample() })
    if (message.type === 'rows') {
      const rows: Record<string, number> = {}
      for (const table of ['user_session', 'url_log', 'button_log'] as const) {
        const row = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
        rows[table] = Number(row.n)
      }
      send({ type: 'rows', rows })
    }
    if (message.type === 'stop') {
      await app.close()
      process.exit(0)
    }
  })
  send({ type: 'ready', address, service: service.id })
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
