import { type RawBuilder, sql } from 'kysely'

/** One column of rows sent as an array: its name, PostgreSQL type and where a row's value comes from. */
export interface UnnestColumn<T> {
  name: string
  type: string
  value(item: T): unknown
}

/**
 * `unnest($1::type[], $2::type[], ...) as alias (name, ...)`: many rows as one parameter per
 * column, so a group's statement text is the same whatever its size.
 */
export function unnest<T>(
  alias: string,
  columns: readonly UnnestColumn<T>[],
  items: readonly T[]
): RawBuilder<unknown> {
  const arrays = columns.map((column) =>
    sql`${items.map((item) => column.value(item))}::${sql.raw(column.type)}[]`)
  const names = columns.map((column) => sql.id(column.name))
  return sql`unnest(${sql.join(arrays)}) as ${sql.id(alias)} (${sql.join(names)})`
}
