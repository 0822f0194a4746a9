import type { FastifyInstance } from 'fastify'
import secureJson from 'secure-json-parse'
import { CollectorError } from '../errors.js'
import { hasLoneSurrogate, hasNul } from '../validate.js'

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * One parser for application/json and text/plain (what sendBeacon sends for a string, and what
 * needs no CORS preflight). Invalid UTF-8 is refused rather than silently replaced, and so is a
 * NUL anywhere, since PostgreSQL text cannot store it, and a lone surrogate escaped in the JSON.
 * Other content types answer 415, and so does a compressed body: nothing here inflates one.
 */
export function registerJsonBody(app: FastifyInstance) {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer' },
    (request, body, done) => {
      try {
        refuseEncoded(request.headers['content-encoding'])
        done(null, parseJson(body as Buffer))
      } catch (error) {
        done(error as Error, undefined)
      }
    }
  )
}

function refuseEncoded(encoding: string | undefined) {
  const name = encoding?.trim().toLowerCase()
  if (!name || name === 'identity') return
  throw new CollectorError('CONTENT_TYPE_UNSUPPORTED',
    'Compressed bodies are not accepted: send the JSON without Content-Encoding')
}

function parseJson(body: Buffer) {
  let text: string
  try {
    text = decoder.decode(body)
  } catch {
    throw new CollectorError('BODY_NOT_UTF8')
  }
  if (text.trim() === '') throw new CollectorError('BODY_INVALID', 'The request body is empty')

  let value: unknown
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
  } catch {
    throw new CollectorError('BODY_NOT_JSON')
  }
  if (hasNul(value)) throw new CollectorError('TEXT_HAS_NUL')
  if (hasLoneSurrogate(value)) throw new CollectorError('BODY_NOT_UTF8')
  return value
}
