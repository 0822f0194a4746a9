import { FLAG_NAMES, type FlagName } from '../../schemas/index.js'
import { parseSince } from '../../collector/report-input.js'

export type ReportCommand = 'clients' | 'visits' | 'client'
export type Format = 'table' | 'csv' | 'json'

export interface ReportArgs {
  command: ReportCommand
  email?: string
  service?: number
  since?: Date
  flag?: FlagName
  limit?: number
  format: Format
  url: string
  token?: string
}

export const USAGE = `usage: npm run report -- <command> [options]

commands:
  clients                 one row per client (service and email), in service and email order
  visits                  one row per visit, newest first
  client <email>          one client's row and recent visits

options:
  --service ID            only this service (npm run service:list shows the ids)
  --since DATE            clients seen, or visits started, on or after DATE
                          (2026-12-01 is midnight UTC; 2026-12-01T09:00:00+03:00 also works)
  --flag NAME             clients only: those who ever set this flag (${FLAG_NAMES.join(', ')})
  --limit N               at most N rows (client: N recent visits, default 20)
  --format table|csv|json table by default
  --url URL               the collector to ask when DATABASE_URL is not set
                          (default http://127.0.0.1:8080)
  --token TOKEN           its admin token (default: $ADMIN_TOKEN)

With DATABASE_URL set, the command reads PostgreSQL directly; otherwise it asks the collector.`

/** A mistake in the command line: the message, then the usage, exit code 2. */
export class UsageError extends Error {}

const OPTIONS = new Set(['--service', '--since', '--flag', '--limit', '--format', '--url', '--token'])

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): ReportArgs {
  const { positional, options } = split(argv)
  const [command, email, ...extra] = positional
  const known = checkCommand(command, email, extra)
  if (options.flag !== undefined && known !== 'clients') {
    throw new UsageError('--flag works with clients only')
  }

  const read = <T>(raw: string | undefined, parse: (raw: string) => T) =>
    raw === undefined ? undefined : parse(raw)
  const maxLimit = known === 'client' ? 500 : 1_000_000
  const limit = read(options.limit, (raw) => wholeNumber('--limit', raw, maxLimit))
  return {
    command: known,
    email,
    service: read(options.service, (raw) => wholeNumber('--service', raw, 2 ** 31 - 1)),
    since: read(options.since, date),
    flag: read(options.flag, flag),
    limit,
    format: format(options.format ?? 'table'),
    url: (options.url ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
    token: options.token ?? (env.ADMIN_TOKEN?.trim() || undefined)
  }
}

function checkCommand(command?: string, email?: string, extra: string[] = []): ReportCommand {
  if (command !== 'clients' && command !== 'visits' && command !== 'client') {
    throw new UsageError(command ? `unknown command "${command}"` : 'name a command')
  }
  if (command === 'client' && !email) {
    throw new UsageError('client needs an email: npm run report -- client ann@example.com')
  }
  const unexpected = extra[0] ?? (command === 'client' ? undefined : email)
  if (unexpected !== undefined) throw new UsageError(`unexpected argument "${unexpected}"`)
  return command
}

function split(argv: string[]) {
  const positional: string[] = []
  const options: Record<string, string> = {}
  for (let index = 0; index < argv.length; index++) {
    const [name, inline] = argv[index].split(/=(.*)/s, 2)
    if (!name.startsWith('--')) {
      positional.push(argv[index])
      continue
    }
    if (!OPTIONS.has(name)) throw new UsageError(`unknown option ${name}`)
    const value = inline ?? argv[++index]
    if (value === undefined) throw new UsageError(`${name} needs a value`)
    options[name.slice(2)] = value
  }
  return { positional, options }
}

function wholeNumber(name: string, raw: string, max: number) {
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < 1 || value > max) {
    throw new UsageError(`${name} takes a whole number from 1 to ${max}, got "${raw}"`)
  }
  return value
}

/** The API's reading of `since`, so that both refuse the same days and times. */
function date(raw: string) {
  try {
    return parseSince(raw)
  } catch {
    throw new UsageError(`--since takes a date such as 2026-12-01 or 2026-12-01T09:00:00Z, got "${raw}"`)
  }
}

function flag(raw: string): FlagName {
  const known = FLAG_NAMES.find((name) => name === raw)
  if (!known) throw new UsageError(`--flag takes one of ${FLAG_NAMES.join(', ')}, got "${raw}"`)
  return known
}

function format(raw: string): Format {
  if (raw === 'table' || raw === 'csv' || raw === 'json') return raw
  throw new UsageError(`--format takes table, csv or json, got "${raw}"`)
}
