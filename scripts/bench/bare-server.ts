// The benchmark's yardstick: the collector's routes with the same JSON parser, schemas, checks and
// error handler, answering at once without a database. Prints "listening on <url>" like the collector.
import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  Batch, BatchResult, BUTTON_TEXT_MAX, ButtonLogCreate, ErrorBody, SessionCreate, SessionCreated,
  SessionParams, SessionUpdate, Success, UrlLogCreate
} from '../../schemas/index.js'
import { checkItem } from '../../collector/batch-items.js'
import { clientClock, correctTime } from '../../collector/client-time.js'
import { CollectorError } from '../../collector/errors.js'
import { registerErrorHandler } from '../../collector/plugins/error-handler.js'
import { registerJsonBody } from '../../collector/plugins/json-body.js'
import { normalizeEmail, requireHttpUrl } from '../../collector/validate.js'

const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody }

async function main() {
  const app = Fastify({
    bodyLimit: 64 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } }
  }).withTypeProvider<TypeBoxTypeProvider>()
  registerJsonBody(app)
  registerErrorHandler(app)

  app.post('/api/session/', {
    schema: { body: SessionCreate, response: { 201: SessionCreated, ...errors } }
  }, async (request, reply) => {
    normalizeEmail(request.body.email)
    const sessionId = (request.body.session_id ?? randomUUID()).toLowerCase()
    return reply.code(201).send({ session_id: sessionId })
  })

  const update = {
    schema: { params: SessionParams, body: SessionUpdate, response: { 200: Success, ...errors } }
  }
  app.put('/api/session/:session_id/', update, async () => ({ success: true as const }))

  app.post('/api/session/:session_id/url/', {
    schema: { params: SessionParams, body: UrlLogCreate, response: { 201: Success, ...errors } }
  }, async (request, reply) => {
    requireHttpUrl(request.body.url)
    return reply.code(201).send({ success: true })
  })

  app.post('/api/session/:session_id/button/', {
    schema: { params: SessionParams, body: ButtonLogCreate, response: { 201: Success, ...errors } }
  }, async (request, reply) => {
    const text = request.body.button_text.trim()
    if (text.length === 0 || text.length > BUTTON_TEXT_MAX) throw new CollectorError('BUTTON_TEXT_INVALID')
    if (request.body.url !== undefined) requireHttpUrl(request.body.url)
    return reply.code(201).send({ success: true })
  })

  app.post('/api/session/:session_id/batch/', {
    schema: { params: SessionParams, body: Batch, response: { 200: BatchResult, ...errors } }
  }, async (request) => {
    const clock = clientClock(request.body.sent_at, Date.now())
    const results = request.body.items.map((raw, index) => {
      try {
        const item = checkItem(raw, index)
        correctTime(clock, item.at)
        checkFields(item)
        return { status: 201 }
      } catch {
        return { status: 400 }
      }
    })
    return { success: true as const, results }
  })

  const address = await app.listen({
    host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 0)
  })
  console.log(`Bare Fastify listening on ${address}`)
  const stop = () => void app.close().then(() => process.exit(0))
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

/** The checks the collector makes on a batch item beyond its schema. */
function checkFields(item: ReturnType<typeof checkItem>) {
  if (item.type === 'create') normalizeEmail(item.email)
  if (item.type === 'url') requireHttpUrl(item.url)
  if (item.type !== 'button') return
  const text = item.button_text.trim()
  if (text.length === 0 || text.length > BUTTON_TEXT_MAX) throw new CollectorError('BUTTON_TEXT_INVALID')
  if (item.url !== undefined) requireHttpUrl(item.url)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
