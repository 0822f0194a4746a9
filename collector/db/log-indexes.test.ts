import { sql } from 'kysely'
import t from 'tap'
import { eachDatabase } from '../test/databases.js'

// Issue 6: every index entry costs each log row's insert; these are the ones the reads need.
eachDatabase(t, 'each log table keeps its key, its replay key and its date index, nothing more',
  async (t, database) => {
  const { rows } = await sql<{ name: string, definition: string }>`
    select indexname as name, indexdef as definition from pg_indexes
    where tablename in ('url_log', 'button_log') order by tablename, indexname`.execute(database.db)
  const described = rows.map(({ name, definition }) =>
    `${definition.includes(' UNIQUE ') ? 'unique ' : ''}${name} ${definition.replace(/.* USING btree /, '')}`)
  t.strictSame(described, [
    'button_log_date_idx (date)',
    'unique button_log_pkey (id)',
    'unique button_log_session_id_event_id_key (session_id, event_id)',
    'url_log_date_idx (date)',
    'unique url_log_pkey (id)',
    'unique url_log_session_id_event_id_key (session_id, event_id)'
  ])
})
