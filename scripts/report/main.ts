import { CollectorError } from '../../collector/errors.js'
import { isConnectionError, sqlState } from '../../collector/db/pg-errors.js'
import { type ReportArgs, USAGE, UsageError, parseArgs } from './args.js'
import {
  clientTable, clientsCsv, clientsTable, visitsCsv, visitsTable
} from './format.js'
import { type ReportSource, ReportError, apiSource, databaseSource } from './sources.js'

export interface ReportIo {
  env: NodeJS.ProcessEnv
  out(text: string): void
  err(text: string): void
  fetch?: typeof fetch
}

const UNDEFINED_TABLE = '42P01'

/** The report command; answers its exit code: 0 done, 1 no answer, 2 a mistake in the command line. */
export async function runReport(argv: string[], io: ReportIo): Promise<number> {
  let args: ReportArgs
  try {
    args = parseArgs(argv, io.env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    io.err(`error: ${error.message}\n\n${USAGE}\n`)
    return 2
  }

  const databaseUrl = io.env.DATABASE_URL?.trim()
  if (!databaseUrl && !args.token) {
    io.err(`error: ${NO_SOURCE(args.url)}\n`)
    return 1
  }
  const source = databaseUrl ? databaseSource(databaseUrl) : apiSource(args.url, args.token!, io.fetch)
  try {
    io.out(`${await render(source, args)}\n`)
    return 0
  } catch (error) {
    io.err(`error: ${explain(error, args, databaseUrl)}\n`)
    return 1
  } finally {
    await source.close()
  }
}

async function render(source: ReportSource, args: ReportArgs) {
  if (args.command === 'clients') {
    const rows = await source.clients(args)
    if (args.format === 'json') return JSON.stringify(rows, null, 2)
    if (args.format === 'csv') return clientsCsv(rows)
    return rows.length > 0 ? clientsTable(rows) : 'no client matches'
  }
  if (args.command === 'visits') {
    const rows = await source.visits(args)
    if (args.format === 'json') return JSON.stringify(rows, null, 2)
    if (args.format === 'csv') return visitsCsv(rows)
    return rows.length > 0 ? visitsTable(rows) : 'no visit matches'
  }
  const { client, visits } = await source.client(args)
  if (args.format === 'json') return JSON.stringify({ client, visits }, null, 2)
  if (args.format === 'csv') return `${clientsCsv([client])}\r\n\r\n${visitsCsv(visits)}`
  return clientTable(client, visits)
}

const NO_SOURCE = (url: string) => [
  'no DATABASE_URL and no admin token.',
  'Set DATABASE_URL to read PostgreSQL directly, or pass --token (or set ADMIN_TOKEN) to ask the',
  `collector at ${url} (--url to change it); the collector prints its admin token when it starts.`
].join('\n')

const UNREACHABLE = (message: string) => [
  `${message}.`,
  'Start it (npm start) or pass --url with its address, or set DATABASE_URL to read PostgreSQL directly.'
].join('\n')

/** One line for the person at the terminal; the same wording whichever source answered. */
function explain(error: unknown, args: ReportArgs, databaseUrl: string | undefined) {
  const code = error instanceof CollectorError || error instanceof ReportError ? error.code : undefined
  const inService = args.service === undefined ? '' : ` in service ${args.service}`
  switch (code) {
    case 'SERVICE_NOT_FOUND': return `no service has id ${args.service} (npm run service:list shows them)`
    case 'CLIENT_NOT_FOUND': return `no visit is recorded for ${args.email}${inService}`
    case 'SERVICE_REQUIRED': return (error as Error).message.replace('service=ID', '--service ID')
    case 'EMAIL_INVALID': return `"${args.email}" is not an email address`
    case 'ADMIN_TOKEN_REQUIRED':
      return `the collector at ${args.url} refused the admin token (--token or ADMIN_TOKEN)`
    case 'COLLECTOR_UNREACHABLE': return UNREACHABLE((error as Error).message)
  }
  if (code) return `${(error as Error).message} (${code})`
  if (sqlState(error) === UNDEFINED_TABLE) {
    return 'the database has no report views yet: run npm run db:migrate'
  }
  if (databaseUrl && isConnectionError(error)) {
    return `cannot connect to PostgreSQL (${describe(databaseUrl)}): check DATABASE_URL, ` +
      `or unset it to ask the running collector at ${args.url}`
  }
  return error instanceof Error ? error.message : String(error)
}

function describe(databaseUrl: string) {
  try {
    const url = new URL(databaseUrl)
    return `${url.hostname}:${url.port || 5432}${url.pathname}`
  } catch {
    return 'DATABASE_URL is not a URL'
  }
}
