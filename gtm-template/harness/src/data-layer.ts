// GTM's data layer model: every push merges into one model (dotted keys nest), events are
// handed on, and gtag('consent', ...) calls update the consent state.

export type Model = Record<string, unknown>
export type ConsentListener = (consentType: string, granted: boolean) => void

export interface DataLayerHandlers {
  onEvent(eventName: string, message: Record<string, unknown>): void
}

export class DataLayerModel {
  readonly model: Model = {}
  private readonly consent = new Map<string, boolean>()
  private readonly consentListeners: Array<{ type: string; listener: ConsentListener }> = []

  constructor(private readonly handlers: DataLayerHandlers) {}

  /** Processes one pushed message the way GTM does: merge, then fire its event. */
  process(message: unknown): void {
    if (isArguments(message)) {
      this.processCommand(Array.prototype.slice.call(message))
      return
    }
    if (!isPlainObject(message)) return

    for (const key of Object.keys(message)) setPath(this.model, key, message[key])
    if (typeof message.event === 'string') this.handlers.onEvent(message.event, message)
  }

  /** The value at a dotted path; DOM properties are followed as GTM does for gtm.element.*. */
  get(path: string): unknown {
    let value: unknown = this.model
    for (const part of path.split('.')) {
      if (value === null || value === undefined) return undefined
      if (typeof value !== 'object' && typeof value !== 'function') return undefined
      value = (value as Record<string, unknown>)[part]
    }
    return value
  }

  /** Unset consent types count as granted, as in GTM. */
  isGranted(type: string): boolean {
    return this.consent.get(type) !== false
  }

  addConsentListener(type: string, listener: ConsentListener): void {
    this.consentListeners.push({ type, listener })
  }

  private processCommand(args: unknown[]): void {
    const [name, action, states] = args
    if (name !== 'consent' || (action !== 'default' && action !== 'update') || !isPlainObject(states))
      return
    for (const [type, state] of Object.entries(states)) {
      if (state !== 'granted' && state !== 'denied') continue
      const before = this.isGranted(type)
      const known = this.consent.has(type)
      if (action === 'default' && known) continue
      this.consent.set(type, state === 'granted')
      if (before !== this.isGranted(type)) this.notify(type)
    }
  }

  private notify(type: string): void {
    const granted = this.isGranted(type)
    for (const entry of this.consentListeners.slice()) {
      if (entry.type === type) entry.listener(type, granted)
    }
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function isArguments(value: unknown): value is IArguments {
  return Object.prototype.toString.call(value) === '[object Arguments]'
}

/** Sets `a.b.c` in the model, merging plain objects and replacing everything else. */
function setPath(model: Model, path: string, value: unknown): void {
  const parts = path.split('.')
  let target = model
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(target[part])) target[part] = {}
    target = target[part] as Model
  }
  const last = parts[parts.length - 1]
  if (isPlainObject(value) && isPlainObject(target[last])) {
    for (const key of Object.keys(value)) setPath(target[last] as Model, key, value[key])
    return
  }
  target[last] = isPlainObject(value) ? { ...value } : value
}
