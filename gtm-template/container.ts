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
  type Condition,
  type ContainerExport,
  type Tag,
  type Trigger,
  type TriggerType,
  type Variable
} from './gtm-entities.js'

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

export const DEFAULTS = {
  emailVariable: 'user_email',
  platformHost: 'platform.example.com',
  depositSelector: '.deposit-button, .deposit-button *, [data-visitlog="deposit"], [data-visitlog="deposit"] *'
}

export const EMAIL_VARIABLE_NAME = 'Visitlog - user email'
export const PERSONAL_ACCOUNT_PATH = '(^|/)(cabinet|account|lk)(/|$)'
export const CONTACTS_PATH = '/contact'
export const SUPPORT_LINK = '^mailto:[^?]*support|/support([/?#]|$)'
export const SUPPORT_FORM = 'form[id*="support"], form[class*="support"], form[action*="support"]'
export const DEPOSIT_WORDS = 'deposit|top.?up|add funds|пополн|депозит|внести'
export const BUTTON_ELEMENTS =
  'button, button *, [role="button"], [role="button"] *, input[type="submit"], input[type="button"]'
export const PASSWORD_FORM = 'form:has(input[type="password"])'
export const PASSWORD_PAGE = 'password|security|/settings'
export const PASSWORD_EVENT = 'password_changed'
export const LOGOUT_LINK = '(^|/)(logout|log-out|signout|sign-out)([/?#]|$)'
export const LOGOUT_EVENT = 'logout'

/** Escapes a host for a regular expression and matches it and its subdomains in a URL. */
export function hostPattern(host: string): string {
  const escaped = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return `^https?://([^/?#]*\\.)?${escaped}([/:?#]|$)`
}

interface TriggerSpec {
  key: string
  name: string
  type: TriggerType
  filter?: Condition[]
  event?: string
  notes?: string
}

/** The triggers, keyed so that tags can name them; ids are given in this order. */
export function triggerSpecs(options: ContainerOptions): TriggerSpec[] {
  const platformHost = options.platformHost ?? DEFAULTS.platformHost
  const depositSelector = options.depositSelector ?? DEFAULTS.depositSelector
  const accountPath = [condition('Page Path', 'MATCH_REGEX', PERSONAL_ACCOUNT_PATH, { ignoreCase: true })]
  const contactsPath = [condition('Page Path', 'CONTAINS', CONTACTS_PATH)]
  return [
    { key: 'history', name: 'Visitlog - History change', type: 'HISTORY_CHANGE' },
    { key: 'link', name: 'Visitlog - All link clicks', type: 'LINK_CLICK' },
    {
      key: 'button',
      name: 'Visitlog - Button clicks',
      type: 'CLICK',
      filter: [condition('Click Element', 'CSS_SELECTOR', BUTTON_ELEMENTS)],
      notes: 'Clicks on a button, an element with role="button", or anything inside one.'
    },
    {
      key: 'platform',
      name: 'Visitlog - Platform link',
      type: 'LINK_CLICK',
      filter: [condition('Click URL', 'MATCH_REGEX', hostPattern(platformHost), { ignoreCase: true })],
      notes: `Links to ${platformHost} or any of its subdomains.`
    },
    { key: 'account', name: 'Visitlog - Personal account page', type: 'PAGEVIEW', filter: accountPath },
    { key: 'accountHistory', name: 'Visitlog - Personal account page (in-page navigation)',
      type: 'HISTORY_CHANGE', filter: accountPath },
    {
      key: 'supportLink',
      name: 'Visitlog - Support link',
      type: 'LINK_CLICK',
      filter: [condition('Click URL', 'MATCH_REGEX', SUPPORT_LINK, { ignoreCase: true })],
      notes: 'A mailto: link to a support address, or a link to a /support page.'
    },
    {
      key: 'supportForm',
      name: 'Visitlog - Support form sent',
      type: 'FORM_SUBMISSION',
      filter: [condition('Form Element', 'CSS_SELECTOR', SUPPORT_FORM)]
    },
    {
      key: 'depositText',
      name: 'Visitlog - Deposit button (by text)',
      type: 'CLICK',
      filter: [condition('Click Text', 'MATCH_REGEX', DEPOSIT_WORDS, { ignoreCase: true })]
    },
    {
      key: 'depositSelector',
      name: 'Visitlog - Deposit button (by CSS selector)',
      type: 'CLICK',
      filter: [condition('Click Element', 'CSS_SELECTOR', depositSelector)]
    },
    { key: 'contacts', name: 'Visitlog - Contacts page', type: 'PAGEVIEW', filter: contactsPath },
    { key: 'contactsHistory', name: 'Visitlog - Contacts page (in-page navigation)',
      type: 'HISTORY_CHANGE', filter: contactsPath },
    {
      key: 'passwordForm',
      name: 'Visitlog - Password form sent',
      type: 'FORM_SUBMISSION',
      filter: [
        condition('Form Element', 'CSS_SELECTOR', PASSWORD_FORM),
        condition('Page Path', 'MATCH_REGEX', PASSWORD_PAGE, { ignoreCase: true })
      ],
      notes: 'A form with a password field, sent from a password or security settings page.'
    },
    { key: 'passwordEvent', name: 'Visitlog - password_changed event', type: 'CUSTOM_EVENT',
      event: PASSWORD_EVENT },
    {
      key: 'logoutLink',
      name: 'Visitlog - Logout link',
      type: 'LINK_CLICK',
      filter: [condition('Click URL', 'MATCH_REGEX', LOGOUT_LINK, { ignoreCase: true })]
    },
    { key: 'logoutEvent', name: 'Visitlog - logout event', type: 'CUSTOM_EVENT', event: LOGOUT_EVENT }
  ]
}

