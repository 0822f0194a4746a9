import type { Test } from 'tap'

/**
 * Says what a test measured or checked: a TAP comment for the record, and a line on stderr,
 * because tap's summary reporter shows no comments of passing tests.
 */
export function report(t: Test, text: string) {
  t.comment(text)
  const kind = /\((pglite|postgres)\)$/.exec(t.name)?.[1]
  process.stderr.write(`${kind ? `[${kind}] ` : ''}${text}\n`)
}
