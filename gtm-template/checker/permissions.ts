// Every require() needs the permission GTM asks for that API; a permission no API uses is a
// warning (GTM would show it to every user who imports the template).
import type { Finding, SyntaxCheck } from './syntax.js'

/** The permission each sandbox API needs; null for APIs that need none. */
export const API_PERMISSIONS: Record<string, string | null> = {
  addConsentListener: 'access_consent',
  aliasInWindow: 'access_globals',
  callInWindow: 'access_globals',
  callLater: null,
  copyFromDataLayer: 'read_data_layer',
  copyFromWindow: 'access_globals',
  createArgumentsQueue: 'access_globals',
  createQueue: 'access_globals',
  decodeUri: null,
  decodeUriComponent: null,
  encodeUri: null,
  encodeUriComponent: null,
  fromBase64: null,
  generateRandom: null,
  getContainerVersion: 'read_container_data',
  getCookieValues: 'get_cookies',
  getQueryParameters: 'get_url',
  getReferrerQueryParameters: 'get_referrer',
  getReferrerUrl: 'get_referrer',
  getTimestamp: null,
  getTimestampMillis: null,
  getType: null,
  getUrl: 'get_url',
  gtagSet: 'write_data_layer',
  injectHiddenIframe: 'inject_hidden_iframe',
  injectScript: 'inject_script',
  isConsentGranted: 'access_consent',
  JSON: null,
  localStorage: 'access_local_storage',
  logToConsole: 'logging',
  makeInteger: null,
  makeNumber: null,
  makeString: null,
  makeTableMap: null,
  Math: null,
  Object: null,
  parseUrl: null,
  queryPermission: null,
  readCharacterSet: 'read_character_set',
  readTitle: 'read_title',
  sendPixel: 'send_pixel',
  setCookie: 'set_cookies',
  setDefaultConsentState: 'access_consent',
  setInWindow: 'access_globals',
  sha256: null,
  templateStorage: 'access_template_storage',
  toBase64: null,
  updateConsentState: 'access_consent'
}

interface TypedValue {
  type: number
  string?: string
  boolean?: boolean
  listItem?: TypedValue[]
  mapKey?: TypedValue[]
  mapValue?: TypedValue[]
}

interface PermissionEntry {
  instance?: { key?: { publicId?: string }; param?: Array<{ key: string; value: TypedValue }> }
}

/** Checks the requires found in the code against the ___WEB_PERMISSIONS___ JSON. */
export function checkPermissions(check: SyntaxCheck, permissionsJson: string): Finding[] {
  let entries: PermissionEntry[]
  try {
    entries = JSON.parse(permissionsJson) as PermissionEntry[]
  } catch (error) {
    return [finding('error', 0, `permissions are not valid JSON: ${(error as Error).message}`)]
  }
  const granted = new Map(entries.map((entry) => [entry.instance?.key?.publicId ?? '', entry]))
  const findings: Finding[] = []
  const used = new Set<string>()

  for (const { name, line } of check.requires) {
    if (!(name in API_PERMISSIONS)) {
      findings.push(finding('error', line, `require('${name}'): no such sandbox API`))
      continue
    }
    const permission = API_PERMISSIONS[name]
    if (permission === null) continue
    used.add(permission)
    if (!granted.has(permission)) {
      findings.push(finding('error', line, `require('${name}') needs the "${permission}" permission`))
    }
  }
  findings.push(...queueKeyFindings(check, granted.get('access_globals')))

  for (const id of granted.keys()) {
    if (!used.has(id))
      findings.push(finding('warning', 0, `permission "${id}" is granted but no API uses it`))
  }
  return findings
}

/** createQueue('key') needs read and write on that key in access_globals. */
function queueKeyFindings(check: SyntaxCheck, globals: PermissionEntry | undefined): Finding[] {
  const keys = globals?.instance?.param?.find((param) => param.key === 'keys')?.value.listItem ?? []
  const allowed = keys.map((map) => {
    const value = (name: string) =>
      map.mapValue?.[(map.mapKey ?? []).findIndex((key) => key.string === name)]
    return { key: value('key')?.string, read: value('read')?.boolean, write: value('write')?.boolean }
  })
  return check.queueKeys
    .filter((use) => !allowed.some((entry) => entry.key === use.key && entry.read && entry.write))
    .map((use) => finding('error', use.line, `createQueue('${use.key}') needs read and write on that key`))
}

function finding(severity: Finding['severity'], line: number, message: string): Finding {
  return { severity, line, column: 0, message }
}
