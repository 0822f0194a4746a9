// The template's fields (___TEMPLATE_PARAMETERS___): every data.x the code reads is a field,
// names are unique, enabling conditions name real fields, regexes compile, defaults are choices.
import type { Finding } from './syntax.js'

interface Field {
  type?: string
  name?: string
  defaultValue?: unknown
  selectItems?: Array<{ value?: unknown }>
  valueValidators?: Array<{ type?: string; args?: unknown[] }>
  enablingConditions?: Array<{ paramName?: string }>
  subParams?: Field[]
}

export function checkParameters(code: string, parametersJson: string): Finding[] {
  let fields: Field[]
  try {
    fields = flatten(JSON.parse(parametersJson) as Field[])
  } catch (problem) {
    return [error(`parameters are not valid JSON: ${(problem as Error).message}`)]
  }
  const names = fields.map((field) => field.name).filter((name): name is string => !!name)
  const findings: Finding[] = []

  const duplicates = names.filter((name, index) => names.indexOf(name) !== index)
  for (const name of new Set(duplicates)) findings.push(error(`two fields are named "${name}"`))

  const used = new Set([...code.matchAll(/\bdata\.([A-Za-z_$][\w$]*)/g)].map((match) => match[1]))
  for (const name of used) {
    if (name === 'gtmOnSuccess' || name === 'gtmOnFailure' || names.includes(name)) continue
    findings.push(error(`the code reads data.${name} but no field is named "${name}"`))
  }

  for (const field of fields) findings.push(...fieldFindings(field, names))
  return findings
}

function fieldFindings(field: Field, names: string[]): Finding[] {
  const findings: Finding[] = []
  const label = field.name ?? field.type ?? 'a field'
  for (const condition of field.enablingConditions ?? []) {
    if (!names.includes(condition.paramName ?? '')) {
      findings.push(error(`${label} is enabled by "${condition.paramName}", which is no field`))
    }
  }
  for (const validator of field.valueValidators ?? []) {
    if (validator.type !== 'REGEX') continue
    try {
      new RegExp(String(validator.args?.[0]))
    } catch {
      findings.push(error(`${label}: the REGEX validator does not compile`))
    }
  }
  const choices = field.selectItems?.map((item) => item.value)
  if (choices && field.defaultValue !== undefined && !choices.includes(field.defaultValue)) {
    findings.push(error(`${label}: the default "${String(field.defaultValue)}" is not one of its choices`))
  }
  return findings
}

function flatten(fields: Field[]): Field[] {
  return fields.flatMap((field) => [field, ...flatten(field.subParams ?? [])])
}

function error(message: string): Finding {
  return { severity: 'error', line: 0, column: 0, message }
}
