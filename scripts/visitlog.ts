// Operator commands: `npm run db:migrate`, `npm run service:add -- Company1`, `npm run service:list`,
// `npm run service:origins -- 3 https://shop.example`, `npm run retention -- 395`,
// `npm run client:erase -- ann@example.com --service 3`, or `npx tsx scripts/visitlog.ts <command>`.
// Uses DATABASE_URL, else the PGlite directory DATA_DIR.
import { ConfigError, loadConfig } from '../collector/config.js'
import { openDatabase } from '../collector/db/database.js'
import { migrateToLatest } from '../collector/db/migrate.js'
import { CollectorError } from '../collector/errors.js'
import { clientErase } from './commands/erasure.js'
import { migrate } from './commands/migrate.js'
import { retention } from './commands/retention.js'
import { serviceAdd, serviceList } from './commands/service.js'
import { serviceOrigins } from './commands/service-origins.js'
import type { Command } from './commands/types.js'

const COMMANDS: Command[] = [migrate, serviceAdd, serviceList, serviceOrigins, retention, clientErase]

function help() {
  const lines = COMMANDS.map((command) => `  ${command.usage.padEnd(36)} ${command.summary}`)
  return ['usage: npx tsx scripts/visitlog.ts <command> [arguments]', '', ...lines].join('\n')
}

async function main(argv: string[]) {
  const [name, ...args] = argv
  const command = COMMANDS.find((candidate) => candidate.name === name)
  if (!command) {
    console.error(name ? `unknown command "${name}"\n\n${help()}` : help())
    return 2
  }

  const config = loadConfig()
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    const applied = await migrateToLatest(database.db)
    await command.run(args, { database, applied, out: (line) => console.log(line) })
    return 0
  } finally {
    await database.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof ConfigError || error instanceof CollectorError
    console.error(known || error instanceof Error ? `error: ${(error as Error).message}` : error)
    process.exit(1)
  }
)
