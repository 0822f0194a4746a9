import { adopt, type Command, resume, run } from './commands.js'
import { safe } from './log.js'
import { flush, wake } from './outbox.js'
import { HEARTBEAT_MS, heartbeat, leave, settle, shown } from './presence.js'
import { httpUrl } from './rules.js'

/**
 * The Visitlog runtime. The GTM template queues commands on window.visitlogQueue; pages
 * without GTM load this script with data- attributes and call window.visitlog(command).
 * Every entry point is wrapped by safe(): nothing here throws into the page.
 */
// Kept equal to QUEUE_NAME and GLOBAL_FUNCTION of schemas/command.ts by a test; importing them
// would pull the schema library into the bundle.
const QUEUE = 'visitlogQueue'
const GLOBAL = 'visitlog'

type Api = ((command: Command) => void) & { runtime?: number }
const page = window as unknown as Record<string, unknown>

if (!(page[GLOBAL] as Api | undefined)?.runtime) safe(boot)()

function boot() {
  const script = document.currentScript as HTMLScriptElement | null
  const data = script?.dataset ?? {}
  adopt({
    collector: data.collector || httpUrl(script?.src)?.origin,
    service: Number(data.service) || undefined,
    email: data.email
  })

  const api: Api = Object.assign(safe((command: Command) => run(command)), { runtime: 1 })
  page[GLOBAL] = api
  listen()

  const queue = (Array.isArray(page[QUEUE]) ? page[QUEUE] : (page[QUEUE] = [])) as Command[]
  queue.forEach((command) => api(command))
  queue.push = (...commands: Command[]) => {
    commands.forEach((command) => api(command))
    return queue.length
  }

  if (data.service) plainMode(api, data.captureClicks !== undefined)
  // What an earlier page left queued (a beacon's entries, an outage) goes out now.
  wake()
}

function listen() {
  on(document, 'visibilitychange', () => {
    if (shown()) return resume(false)
    leave()
    flush()
  })
  on(window, 'pagehide', () => {
    leave()
    flush(true)
  })
  on(window, 'pageshow', (event) => (event as PageTransitionEvent).persisted && resume(true))
  on(window, 'focus', () => settle())
  on(window, 'blur', () => settle())
  on(window, 'online', wake)
  setInterval(safe(heartbeat), HEARTBEAT_MS)
  settle()
}

/** Without GTM: log this page and every history change; optionally every link and button click. */
function plainMode(api: Api, captureClicks: boolean) {
  const logPage = () => api({ command: 'page' })
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name]
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args)
      logPage()
      return result
    }
  }
  on(window, 'popstate', logPage)
  logPage()
  if (captureClicks) on(document, 'click', (event) => click(api, event.target as Element), true)
}

const CLICKABLE = 'a[href],button,input[type=submit],input[type=button],[role=button]'

function click(api: Api, target: Element) {
  const element = target.closest?.(CLICKABLE) as HTMLElement & { href?: unknown, value?: string } | null
  if (!element) return
  const text = element.innerText || element.getAttribute('aria-label') || element.value || ''
  if (element.tagName === 'A') api({ command: 'link', url: String(element.href), text })
  else api({ command: 'button', text })
}

function on(target: EventTarget, type: string, listener: (event: Event) => unknown, capture?: boolean) {
  target.addEventListener(type, safe(listener), capture)
}
