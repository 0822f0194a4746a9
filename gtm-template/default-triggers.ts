// The default triggers and tags of the Visitlog container: what counts as the platform, the
// personal account, support, the deposit button, contacts and a password change. Marketers edit
// these conditions in GTM after the import; docs/gtm.md explains each in their words.
import { condition, type Condition, type TriggerType } from './gtm-entities.js'
import type { ContainerOptions } from './container.js'

export const DEFAULTS = {
  emailVariable: 'user_email',
  platformHost: 'platform.example.com',
  depositSelector:
    '.deposit-button, .deposit-button *, [data-visitlog="deposit"], [data-visitlog="deposit"] *'
}

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

export interface TriggerSpec {
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
    {
      key: 'accountHistory',
      name: 'Visitlog - Personal account page (in-page navigation)',
      type: 'HISTORY_CHANGE',
      filter: accountPath
    },
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
    {
      key: 'contactsHistory',
      name: 'Visitlog - Contacts page (in-page navigation)',
      type: 'HISTORY_CHANGE',
      filter: contactsPath
    },
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
    {
      key: 'passwordEvent',
      name: 'Visitlog - password_changed event',
      type: 'CUSTOM_EVENT',
      event: PASSWORD_EVENT
    },
    {
      key: 'logoutLink',
      name: 'Visitlog - Logout link',
      type: 'LINK_CLICK',
      filter: [condition('Click URL', 'MATCH_REGEX', LOGOUT_LINK, { ignoreCase: true })]
    },
    { key: 'logoutEvent', name: 'Visitlog - logout event', type: 'CUSTOM_EVENT', event: LOGOUT_EVENT }
  ]
}

export interface TagSpec {
  name: string
  action: 'page' | 'link' | 'button' | 'flag' | 'end'
  flag?: string
  triggers: string[]
}

export const TAG_SPECS: TagSpec[] = [
  { name: 'Visitlog - Page view', action: 'page', triggers: ['allPages', 'history'] },
  { name: 'Visitlog - Link click', action: 'link', triggers: ['link'] },
  { name: 'Visitlog - Button click', action: 'button', triggers: ['button'] },
  {
    name: 'Visitlog - Opened the platform',
    action: 'flag',
    flag: 'is_click_platform',
    triggers: ['platform']
  },
  {
    name: 'Visitlog - Opened the personal account',
    action: 'flag',
    flag: 'is_click_personal_account',
    triggers: ['account', 'accountHistory']
  },
  {
    name: 'Visitlog - Wrote to support',
    action: 'flag',
    flag: 'is_write_to_support',
    triggers: ['supportLink', 'supportForm']
  },
  {
    name: 'Visitlog - Pressed the deposit button',
    action: 'flag',
    flag: 'is_click_deposit_button',
    triggers: ['depositText', 'depositSelector']
  },
  {
    name: 'Visitlog - Opened the contacts page',
    action: 'flag',
    flag: 'is_click_contacts',
    triggers: ['contacts', 'contactsHistory']
  },
  {
    name: 'Visitlog - Changed the password',
    action: 'flag',
    flag: 'is_change_password',
    triggers: ['passwordForm', 'passwordEvent']
  },
  { name: 'Visitlog - End of visit', action: 'end', triggers: ['logoutLink', 'logoutEvent'] }
]
