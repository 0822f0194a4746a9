// The importable Visitlog container: the template, the email variable, and the tags and
// triggers a marketer starts from. Every default here is a trigger condition they can edit in GTM.
import {
  ACCOUNT_ID,
  ALL_PAGES_TRIGGER_ID,
  BUILT_IN_VARIABLES,
  CONTAINER_ID,
  FOLDER_ID,
  TEMPLATE_ID,
  TEMPLATE_TAG_TYPE,
  boolean,
  condition,
  template,
  type ContainerExport,
  type Tag,
  type Trigger,
  type Variable
} from './gtm-entities.js'
import { DEFAULTS, TAG_SPECS, triggerSpecs, type TagSpec, type TriggerSpec } from './default-triggers.js'

export * from './default-triggers.js'

export interface ContainerOptions {
  /** The whole .tpl text built for this collector. */
  templateText: string
  collector: string
  service: number
  /** Data layer key that holds the client's email. */
  emailVariable?: string
  /** Host of the platform; links to it (or its subdomains) set is_click_platform. */
  platformHost?: string
  /** CSS selector of the deposit button, besides the deposit words in its text. */
  depositSelector?: string
  exportTime?: string
}

export const EMAIL_VARIABLE_NAME = 'Visitlog - user email'

/** The container export for one deployment. */
export function buildContainer(options: ContainerOptions): ContainerExport {
  const ids = new Map<string, string>([['allPages', ALL_PAGES_TRIGGER_ID]])
  const trigger = triggerSpecs(options).map((spec, index) => {
    const triggerId = String(20 + index)
    ids.set(spec.key, triggerId)
    return toTrigger(spec, triggerId)
  })
  const tag = TAG_SPECS.map((spec, index) => toTag(spec, String(100 + index), ids, options))
  const path = `accounts/${ACCOUNT_ID}/containers/${CONTAINER_ID}`
  return {
    exportFormatVersion: 2,
    exportTime: options.exportTime ?? new Date().toISOString().slice(0, 19).replace('T', ' '),
    containerVersion: {
      path: `${path}/versions/0`,
      ...owner(),
      containerVersionId: '0',
      container: {
        path,
        ...owner(),
        name: 'Visitlog',
        publicId: 'GTM-VISITLOG',
        usageContext: ['WEB'],
        notes: `Visitlog for service ${options.service}, collector ${options.collector}`
      },
      tag,
      trigger,
      variable: [emailVariable(options.emailVariable ?? DEFAULTS.emailVariable)],
      folder: [{ ...owner(), folderId: FOLDER_ID, name: 'Visitlog' }],
      builtInVariable: Object.entries(BUILT_IN_VARIABLES).map(([name, type]) => ({
        ...owner(),
        type,
        name
      })),
      customTemplate: [
        { ...owner(), templateId: TEMPLATE_ID, name: 'Visitlog', templateData: options.templateText }
      ]
    }
  }
}

function toTrigger(spec: TriggerSpec, triggerId: string): Trigger {
  const trigger: Trigger = {
    ...owner(),
    triggerId,
    name: spec.name,
    type: spec.type,
    parentFolderId: FOLDER_ID
  }
  if (spec.event) trigger.customEventFilter = [condition('_event', 'EQUALS', spec.event)]
  if (spec.filter) trigger.filter = spec.filter
  if (spec.type === 'LINK_CLICK' || spec.type === 'FORM_SUBMISSION') {
    trigger.waitForTags = boolean('waitForTags', false)
    trigger.checkValidation = boolean('checkValidation', false)
  }
  if (spec.notes) trigger.notes = spec.notes
  return trigger
}

function toTag(spec: TagSpec, tagId: string, ids: Map<string, string>, options: ContainerOptions): Tag {
  const parameter = [
    template('collectorUrl', options.collector),
    template('serviceId', String(options.service)),
    template('email', `{{${EMAIL_VARIABLE_NAME}}}`),
    template('action', spec.action),
    boolean('consentCheck', true),
    boolean('debug', false)
  ]
  if (spec.flag) parameter.push(template('flag', spec.flag))
  const firingTriggerId = spec.triggers.map((key) => {
    const id = ids.get(key)
    if (!id) throw new Error(`tag "${spec.name}" names an unknown trigger "${key}"`)
    return id
  })
  return {
    ...owner(),
    tagId,
    name: spec.name,
    type: TEMPLATE_TAG_TYPE,
    parameter,
    firingTriggerId,
    tagFiringOption: 'ONCE_PER_EVENT',
    monitoringMetadata: { type: 'MAP' },
    consentSettings: { consentStatus: 'NOT_SET' },
    parentFolderId: FOLDER_ID
  }
}

function emailVariable(dataLayerKey: string): Variable {
  return {
    ...owner(),
    variableId: '50',
    name: EMAIL_VARIABLE_NAME,
    type: 'v',
    parameter: [
      { type: 'INTEGER', key: 'dataLayerVersion', value: '2' },
      boolean('setDefaultValue', false),
      template('name', dataLayerKey)
    ],
    notes: `The signed-in client's email, pushed by the site: dataLayer.push({ ${dataLayerKey}: '...' }).`,
    parentFolderId: FOLDER_ID
  }
}

function owner() {
  return { accountId: ACCOUNT_ID, containerId: CONTAINER_ID }
}
