// GTM's automatic events: clicks, link clicks, form submissions and history changes pushed into
// the data layer with gtm.element and friends, only for trigger types the container uses.

export type Push = (message: Record<string, unknown>) => void

export function listenForAutoEvents(types: Set<string>, push: Push): void {
  if (types.has('CLICK') || types.has('LINK_CLICK')) listenForClicks(types, push)
  if (types.has('FORM_SUBMISSION')) listenForForms(push)
  if (types.has('HISTORY_CHANGE')) listenForHistory(push)
}

function listenForClicks(types: Set<string>, push: Push): void {
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target
      if (!(target instanceof Element)) return
      if (types.has('CLICK')) push(elementEvent('gtm.click', target))
      const link = target.closest('a[href]')
      if (link && types.has('LINK_CLICK')) push(elementEvent('gtm.linkClick', link))
    },
    true
  )
}

function listenForForms(push: Push): void {
  document.addEventListener(
    'submit',
    (event) => {
      if (event.target instanceof HTMLFormElement) push(elementEvent('gtm.formSubmit', event.target))
    },
    true
  )
}

function elementEvent(event: string, element: Element): Record<string, unknown> {
  const html = element as HTMLElement & { href?: unknown; action?: unknown; target?: unknown }
  const url = typeof html.href === 'string' ? html.href : typeof html.action === 'string' ? html.action : ''
  return {
    event,
    'gtm.element': element,
    'gtm.elementClasses': typeof element.className === 'string' ? element.className : '',
    'gtm.elementId': element.id ?? '',
    'gtm.elementTarget': typeof html.target === 'string' ? html.target : '',
    'gtm.elementUrl': url,
    'gtm.elementText': (html.innerText ?? element.textContent ?? '').trim()
  }
}

function listenForHistory(push: Push): void {
  let oldUrl = location.href
  let oldState: unknown = history.state
  const changed = (source: string, state: unknown) => {
    // Like GTM, every call counts, even one that keeps the address (routers often do that).
    const newUrl = location.href
    push({
      event: 'gtm.historyChange-v2',
      'gtm.historyChangeSource': source,
      'gtm.oldUrl': oldUrl,
      'gtm.newUrl': newUrl,
      'gtm.oldUrlFragment': new URL(oldUrl).hash.replace('#', ''),
      'gtm.newUrlFragment': new URL(newUrl).hash.replace('#', ''),
      'gtm.oldHistoryState': oldState,
      'gtm.newHistoryState': state
    })
    oldUrl = newUrl
    oldState = state
  }
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method].bind(history)
    history[method] = (state: unknown, unused: string, url?: string | URL | null) => {
      original(state, unused, url)
      changed(method, state)
    }
  }
  window.addEventListener('popstate', (event) => changed('popstate', event.state))
}
