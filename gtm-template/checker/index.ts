// Checks a whole .tpl: sections, sandbox syntax of the code and of the tests, permissions for
// every require, fields for every data.x, then runs every ___TESTS___ scenario.
import { ORIGIN_PLACEHOLDER, parseTpl, SECTIONS } from '../tpl.js'
import { checkParameters } from './parameters.js'
import { checkPermissions } from './permissions.js'
import { parseTests, runScenarios, type ScenarioResult } from './runner.js'
import { checkSyntax, TEST_GLOBALS, type Finding } from './syntax.js'

export type { Finding } from './syntax.js'
export type { ScenarioResult } from './runner.js'

export interface TemplateReport {
  /** Findings, each with where it is: `code`, `permissions`, `tests: <scenario>` or `tpl`. */
  findings: Array<Finding & { where: string }>
  scenarios: ScenarioResult[]
  ok: boolean
}

export function checkTemplate(tplText: string): TemplateReport {
  const sections = parseTpl(tplText)
  const findings: TemplateReport['findings'] = []
  const add = (where: string, list: Finding[]) => findings.push(...list.map((f) => ({ ...f, where })))

  for (const name of SECTIONS) {
    if (sections[name] === undefined) add('tpl', [error(`the ___${name}___ section is missing`)])
  }
  const code = sections.SANDBOXED_JS_FOR_WEB_TEMPLATE ?? ''
  const syntax = checkSyntax(code)
  add('code', syntax.findings)
  add('permissions', checkPermissions(syntax, sections.WEB_PERMISSIONS ?? '[]'))
  if ((sections.WEB_PERMISSIONS ?? '').includes(ORIGIN_PLACEHOLDER)) {
    add('permissions', [error(`${ORIGIN_PLACEHOLDER} was not replaced by a collector origin`)])
  }
  add('code', requireOrderFindings(syntax.requires))
  add('parameters', checkParameters(code, sections.TEMPLATE_PARAMETERS ?? '[]'))

  let scenarios: ScenarioResult[] = []
  try {
    const tests = parseTests(sections.TESTS ?? '')
    for (const scenario of tests.scenarios) {
      const testCode = `${tests.setup ?? ''}\n${scenario.code}`
      add(`tests: ${scenario.name}`, checkSyntax(testCode, TEST_GLOBALS).findings)
    }
    scenarios = runScenarios(code, tests)
  } catch (problem) {
    add('tests', [error((problem as Error).message)])
  }

  const ok = findings.every((f) => f.severity !== 'error') && scenarios.every((s) => s.ok)
  return { findings, scenarios, ok }
}

/** The project's style: the require block is in alphabetical order (a warning, GTM does not mind). */
function requireOrderFindings(requires: Array<{ name: string; line: number }>): Finding[] {
  const names = requires.map((entry) => entry.name.toLowerCase())
  const index = names.findIndex((name, i) => i > 0 && name < names[i - 1])
  if (index === -1) return []
  const { name, line } = requires[index]
  return [
    { severity: 'warning', line, column: 0, message: `require('${name}') is out of alphabetical order` }
  ]
}

function error(message: string): Finding {
  return { severity: 'error', line: 0, column: 0, message }
}

/** Human-readable lines, TAP-like: one per scenario, then findings. */
export function formatReport(report: TemplateReport): string[] {
  const lines = report.scenarios.map((s, index) =>
    s.ok ? `ok ${index + 1} - ${s.name}` : `not ok ${index + 1} - ${s.name}\n  # ${s.error}`
  )
  for (const f of report.findings) {
    const at = f.line ? `:${f.line}:${f.column + 1}` : ''
    lines.push(`${f.severity} ${f.where}${at}: ${f.message}`)
  }
  const failed = report.scenarios.filter((s) => !s.ok).length
  const errors = report.findings.filter((f) => f.severity === 'error').length
  lines.push(
    `${report.scenarios.length - failed} scenarios passed, ${failed} failed; ${errors} checker error(s)`
  )
  return lines
}
