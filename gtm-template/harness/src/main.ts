// A small stand-in for GTM's web container: runs a custom template's sandboxed code for the tags
// and triggers of an exported container, in a real page. See ../README.md for the contract.
import { parseTpl } from '../../tpl-sections.js'
import { listenForAutoEvents } from './auto-events.js'
import { DataLayerModel } from './data-layer.js'
import { parsePermissions, type Permissions } from './permissions.js'
import { createRequire } from './sandbox-apis.js'
import {
  ALL_PAGES_TRIGGER_ID,
  VariableResolver,
  triggerFires,
  type Parameter,
  type Trigger,
  type Variable
} from './triggers.js'

export interface StartOptions {
  /** The container export (object or JSON text). */
  container: unknown
  /** The .tpl text; default: the container's first customTemplate. Its permissions are enforced. */
  tpl?: string
  /** Sandboxed code to run instead of the .tpl's (permissions are then not checked). */
  code?: string
}

export interface Firing {
  tag: string
  event: string
  status: 'running' | 'success' | 'failure' | 'exception'
  error?: string
}

interface Tag {
  name: string
  type: string
  parameter?: Parameter[]
  firingTriggerId?: string[]
  tagFiringOption?: string
}

type TemplateFunction = (data: Record<string, unknown>, require: (name: string) => unknown) => unknown

const firings: Firing[] = []
let started = false

export function start(options: StartOptions): void {
  if (started) throw new Error('visitlogHarness.start was already called on this page')
  started = true

  const version = containerVersion(options.container)
  const tplText = options.tpl ?? version.customTemplate?.[0]?.templateData
  const sections = tplText ? parseTpl(tplText) : {}
  const code = options.code ?? sections.SANDBOXED_JS_FOR_WEB_TEMPLATE
  if (!code) throw new Error('no sandboxed code: pass code, tpl, or a container with a customTemplate')
  const permissionsText = options.code ? undefined : sections.WEB_PERMISSIONS
  const permissions = permissionsText ? parsePermissions(permissionsText) : undefined
  const run = new Function('data', 'require', code) as TemplateFunction

  const templateStorage = new Map<string, unknown>()
  const firedOnce = new Set<string>()
  const triggers = version.trigger ?? []
  const tags = (version.tag ?? []).filter((tag) => tag.type.startsWith('cvt_'))
  const dataLayer: DataLayerModel = new DataLayerModel({
    onEvent: (eventName) => {
      const resolver = new VariableResolver(dataLayer, version.variable ?? [])
      const fired = firingTriggerIds(triggers, eventName, resolver)
      for (const tag of tags) {
        if (!(tag.firingTriggerId ?? []).some((id) => fired.has(id))) continue
        if (tag.tagFiringOption === 'ONCE_PER_LOAD' && firedOnce.has(tag.name)) continue
        firedOnce.add(tag.name)
        fireTag(tag, eventName, resolver, () => runTemplate(run, dataLayer, permissions, templateStorage))
      }
    }
  })

  const push = hookDataLayer(dataLayer)
  listenForAutoEvents(new Set(triggers.map((trigger) => trigger.type)), push)
  if (!pushedBefore('gtm.js')) push({ event: 'gtm.js', 'gtm.start': Date.now() })
  whenDocument(
    'DOMContentLoaded',
    () => document.readyState !== 'loading',
    () => push({ event: 'gtm.dom' })
  )
  whenDocument(
    'load',
    () => document.readyState === 'complete',
    () => push({ event: 'gtm.load' }),
    window
  )
}

/** Fetches the container JSON (and optionally a .tpl) from URLs, then starts. */
export async function load(urls: { container: string; tpl?: string }): Promise<void> {
  const container = await (await fetch(urls.container)).json()
  const tpl = urls.tpl ? await (await fetch(urls.tpl)).text() : undefined
  start({ container, tpl })
}

