// A made-up shop for the runtime's browser tests: a real HTTP server on the loopback interface,
// opened as http://localhost:<port> while the collector is http://127.0.0.1:<port>, so the
// runtime's requests are real cross-origin requests between two hosts.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import type { Test } from 'tap'
import type { Collector } from './browser.js'

export interface Shop {
  origin: string
  /** Replaces or adds pages (path to HTML) while the server runs. */
  pages: Record<string, string>
}

export async function startShop(t: Test, pages: Record<string, string> = {}): Promise<Shop> {
  const shop = { origin: '', pages }
  const server = createServer((request, response) => {
    const body = shop.pages[new URL(request.url ?? '/', 'http://localhost').pathname]
    if (body === undefined) return response.writeHead(404).end('not found')
    const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
    response.writeHead(200, headers).end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  shop.origin = `http://localhost:${(server.address() as AddressInfo).port}`
  return shop
}

/** The runtime's script tag, with optional data- attributes. */
export function runtimeTag(collector: Collector, attributes: Record<string, string | number | true> = {}) {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => (value === true ? ` data-${name}` : ` data-${name}="${value}"`))
    .join('')
  return `<script src="${collector.origin}/assets/v1/vl.js"${attrs}></script>`
}

/** The runtime's queue in localStorage: what is still to be delivered. */
export async function queued(page: Page): Promise<{ i: { b: Record<string, unknown> }[], d: number }> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('vl:q') ?? '{"i":[],"d":0}'))
}

/** Waits until the runtime has delivered everything it queued. */
export async function delivered(page: Page, timeout = 15000) {
  await page.waitForFunction(() => {
    const box = JSON.parse(localStorage.getItem('vl:q') ?? '{"i":[]}')
    return box.i.length === 0
  }, undefined, { timeout, polling: 100 })
}

/** Collects the bodies of the batch requests the page makes. */
export function countBatches(page: Page) {
  const sent: string[] = []
  page.on('request', (request) => {
    if (request.url().endsWith('/batch/')) sent.push(request.postData() ?? '')
  })
  return sent
}
