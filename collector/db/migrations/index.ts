import type { Migration } from 'kysely/migration'
import * as initial from './20261204T1500-initial.js'
import * as activeTime from './20261204T1540-active-time.js'
import * as reportViews from './20261204T1610-issue5-report-views.js'
import * as allowedOrigins from './20261204T1620-issue7-allowed-origins.js'
import * as logIndexes from './20261204T2300-issue6-log-indexes.js'

/** Every migration in the order it runs; names are their file names and never change. */
export const migrations: Record<string, Migration> = {
  '20261204T1500-initial': initial,
  '20261204T1540-active-time': activeTime,
  '20261204T1610-issue5-report-views': reportViews,
  '20261204T1620-issue7-allowed-origins': allowedOrigins,
  '20261204T2300-issue6-log-indexes': logIndexes
}
