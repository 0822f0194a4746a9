import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { PATH_PARAMETER_MAX } from '../../schemas/index.js'
import { CollectorError, type ErrorCode, errorBody } from '../errors.js'
import { isConnectionError } from '../db/pg-errors.js'

/** Fastify's own error codes that are a client's mistake, in our catalogue's words. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'CONTENT_TYPE_UNSUPPORTED',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BODY_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BODY_INVALID',
  FST_ERR_CTP_INVALID_TYPE: 'CONTENT_TYPE_UNSUPPORTED',
  // @fastify/static refuses a path that climbs out of its folder (/docs/static/%2e%2e): not found.
  FST_STATIC_FORBIDDEN_PATH: 'ROUTE_NOT_FOUND'
}

const RETRY_AFTER_SECONDS = 5

/** Errors Fastify meets before routing: bad percent-encoding, a path parameter too long. */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const known = beforeRouting(error)
  void reply.code(known.statusCode).send(errorBody(known.code, known.message))
}

function beforeRouting(error: FastifyError) {
  if (error.code === 'FST_ERR_BAD_URL') return new CollectorError('PATH_INVALID')
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return new CollectorError('PATH_INVALID',
      `A part of the request path is longer than ${PATH_PARAMETER_MAX} characters`)
  }
  return new CollectorError('BODY_INVALID')
}

export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = toCollectorError(error)
    if (known) {
      if (known.statusCode === 503) reply.header('retry-after', RETRY_AFTER_SECONDS)
      // RFC 7235: a 401 names the scheme that would be accepted.
      if (known.statusCode === 401) reply.header('www-authenticate', 'Bearer')
      if (known.statusCode === 429 && error.statusCode === 429) {
        return reply.code(429).send(errorBody('RATE_LIMITED'))
      }
      return reply.code(known.statusCode).send(errorBody(known.code, known.message))
    }

    request.log.error({ err: error }, 'request failed')
    return reply.code(500).send(errorBody('INTERNAL'))
  })

  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('ROUTE_NOT_FOUND')))
}

function toCollectorError(error: FastifyError): CollectorError | undefined {
  if (error instanceof CollectorError) return error
  if (error.validation) return validationError(error)

  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined
  if (mapped) return new CollectorError(mapped)
  if (error.statusCode === 429) return new CollectorError('RATE_LIMITED')
  if (isConnectionError(error)) return new CollectorError('DATABASE_UNAVAILABLE')

  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return new CollectorError('BODY_INVALID', error.message)
  return undefined
}

function validationError(error: FastifyError) {
  const first = error.validation?.[0]
  const context = error.validationContext
  if (context === 'params') return new CollectorError('SESSION_ID_INVALID')
  if (context === 'querystring') return new CollectorError('QUERY_INVALID', describe(first, 'query'))
  if (first?.keyword === 'minProperties' && first.instancePath === '') return new CollectorError('BODY_EMPTY')
  return new CollectorError('BODY_INVALID', describe(first, 'body'))
}

interface ValidationIssue {
  keyword?: string
  instancePath?: string
  message?: string
  params?: Record<string, unknown>
}

/** A short message naming the field: "body/url must NOT have more than 8192 characters". */
function describe(issue: ValidationIssue | undefined, where: string) {
  if (!issue) return `The ${where} does not match the schema`
  const extra = issue.params?.additionalProperty
  if (typeof extra === 'string') return `${where}/${extra} is not a known field`
  const missing = issue.params?.missingProperty
  if (typeof missing === 'string') return `${where}/${missing} is required`
  return `${where}${issue.instancePath ?? ''} ${issue.message ?? 'is not valid'}`
}