function containerVersion(container: unknown) {
  const parsed = typeof container === 'string' ? JSON.parse(container) : container
  const version = (parsed as { containerVersion?: unknown })?.containerVersion
  if (!version) throw new Error("the container has no containerVersion: pass GTM's export JSON")
  return version as {
    tag?: Tag[]
    trigger?: Trigger[]
    variable?: Variable[]
    customTemplate?: Array<{ templateData?: string }>
  }
}

function firingTriggerIds(triggers: Trigger[], eventName: string, resolver: VariableResolver): Set<string> {
  const fired = new Set<string>()
  if (eventName === 'gtm.js') fired.add(ALL_PAGES_TRIGGER_ID)
  for (const trigger of triggers) {
    if (triggerFires(trigger, eventName, resolver)) fired.add(trigger.triggerId)
  }
  return fired
}

function fireTag(
  tag: Tag,
  event: string,
  resolver: VariableResolver,
  runner: () => (data: object) => void
): void {
  const firing: Firing = { tag: tag.name, event, status: 'running' }
  firings.push(firing)
  const data: Record<string, unknown> = {}
  for (const parameter of tag.parameter ?? []) {
    if (!parameter.key) continue
    data[parameter.key] = parameterValue(parameter, resolver)
  }
  data.gtmOnSuccess = () => settle(firing, 'success')
  data.gtmOnFailure = () => settle(firing, 'failure')
  try {
    runner()(data)
  } catch (error) {
    firing.status = 'exception'
    firing.error = error instanceof Error ? error.message : String(error)
    console.error(`[visitlog harness] tag "${tag.name}" threw:`, error)
  }
}

function settle(firing: Firing, status: 'success' | 'failure'): void {
  if (firing.status === 'running') firing.status = status
}

function runTemplate(
  run: TemplateFunction,
  dataLayer: DataLayerModel,
  permissions: Permissions | undefined,
  templateStorage: Map<string, unknown>
) {
  const require = createRequire({ dataLayer, permissions, templateStorage })
  return (data: object) => run(data as Record<string, unknown>, require)
}

function parameterValue(parameter: Parameter, resolver: VariableResolver): unknown {
  if (parameter.type === 'BOOLEAN') return parameter.value === 'true'
  if (parameter.type === 'INTEGER') return Number(parameter.value)
  if (parameter.type === 'TEMPLATE') return resolver.resolve(parameter.value ?? '')
  return undefined
}

/** Processes what the page pushed before us, then every later push, one event at a time. */
function hookDataLayer(dataLayer: DataLayerModel) {
  const page = window as unknown as { dataLayer?: unknown[] }
  const layer = Array.isArray(page.dataLayer) ? page.dataLayer : (page.dataLayer = [])
  const pending: unknown[] = [...layer]
  let draining = false
  let uniqueEventId = 0
  const drain = () => {
    if (draining) return
    draining = true
    while (pending.length > 0) {
      const message = pending.shift() as Record<string, unknown>
      if (message && typeof message === 'object' && typeof message.event === 'string') {
        message['gtm.uniqueEventId'] = uniqueEventId++
      }
      dataLayer.process(message)
    }
    draining = false
  }
  const originalPush = layer.push.bind(layer)
  layer.push = (...messages: unknown[]) => {
    const length = originalPush(...messages)
    pending.push(...messages)
    drain()
    return length
  }
  drain()
  return (message: Record<string, unknown>) => void layer.push(message)
}

function pushedBefore(eventName: string): boolean {
  const layer = (window as unknown as { dataLayer: unknown[] }).dataLayer
  return layer.some((message) => (message as { event?: unknown } | null)?.event === eventName)
}

function whenDocument(
  event: string,
  ready: () => boolean,
  fire: () => void,
  target: EventTarget = document
) {
  if (ready()) setTimeout(fire, 0)
  else target.addEventListener(event, fire, { once: true })
}

const harness = { start, load, firings, version: 1 }
;(window as unknown as { visitlogHarness: typeof harness }).visitlogHarness = harness

const script = document.currentScript as HTMLScriptElement | null
if (script?.dataset.container) {
  load({ container: script.dataset.container, tpl: script.dataset.tpl }).catch((error) =>
    console.error('[visitlog harness] could not start:', error)
  )
}
