// The template's ___WEB_PERMISSIONS___, checked on each API call as GTM does: a call outside
// them throws, which fails the tag.

interface TypedValue {
  type: number
  string?: string
  boolean?: boolean
  listItem?: TypedValue[]
  mapKey?: TypedValue[]
  mapValue?: TypedValue[]
}

interface Permission {
  instance: { key: { publicId: string }; param?: Array<{ key: string; value: TypedValue }> }
}

export interface Permissions {
  has(publicId: string): boolean
  injectUrls(): string[]
  dataLayerKeys(): string[]
  globalKey(key: string): { read: boolean; write: boolean; execute: boolean } | undefined
  consentRead(type: string): boolean
}

export function parsePermissions(json: string): Permissions {
  const list = JSON.parse(json) as Permission[]
  const byId = new Map(list.map((permission) => [permission.instance.key.publicId, permission]))
  const param = (id: string, key: string) => byId.get(id)?.instance.param?.find((p) => p.key === key)?.value
  const strings = (value: TypedValue | undefined) =>
    (value?.listItem ?? []).map((item) => item.string ?? '')
  const maps = (value: TypedValue | undefined) => (value?.listItem ?? []).map(toRecord)
  return {
    has: (id) => byId.has(id),
    injectUrls: () => strings(param('inject_script', 'urls')),
    dataLayerKeys: () => strings(param('read_data_layer', 'keyPatterns')),
    globalKey: (key) => {
      const entry = maps(param('access_globals', 'keys')).find((map) => map.key === key)
      return entry ? { read: !!entry.read, write: !!entry.write, execute: !!entry.execute } : undefined
    },
    consentRead: (type) =>
      maps(param('access_consent', 'consentTypes')).some((map) => map.consentType === type && !!map.read)
  }
}

function toRecord(value: TypedValue): Record<string, unknown> {
  const record: Record<string, unknown> = {}
  const keys = value.mapKey ?? []
  keys.forEach((key, index) => {
    const item = value.mapValue?.[index]
    record[key.string ?? ''] = item?.type === 8 ? item.boolean : item?.string
  })
  return record
}

/** GTM URL patterns: scheme and host match (`*.` allows subdomains); a path ending in `*` is a prefix. */
export function urlAllowed(url: string, patterns: string[]): boolean {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    return false
  }
  return patterns.some((pattern) => {
    const parsed = new URL(pattern.replace('://*.', '://wildcard.'))
    const wildcard = pattern.includes('://*.')
    const host = parsed.host.replace(/^wildcard\./, '')
    const hostOk = wildcard
      ? target.host === host || target.host.endsWith('.' + host)
      : target.host === host
    if (parsed.protocol !== target.protocol || !hostOk) return false
    const path = parsed.pathname
    return path.endsWith('*') ? target.pathname.startsWith(path.slice(0, -1)) : target.pathname === path
  })
}

/** Data layer key patterns: exact keys, or `prefix.*` for everything below a prefix. */
export function keyAllowed(key: string, patterns: string[]): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('.*')
      ? key.startsWith(pattern.slice(0, -1)) || key === pattern.slice(0, -2)
      : key === pattern
  )
}
