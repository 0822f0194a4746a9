/** One column of rows sent as an array: its name, PostgreSQL type and where a row's value comes from. */
export interface UnnestColumn<T> {
  name: string
  type: string
  value(item: T): unknown
}

/**
 * One kind's share of a group statement as plain text with numbered placeholders, and its
 * values. Kysely builds and compiles a query anew each time, which cost about a tenth of the
 * collector's CPU under load; the text of a part depends only on where its placeholders start,
 * so a group statement's text is made once per combination of kinds (`group-statement.ts`).
 */
export interface StatementPart {
  /** The data-modifying statement, its placeholders starting at `$first`; answers a text `key`. */
  text(first: number): string
  /** The values of its placeholders, in order. */
  values: unknown[]
}

/**
 * `unnest($1::type[], $2::type[], ...) as alias (name, ...)`: many rows as one parameter per
 * column, so a group's statement text is the same whatever its size.
 */
export function unnestText(alias: string, columns: readonly UnnestColumn<never>[], first: number) {
  const arrays = columns.map((column, index) => `$${first + index}::${column.type}[]`)
  const names = columns.map((column) => identifier(column.name))
  return `unnest(${arrays.join(', ')}) as ${identifier(alias)} (${names.join(', ')})`
}

/**
 * The statements name these columns unquoted elsewhere (`given.at`), so only plain lower-case
 * names are taken: one that needs quoting would stop matching silently.
 */
function identifier(name: string) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain lower-case SQL name: ${name}`)
  return name
}

/** The arrays `unnestText` expects: one per column, a value per item. */
export function unnestValues<T>(columns: readonly UnnestColumn<T>[], items: readonly T[]): unknown[] {
  return columns.map((column) => items.map((item) => column.value(item)))
}
