// The sections of a .tpl file, by their `___NAME___` header lines. No Node APIs here: the
// browser harness bundles this module too.

export const SECTIONS = [
  'INFO',
  'TEMPLATE_PARAMETERS',
  'SANDBOXED_JS_FOR_WEB_TEMPLATE',
  'WEB_PERMISSIONS',
  'TESTS',
  'NOTES'
] as const
export type SectionName = (typeof SECTIONS)[number]
export type TplSections = Partial<Record<string, string>>

/** Splits a .tpl into its sections by the `___NAME___` header lines; bodies are trimmed. */
export function parseTpl(text: string): TplSections {
  const sections: TplSections = {}
  let current: string | undefined
  let lines: string[] = []
  const flush = () => {
    if (current) sections[current] = lines.join('\n').trim()
  }
  for (const line of text.split(/\r?\n/)) {
    const header = /^___([A-Z_]+)___\s*$/.exec(line)
    if (header) {
      flush()
      current = header[1]
      lines = []
    } else {
      lines.push(line)
    }
  }
  flush()
  return sections
}

/** One section's body; throws when the .tpl lacks it. */
export function section(text: string, name: SectionName): string {
  const body = parseTpl(text)[name]
  if (body === undefined) throw new Error(`the template has no ___${name}___ section`)
  return body
}

/** The sandboxed JavaScript of a .tpl: the body of the function GTM runs with `data`. */
export function sandboxedCode(text: string): string {
  return section(text, 'SANDBOXED_JS_FOR_WEB_TEMPLATE')
}
