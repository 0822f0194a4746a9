import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { TypedApp } from '../context.js'
import { setBounded } from '../bounded-map.js'

/**
 * The demo site: a small bank with the pages the six facts are about, running the real GTM
 * template and container through the browser harness (gtm-template/harness/). The container is
 * built for the origin the page is opened on; the platform lives on the other loopback name
 * (localhost when the site is opened on 127.0.0.1, and the reverse) so that it is another host.
 */
export interface DemoOptions {
  service: number
}

const SITE_DIR = join(import.meta.dirname, '..', 'demo-site')
const HTML = 'text/html; charset=utf-8'
const SCRIPT = 'text/javascript; charset=utf-8'
const CSS = 'text/css; charset=utf-8'

const PAGES: Record<string, { file: string, title: string }> = {
  '/demo/': { file: 'home.html', title: 'Home' },
  '/demo/contacts/': { file: 'contacts.html', title: 'Contacts' },
  '/demo/account/': { file: 'account.html', title: 'Personal account' },
  '/demo/account/password/': { file: 'password.html', title: 'Change password' },
  '/demo/support/': { file: 'support.html', title: 'Support' },
  '/demo/help/': { file: 'help.html', title: 'Help center' },
  '/demo/logout/': { file: 'logout.html', title: 'Signed out' }
}

/** The loopback names the template accepts for an http collector, each with its partner. */
const OTHER_HOST: Record<string, string> = { '127.0.0.1': 'localhost', localhost: '127.0.0.1' }

export function demoRoutes(options: DemoOptions) {
  return async function routes(app: TypedApp) {
    // The harness and the template builder are development tools, loaded only with the demo.
    const { buildHarness } = await import('../../gtm-template/harness/build.js')
    const { buildContainer } = await import('../../gtm-template/container.js')
    const { assembleTpl, readSources } = await import('../../gtm-template/tpl.js')

    const read = (file: string) => readFileSync(join(SITE_DIR, file), 'utf8')
    const layout = read('layout.html')
    const harness = await buildHarness()
    const containers = new Map<string, string>()
    const page = (title: string, file: string) => async (request: FastifyRequest, reply: FastifyReply) =>
      reply.type(HTML).send(render(layout, title, read(file), request))

    for (const [path, { title, file }] of Object.entries(PAGES)) app.get(path, page(title, file))
    // Every address of the help center's single-page app loads the same document.
    app.get('/demo/help/:topic', page('Help center', 'help.html'))

    app.get('/platform/', async (request, reply) => {
      const site = `${siteOrigin(request, false)}/demo/`
      return reply.type(HTML).send(read('platform.html').replaceAll('{{site}}', site))
    })
    app.get('/demo/site.css', async (_request, reply) => reply.type(CSS).send(read('site.css')))
    app.get('/demo/site.js', async (_request, reply) => reply.type(SCRIPT).send(read('site.js')))
    app.get('/demo/gtm-harness.js', async (_request, reply) => reply.type(SCRIPT).send(harness))

    app.get('/demo/container.json', async (request, reply) => {
      const origin = siteOrigin(request, false)
      let container = containers.get(origin)
      if (!container) {
        container = JSON.stringify(buildContainer({
          templateText: assembleTpl(readSources(), { collector: origin }),
          collector: origin,
          service: options.service,
          platformHost: OTHER_HOST[new URL(origin).hostname]
        }))
        // Each Host header's port makes its own entry: keep a few, so forged ports cannot fill memory.
        setBounded(containers, origin, container, CONTAINERS_KEPT)
      }
      return reply.type('application/json; charset=utf-8').header('cache-control', 'no-store').send(container)
    })
  }
}

const CONTAINERS_KEPT = 8

function validPort(port: number | undefined | null) {
  return Number.isInteger(port) && port! >= 1 && port! <= 65535 ? port! : undefined
}

function render(layout: string, title: string, body: string, request: FastifyRequest) {
  return layout
    .replace('{{title}}', title)
    .replace('{{body}}', body)
    .replaceAll('{{platform}}', `${siteOrigin(request, true)}/platform/`)
}

/**
 * The origin the page was opened on (or its partner host), from the Host header. Only the
 * loopback names qualify: the template accepts plain http only there, and a forged Host header
 * must not choose what the container says.
 */
function siteOrigin(request: FastifyRequest, other: boolean) {
  const loopback = Object.hasOwn(OTHER_HOST, request.hostname)
  const host = loopback ? request.hostname : '127.0.0.1'
  // The Host header's port is the one the browser used (it differs behind a port mapping);
  // inject() (tests) has no real socket, so its port comes from there too.
  const port = (loopback && validPort(request.port)) || request.socket.localPort || validPort(request.port)
  return `http://${other ? OTHER_HOST[host] : host}:${port}`
}
