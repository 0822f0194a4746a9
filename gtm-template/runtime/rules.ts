/**
 * Which pages and links are logged. Pure functions of URLs, so they are tested in Node.
 *
 * Page rule: a page is known by its origin and path. A change of only the query or the fragment,
 * or the same address again (a reload, a repeated page view), is not a new page; coming back to
 * it by back/forward (a new load or the back/forward cache) is. The logged URL keeps its query
 * and drops the fragment.
 *
 * Link rule: only http and https links are logged (not mailto:, tel:, javascript: ...), and not
 * links to a fragment of the page itself. A link is external when its host differs from the
 * page's host after lower-casing and removing a leading `www.`; ports are not compared.
 */

/** An absolute http(s) URL, or undefined for anything else. */
export function httpUrl(href: string | undefined, base?: string) {
  try {
    const url = new URL(href ?? '', base)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

/** The host that decides is_external_resource (URL has lower-cased it already). */
export const siteOf = (url: { hostname: string }) => url.hostname.replace(/^www\./, '')

export const pageKey = (url: URL) => url.origin + url.pathname

export const withoutFragment = (url: URL) => url.href.split('#')[0]

/** The url log of an address seen from a page. */
export const urlLog = (url: string, target: URL, page: { hostname: string }) =>
  ({ type: 'url' as const, url, is_external_resource: siteOf(target) !== siteOf(page) })

/** The url log a clicked link makes, or undefined when the link is not logged. */
export function linkLog(href: string, pageHref: string) {
  const page = httpUrl(pageHref)
  const url = httpUrl(href, pageHref)
  if (!page || !url) return undefined
  if (url.href.includes('#') && withoutFragment(url) === withoutFragment(page)) return undefined
  return urlLog(url.href, url, page)
}
