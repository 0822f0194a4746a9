// The shapes of GTM's container export (exportFormatVersion 2) that the Visitlog container uses,
// and small constructors for them. Ids are strings of digits, as GTM writes them.

export const ACCOUNT_ID = '1000000000'
export const CONTAINER_ID = '100000000'
export const TEMPLATE_ID = '10'
export const FOLDER_ID = '5'
/** GTM's built-in "All Pages" trigger; it is never listed in an export's triggers. */
export const ALL_PAGES_TRIGGER_ID = '2147479553'
export const TEMPLATE_TAG_TYPE = `cvt_${CONTAINER_ID}_${TEMPLATE_ID}`

export interface Parameter {
  type: 'TEMPLATE' | 'BOOLEAN' | 'INTEGER' | 'LIST' | 'MAP'
  key?: string
  value?: string
  list?: Parameter[]
  map?: Parameter[]
}

export type ConditionType =
  'EQUALS' | 'CONTAINS' | 'MATCH_REGEX' | 'CSS_SELECTOR' | 'STARTS_WITH' | 'ENDS_WITH'

export interface Condition {
  type: ConditionType
  parameter: Parameter[]
}

export type TriggerType =
  'PAGEVIEW' | 'HISTORY_CHANGE' | 'LINK_CLICK' | 'CLICK' | 'FORM_SUBMISSION' | 'CUSTOM_EVENT'

export interface Trigger {
  accountId: string
  containerId: string
  triggerId: string
  name: string
  type: TriggerType
  customEventFilter?: Condition[]
  filter?: Condition[]
  waitForTags?: Parameter
  checkValidation?: Parameter
  notes?: string
  parentFolderId: string
}

export interface Tag {
  accountId: string
  containerId: string
  tagId: string
  name: string
  type: string
  parameter: Parameter[]
  firingTriggerId: string[]
  tagFiringOption: 'ONCE_PER_EVENT' | 'ONCE_PER_LOAD' | 'UNLIMITED'
  monitoringMetadata: { type: 'MAP' }
  consentSettings: { consentStatus: 'NOT_SET' }
  notes?: string
  parentFolderId: string
}

export interface Variable {
  accountId: string
  containerId: string
  variableId: string
  name: string
  type: string
  parameter: Parameter[]
  notes?: string
  parentFolderId: string
}

export interface BuiltInVariable {
  accountId: string
  containerId: string
  type: string
  name: string
}

export interface ContainerExport {
  exportFormatVersion: 2
  exportTime: string
  containerVersion: {
    path: string
    accountId: string
    containerId: string
    containerVersionId: string
    container: Record<string, unknown>
    tag: Tag[]
    trigger: Trigger[]
    variable: Variable[]
    folder: Array<{ accountId: string; containerId: string; folderId: string; name: string }>
    builtInVariable: BuiltInVariable[]
    customTemplate: Array<{
      accountId: string
      containerId: string
      templateId: string
      name: string
      templateData: string
    }>
  }
}

/** The built-in variables the triggers refer to, by name as written inside {{ }}. */
export const BUILT_IN_VARIABLES: Record<string, string> = {
  Event: 'EVENT',
  'Page URL': 'PAGE_URL',
  'Page Hostname': 'PAGE_HOSTNAME',
  'Page Path': 'PAGE_PATH',
  Referrer: 'REFERRER',
  'Click Element': 'CLICK_ELEMENT',
  'Click Classes': 'CLICK_CLASSES',
  'Click ID': 'CLICK_ID',
  'Click Target': 'CLICK_TARGET',
  'Click URL': 'CLICK_URL',
  'Click Text': 'CLICK_TEXT',
  'Form Element': 'FORM_ELEMENT',
  'Form Classes': 'FORM_CLASSES',
  'Form ID': 'FORM_ID',
  'Form Target': 'FORM_TARGET',
  'Form URL': 'FORM_URL',
  'Form Text': 'FORM_TEXT'
}

export function template(key: string, value: string): Parameter {
  return { type: 'TEMPLATE', key, value }
}

export function boolean(key: string, value: boolean): Parameter {
  return { type: 'BOOLEAN', key, value: String(value) }
}

export interface ConditionOptions {
  negate?: boolean
  ignoreCase?: boolean
}

/** One trigger condition: `{{variable}} <type> value`. */
export function condition(
  variable: string,
  type: ConditionType,
  value: string,
  options: ConditionOptions = {}
): Condition {
  const parameter = [template('arg0', `{{${variable}}}`), template('arg1', value)]
  if (options.ignoreCase) parameter.push(boolean('ignore_case', true))
  if (options.negate) parameter.push(boolean('negate', true))
  return { type, parameter }
}

/** Every {{Name}} reference inside a list of parameters or conditions, nested ones included. */
export function variableReferences(value: unknown): string[] {
  const found = new Set<string>()
  const text = JSON.stringify(value) ?? ''
  for (const match of text.matchAll(/\{\{([^{}]+)\}\}/g)) found.add(match[1])
  return [...found]
}
