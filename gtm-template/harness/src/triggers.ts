// Trigger evaluation: which triggers of a container fire for a data layer event, with GTM's
// built-in variables and condition types.
import type { DataLayerModel } from './data-layer.js'

export interface Parameter {
  type: string
  key?: string
  value?: string
  list?: Parameter[]
  map?: Parameter[]
}
export interface Condition {
  type: string
  parameter: Parameter[]
}
export interface Trigger {
  triggerId: string
  name: string
  type: string
  filter?: Condition[]
  customEventFilter?: Condition[]
  autoEventFilter?: Condition[]
}
export interface Variable {
  name: string
  type: string
  parameter?: Parameter[]
}

export const ALL_PAGES_TRIGGER_ID = '2147479553'

/** The data layer event each trigger type listens for. */
export const TRIGGER_EVENTS: Record<string, string> = {
  PAGEVIEW: 'gtm.js',
  DOM_READY: 'gtm.dom',
  WINDOW_LOADED: 'gtm.load',
  CLICK: 'gtm.click',
  LINK_CLICK: 'gtm.linkClick',
  FORM_SUBMISSION: 'gtm.formSubmit',
  HISTORY_CHANGE: 'gtm.historyChange-v2'
}

export class VariableResolver {
  constructor(
    private readonly dataLayer: DataLayerModel,
    private readonly variables: Variable[]
  ) {}

  /** A parameter value: a lone {{Name}} keeps its type, mixed text is interpolated. */
  resolve(text: string): unknown {
    const whole = /^\{\{([^{}]+)\}\}$/.exec(text)
    if (whole) return this.value(whole[1])
    return text.replace(/\{\{([^{}]+)\}\}/g, (_, name: string) => String(this.value(name) ?? ''))
  }

  value(name: string): unknown {
    const builtIn = this.builtIn(name)
    if (builtIn !== NOT_BUILT_IN) return builtIn
    const variable = this.variables.find((candidate) => candidate.name === name)
    if (!variable) return undefined
    const param = (key: string) => variable.parameter?.find((p) => p.key === key)?.value
    if (variable.type === 'v') return this.dataLayer.get(param('name') ?? '')
    if (variable.type === 'c') return param('value')
    return undefined
  }

  private builtIn(name: string): unknown {
    const get = (key: string) => this.dataLayer.get(key)
    const element = get('gtm.element') as Element | undefined
    switch (name) {
      case '_event':
      case 'Event':
        return get('event')
      case 'Page URL':
        return location.href
      case 'Page Hostname':
        return location.hostname
      case 'Page Path':
        return location.pathname
      case 'Referrer':
        return document.referrer
      case 'Click Element':
      case 'Form Element':
        return element
      case 'Click Classes':
      case 'Form Classes':
        return get('gtm.elementClasses')
      case 'Click ID':
      case 'Form ID':
        return get('gtm.elementId')
      case 'Click Target':
      case 'Form Target':
        return get('gtm.elementTarget')
      case 'Click URL':
      case 'Form URL':
        return get('gtm.elementUrl')
      case 'Click Text':
      case 'Form Text':
        return elementText(element)
      default:
        return NOT_BUILT_IN
    }
  }
}

const NOT_BUILT_IN = Symbol('not built in')

function elementText(element: Element | undefined): string {
  if (!element) return ''
  const html = element as HTMLElement
  return (html.innerText ?? element.textContent ?? '').trim()
}

/** Does the trigger fire for this event? Every condition of filter and customEventFilter must hold. */
export function triggerFires(trigger: Trigger, eventName: string, resolver: VariableResolver): boolean {
  if (trigger.type === 'CUSTOM_EVENT') {
    if (!(trigger.customEventFilter ?? []).every((c) => conditionHolds(c, resolver))) return false
  } else if (TRIGGER_EVENTS[trigger.type] !== eventName) {
    return false
  }
  const conditions = [...(trigger.autoEventFilter ?? []), ...(trigger.filter ?? [])]
  return conditions.every((condition) => conditionHolds(condition, resolver))
}

export function conditionHolds(condition: Condition, resolver: VariableResolver): boolean {
  const param = (key: string) => condition.parameter.find((p) => p.key === key)?.value
  const left = resolver.resolve(param('arg0') ?? '')
  const right = String(resolver.resolve(param('arg1') ?? ''))
  const ignoreCase = param('ignore_case') === 'true'
  const result = compare(condition.type, left, right, ignoreCase)
  return param('negate') === 'true' ? !result : result
}

function compare(type: string, left: unknown, right: string, ignoreCase: boolean): boolean {
  if (type === 'CSS_SELECTOR') return left instanceof Element && safeMatches(left, right)
  let text = left === undefined || left === null ? '' : String(left)
  let pattern = right
  if (ignoreCase && type !== 'MATCH_REGEX') {
    text = text.toLowerCase()
    pattern = pattern.toLowerCase()
  }
  switch (type) {
    case 'EQUALS':
      return text === pattern
    case 'CONTAINS':
      return text.includes(pattern)
    case 'STARTS_WITH':
      return text.startsWith(pattern)
    case 'ENDS_WITH':
      return text.endsWith(pattern)
    case 'MATCH_REGEX':
      return new RegExp(pattern, ignoreCase ? 'i' : '').test(text)
    default:
      throw new Error(`the harness does not evaluate condition type ${type}`)
  }
}

function safeMatches(element: Element, selector: string): boolean {
  try {
    return element.matches(selector)
  } catch {
    return false
  }
}
