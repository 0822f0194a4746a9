// Assembles GTM's .tpl export from the readable sources in template/, and parses a .tpl back
// into its sections (the checker, the test runner and the browser harness read the code from it).
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SECTIONS, type SectionName } from './tpl-sections.js'

export * from './tpl-sections.js'

export const TEMPLATE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'template')
export const GENERIC_TPL_PATH = join(dirname(fileURLToPath(import.meta.url)), 'template.tpl')

/** The collector origin of the committed, generic template.tpl. */
export const GENERIC_COLLECTOR = 'https://collector.example.com'
/** Stands for the collector origin in permissions.json until a build fills it in. */
export const ORIGIN_PLACEHOLDER = '__COLLECTOR_ORIGIN__'

export interface TemplateSources {
  info: string
  parameters: string
  code: string
  permissions: string
  tests: string
  notes: string
}

export interface AssembleOptions {
  /** The collector's origin, written into the inject_script permission. */
  collector?: string
}

/** Reads the template's source files (template/*.json, code.js, tests.yaml, notes.md). */
export function readSources(dir = TEMPLATE_DIR): TemplateSources {
  const read = (name: string) => readFileSync(join(dir, name), 'utf8')
  return {
    info: read('info.json'),
    parameters: read('parameters.json'),
    code: read('code.js'),
    permissions: read('permissions.json'),
    tests: read('tests.yaml'),
    notes: read('notes.md')
  }
}

/**
 * Accepts an https origin, or http on localhost / 127.0.0.1 with a port (development and the
 * end-to-end run); returns it without a trailing slash. Throws with a clear message otherwise.
 */
export function checkCollectorOrigin(value: string): string {
  const trimmed = value.trim().replace(/\/$/, '')
  const https = /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/
  const local = /^http:\/\/(localhost|127\.0\.0\.1):[0-9]{1,5}$/
  if (!https.test(trimmed) && !local.test(trimmed)) {
    throw new Error(
      `collector must be an https origin such as https://collector.example.com ` +
        `(or http://localhost:PORT for development), got "${value}"`
    )
  }
  return trimmed
}

/** The .tpl text for one collector origin, sections in GTM's order. */
export function assembleTpl(sources: TemplateSources, options: AssembleOptions = {}): string {
  const collector = checkCollectorOrigin(options.collector ?? GENERIC_COLLECTOR)
  const parameters = JSON.parse(sources.parameters) as Array<Record<string, unknown>>
  if (options.collector) {
    const field = parameters.find((parameter) => parameter.name === 'collectorUrl')
    if (field) field.defaultValue = collector
  }
  const permissions = sources.permissions.split(ORIGIN_PLACEHOLDER).join(collector)

  const bodies: Record<SectionName, string> = {
    INFO: pretty(sources.info),
    TEMPLATE_PARAMETERS: JSON.stringify(parameters, null, 2),
    SANDBOXED_JS_FOR_WEB_TEMPLATE: sources.code.trim(),
    WEB_PERMISSIONS: pretty(permissions),
    TESTS: sources.tests.trim(),
    NOTES: sources.notes.trim()
  }
  return SECTIONS.map((name) => `___${name}___\n\n${bodies[name]}\n`).join('\n\n')
}

/** The generic template.tpl text, as committed (collector.example.com). */
export function buildGenericTpl(dir = TEMPLATE_DIR): string {
  return assembleTpl(readSources(dir))
}

function pretty(json: string): string {
  return JSON.stringify(JSON.parse(json), null, 2)
}
