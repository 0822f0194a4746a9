import { ClientReport, VisitReport } from '../../schemas/index.js'
import type { ClientRow, VisitRow } from '../../collector/db/report-queries.js'

/** Short names for the six flags, in the requirement's order, for tables. */
const FLAGS = [
  ['is_click_platform', 'platform'],
  ['is_click_personal_account', 'account'],
  ['is_write_to_support', 'support'],
  ['is_click_deposit_button', 'deposit'],
  ['is_click_contacts', 'contacts'],
  ['is_change_password', 'password']
] as const

const CLIENT_COLUMNS = Object.keys(ClientReport.properties) as Array<keyof ClientRow>
const VISIT_COLUMNS = Object.keys(VisitReport.properties) as Array<keyof VisitRow>

// ---- table ----

type Cell = string | number

/** Columns padded to their widest cell; numbers align right. */
export function table(header: string[], rows: Cell[][]) {
  const width = (index: number) =>
    Math.max(header[index].length, ...rows.map((row) => `${row[index]}`.length))
  const widths = header.map((_title, index) => width(index))
  const pad = (cell: Cell, index: number) =>
    typeof cell === 'number' ? String(cell).padStart(widths[index]) : cell.padEnd(widths[index])
  const line = (cells: Cell[]) => cells.map(pad).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

/** 2026-10-05T09:00:00.000Z as 2026-10-05 09:00:00 (tables say UTC in their header). */
export const time = (iso: string | null) => iso === null ? '' : iso.slice(0, 19).replace('T', ' ')

/** Seconds as h:mm:ss. */
export function duration(seconds: number) {
  const whole = Math.round(seconds)
  const h = Math.floor(whole / 3600)
  const m = Math.floor((whole % 3600) / 60)
  const s = whole % 60
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`
}

const utcOr = (iso: string | null, none = '') => iso === null ? none : `${time(iso)} UTC`

const flagsOf = (row: Record<string, unknown>) => FLAGS.filter(([column]) => row[column] === true)
  .map(([, name]) => name).join(' ')

const ENDED_BY = { logout: 'logout', last_action: 'last action', none: 'nothing logged' }

export function clientsTable(rows: ClientRow[]) {
  const header = ['service', 'email', 'visits', 'first visit (UTC)', 'last visit (UTC)', 'total', 'median',
    'flags']
  return table(header, rows.map((row) => [
    row.service_name, row.email, row.visits, time(row.first_visit), time(row.last_visit),
    duration(row.total_time_seconds), duration(row.median_time_seconds), flagsOf(row)
  ]))
}

export function visitsTable(rows: VisitRow[], withClient = true) {
  const client = withClient ? ['service', 'email'] : []
  const header = ['login (UTC)', ...client, 'time spent', 'ended by', 'active', 'pages', 'links', 'buttons',
    'flags', 'browser', 'os', 'device', 'ip']
  return table(header, rows.map((row) => [
    time(row.login_time), ...(withClient ? [row.service_name, row.email] : []),
    duration(row.time_spent_seconds), ENDED_BY[row.ended_by], duration(row.active_seconds),
    row.pages_visited, row.links_clicked, row.buttons_clicked,
    flagsOf(row), row.browser ?? '', row.os ?? '', row.device_type, row.ip_address ?? ''
  ]))
}

export function clientTable(client: ClientRow, visits: VisitRow[]) {
  const summary = table(['client', client.email], [
    ['service', `${client.service_name} (${client.service_id})`],
    ['visits', `${client.visits} (${client.visits_without_logout} without logout)`],
    ['first visit', utcOr(client.first_visit)],
    ['last visit', utcOr(client.last_visit)],
    ['time spent', [
      `${duration(client.total_time_seconds)} total`,
      `${duration(client.median_time_seconds)} median`,
      `${duration(client.total_active_seconds)} active`
    ].join(', ')],
    ['pages visited', String(client.pages_visited)],
    ['links clicked', String(client.links_clicked)],
    ['buttons clicked', String(client.buttons_clicked)],
    ['last password change', utcOr(client.last_password_change_at, 'never')]
  ])
  const flags = table(['flag', 'ever', 'first (UTC)'], FLAGS.map(([column, name]) => [
    name, client[column] ? 'yes' : 'no', time(client[`${column}_first_at`])
  ]))
  const recent = visits.length > 0 ? visitsTable(visits, false) : 'no visit matches'
  return `${summary}\n\n${flags}\n\nrecent visits\n${recent}`
}

// ---- csv ----

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; null is empty. */
export function csv<Row extends object>(columns: Array<keyof Row>, rows: Row[]) {
  const field = (value: unknown) => {
    const text = value === null || value === undefined ? '' : String(value)
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
  }
  const lines = [columns.map(field), ...rows.map((row) => columns.map((column) => field(row[column])))]
  return lines.map((line) => line.join(',')).join('\r\n')
}

export const clientsCsv = (rows: ClientRow[]) => csv(CLIENT_COLUMNS, rows)
export const visitsCsv = (rows: VisitRow[]) => csv(VISIT_COLUMNS, rows)
