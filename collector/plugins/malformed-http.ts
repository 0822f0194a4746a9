import { type ServerResponse, STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyInstance } from 'fastify'
import { ERRORS, type ErrorCode, errorBody } from '../errors.js'

/**
 * How long a refused connection may keep sending before it is cut. Closing a socket that still
 * has unread bytes makes the kernel send a reset, which can destroy the answer on its way; so
 * the answer is sent, the rest is read and dropped, and the client gets this long to hang up.
 */
const LINGER_MS = 2000

/** Node's parser errors, in the catalogue's words; any other parser error is HTTP_INVALID. */
function codeOf(error: ConnectionError): ErrorCode {
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE'
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT'
  // A length no number type can hold claims a body over any limit, as a large valid one does.
  const overflow = /overflow/i.test(reasonOf(error))
  if (error.code === 'HPE_INVALID_CONTENT_LENGTH' && overflow) return 'BODY_TOO_LARGE'
  return 'HTTP_INVALID'
}

const reasonOf = (error: ConnectionError) => String((error as { reason?: unknown }).reason ?? '')

/** A whole HTTP/1.1 answer in the catalogue's shape, closing the connection. */
function rawAnswer(code: ErrorCode) {
  const status = ERRORS[code].status
  const body = JSON.stringify(errorBody(code))
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body
  ].join('\r\n')
}

/**
 * The answer still being made to an earlier request on this socket, one that arrived whole, if
 * any. A request whose own body broke off is the one refused, and its answer never comes.
 */
function answerInFlight(socket: Socket) {
  const response = (socket as { _httpMessage?: ServerResponse })._httpMessage
  if (!response || response.writableFinished || !response.req.complete) return undefined
  return response
}

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses before Fastify sees them
 * (a bad request line, Content-Length or chunked encoding, headers over the limit, a request
 * that does not arrive in time). They get the catalogue's JSON body instead of Node's or
 * Fastify's own, and the connection is closed, since its framing can no longer be trusted.
 * The log line holds the codes only: the raw packet would quote the request.
 */
export function answerMalformedHttp(this: FastifyInstance, error: ConnectionError, socket: Socket) {
  // A reset connection is gone; a socket already answered may report the rest of its bytes.
  if (error.code === 'ECONNRESET' || socket.destroyed || socket.writableEnded) return

  const code = codeOf(error)
  this.log.info({ statusCode: ERRORS[code].status, code, parserCode: error.code }, 'malformed request')
  if (!socket.writable) {
    socket.destroy()
    return
  }

  // Bytes that follow a good request on the same connection (pipelining) do not undo it: its
  // answer, perhaps a committed write, goes first, then the refusal of what followed.
  const earlier = answerInFlight(socket)
  if (earlier) earlier.once('finish', () => refuse(socket, code))
  else refuse(socket, code)
}

function refuse(socket: Socket, code: ErrorCode) {
  if (socket.destroyed || socket.writableEnded) return
  socket.end(rawAnswer(code))
  socket.resume()
  const cut = setTimeout(() => socket.destroy(), LINGER_MS)
  cut.unref()
  socket.once('close', () => clearTimeout(cut))
}
