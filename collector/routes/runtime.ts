import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { RUNTIME_FILE } from '../../gtm-template/runtime/build.js'
import { RUNTIME_PATH } from '../../schemas/index.js'
import type { TypedApp } from '../context.js'
import { CollectorError } from '../errors.js'

/**
 * Serves the browser runtime at its versioned path. The path changes with the protocol, so the
 * script is cached for a year; a gzipped copy is made once at start-up.
 */
export function runtimeRoutes(script: string | undefined) {
  return async function routes(app: TypedApp) {
    const code = script ?? readBuilt(app)
    const body = code === undefined ? undefined : { plain: Buffer.from(code), gzip: gzipSync(code) }
    const etag = `"${createHash('sha256').update(code ?? '').digest('base64url').slice(0, 27)}"`

    app.get(RUNTIME_PATH, async (request, reply) => {
      if (!body) throw new CollectorError('RUNTIME_NOT_BUILT')
      reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('etag', etag)
        .header('vary', 'accept-encoding')
        .header('x-content-type-options', 'nosniff')
        .header('cross-origin-resource-policy', 'cross-origin')
      if (request.headers['if-none-match'] === etag) return reply.code(304).send()
      if (!/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) return reply.send(body.plain)
      return reply.header('content-encoding', 'gzip').send(body.gzip)
    })
  }
}

function readBuilt(app: TypedApp) {
  try {
    return readFileSync(RUNTIME_FILE, 'utf8')
  } catch {
    app.log.warn({ file: RUNTIME_FILE }, 'the browser runtime is not built: run npm run runtime:build')
    return undefined
  }
}