interface TagSpec {
  name: string
  action: 'page' | 'link' | 'button' | 'flag' | 'end'
  flag?: string
  triggers: string[]
}

export const TAG_SPECS: TagSpec[] = [
  { name: 'Visitlog - Page view', action: 'page', triggers: ['allPages', 'history'] },
  { name: 'Visitlog - Link click', action: 'link', triggers: ['link'] },
  { name: 'Visitlog - Button click', action: 'button', triggers: ['button'] },
  { name: 'Visitlog - Opened the platform', action: 'flag', flag: 'is_click_platform', triggers: ['platform'] },
  { name: 'Visitlog - Opened the personal account', action: 'flag', flag: 'is_click_personal_account',
    triggers: ['account', 'accountHistory'] },
  { name: 'Visitlog - Wrote to support', action: 'flag', flag: 'is_write_to_support',
    triggers: ['supportLink', 'supportForm'] },
  { name: 'Visitlog - Pressed the deposit button', action: 'flag', flag: 'is_click_deposit_button',
    triggers: ['depositText', 'depositSelector'] },
  { name: 'Visitlog - Opened the contacts page', action: 'flag', flag: 'is_click_contacts',
    triggers: ['contacts', 'contactsHistory'] },
  { name: 'Visitlog - Changed the password', action: 'flag', flag: 'is_change_password',
    triggers: ['passwordForm', 'passwordEvent'] },
  { name: 'Visitlog - End of visit', action: 'end', triggers: ['logoutLink', 'logoutEvent'] }
]

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
      builtInVariable: Object.entries(BUILT_IN_VARIABLES).map(([name, type]) => ({ ...owner(), type, name })),
      customTemplate: [{ ...owner(), templateId: TEMPLATE_ID, name: 'Visitlog', templateData: options.templateText }]
    }
  }
}

function toTrigger(spec: TriggerSpec, triggerId: string): Trigger {
  const trigger: Trigger = { ...owner(), triggerId, name: spec.name, type: spec.type, parentFolderId: FOLDER_ID }
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
