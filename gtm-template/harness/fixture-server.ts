// A tiny page server for browser tests of the harness: the built template and container for
// this server's own origin, the harness script, a stand-in runtime, and the given pages.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildContainer, type ContainerOptions } from '../container.js'
import { assembleTpl, readSources } from '../tpl.js'
import { buildHarness } from './build.js'

export interface FixtureServer {
  origin: string
  /** How many times the runtime script was requested. */
  runtimeRequests(): number
  close(): Promise<void>
}

export interface FixtureOptions {
  /** Container options besides the template and collector (service 3 by default). */
  container?: Partial<Omit<ContainerOptions, 'templateText' | 'collector'>>
  /** The collector origin to build for; default this server's own origin. */
  collector?: string
  /** Script served at /assets/v1/vl.js; default a stand-in that counts loads in window.runtimeLoads. */
  runtime?: string
}

const RUNTIME_STAND_IN = 'window.runtimeLoads = (window.runtimeLoads || 0) + 1;'

/** Serves the pages by path, plus /gtm-harness.js, /template.tpl, /container.json and the runtime. */
export async function startFixtureServer(
  pages: Record<string, string>,
  options: FixtureOptions = {}
): Promise<FixtureServer> {
  const harness = await buildHarness()
  const files = new Map<string, { type: string; body: string }>()
  let runtimeRequests = 0
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    if (path === '/assets/v1/vl.js') runtimeRequests++
    const file = files.get(path) ?? pageFile(pages, path)
    if (!file) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const collector = options.collector ?? origin
  const templateText = assembleTpl(readSources(), { collector })
  const container = buildContainer({ service: 3, ...options.container, templateText, collector })
  files.set('/gtm-harness.js', { type: 'text/javascript', body: harness })
  files.set('/template.tpl', { type: 'text/plain', body: templateText })
  files.set('/container.json', { type: 'application/json', body: JSON.stringify(container) })
  files.set('/assets/v1/vl.js', {
    type: 'text/javascript',
    body: options.runtime ?? RUNTIME_STAND_IN
  })

  return {
    origin,
    runtimeRequests: () => runtimeRequests,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}

function pageFile(pages: Record<string, string>, path: string) {
  const body = pages[path]
  return body === undefined ? undefined : { type: 'text/html; charset=utf-8', body }
}
