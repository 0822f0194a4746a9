/**
 * Every error the collector answers, with its HTTP status and a default message. The README's
 * error table is kept in step with this list by a test; never reuse a retired code.
 */
export const ERRORS = {
  BODY_INVALID: { status: 400, message: 'The request body does not match the schema' },
  BODY_EMPTY: { status: 400, message: 'The request body has no field to apply' },
  BODY_NOT_JSON: { status: 400, message: 'The request body is not valid JSON' },
  BODY_NOT_UTF8: { status: 400, message: 'The request body is not valid UTF-8' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than the limit' },
  HTTP_INVALID: {
    status: 400,
    message: 'The request is not valid HTTP/1.1: its request line, headers, Content-Length or chunks'
  },
  HEADERS_TOO_LARGE: { status: 431, message: 'The request line and headers are larger than 16 KiB' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive whole within 30 seconds' },
  CONTENT_TYPE_UNSUPPORTED: {
    status: 415,
    message: 'Send application/json or text/plain with a JSON body'
  },
  TEXT_HAS_NUL: { status: 400, message: 'Text must not contain the NUL character' },
  EMAIL_INVALID: { status: 400, message: 'The email address is not valid' },
  URL_INVALID: { status: 400, message: 'The URL must be an absolute http or https URL' },
  BUTTON_TEXT_INVALID: {
    status: 400,
    message: 'The button text must have 1 to 1000 characters after trimming'
  },
  IP_ADDRESS_INVALID: { status: 400, message: 'The IP address is not valid' },
  LOGOUT_TIME_OUT_OF_RANGE: {
    status: 400,
    message: 'logout_time must lie between the visit start and now, give or take the allowed skew'
  },
  CLIENT_TIME_OUT_OF_RANGE: {
    status: 400,
    message: 'A client time must lie within 7 days before the batch sent_at and at most 60 s after it'
  },
  QUERY_INVALID: { status: 400, message: 'The query string does not match the schema' },
  PATH_INVALID: { status: 400, message: 'The request path is not valid (bad percent-encoding)' },
  ORIGIN_INVALID: {
    status: 400,
    message: 'An allowed origin must be an http or https origin: scheme, host and port, no path'
  },
  SERVICE_ID_INVALID: { status: 400, message: 'The service id is not a positive whole number' },
  SESSION_ID_INVALID: { status: 400, message: 'The session id is not a UUID' },
  SERVICE_UNKNOWN: { status: 400, message: 'No service has this id' },
  SERVICE_REQUIRED: {
    status: 400,
    message: 'This client has visits in several services; choose one with service=ID'
  },
  CURSOR_INVALID: { status: 400, message: 'The cursor is not one this endpoint gave out' },
  ADMIN_TOKEN_REQUIRED: {
    status: 401,
    message: 'This needs the admin token: Authorization: Bearer <token>'
  },
  IP_ADDRESS_ADMIN_ONLY: {
    status: 403,
    message: 'Only a request with the admin token may set ip_address'
  },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    message: "This page's origin is not in the service's list of allowed origins"
  },
  SESSION_NOT_FOUND: { status: 404, message: 'No visit has this session id' },
  SERVICE_NOT_FOUND: { status: 404, message: 'No service has this id' },
  CLIENT_NOT_FOUND: { status: 404, message: 'No visit is recorded for this client' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No endpoint answers this method and path' },
  SESSION_CONFLICT: {
    status: 409,
    message: 'This session id already belongs to another email or service'
  },
  EVENT_CONFLICT: {
    status: 409,
    message: 'This event_id was already stored with different content'
  },
  SERVICE_NAME_TAKEN: { status: 409, message: 'A service with this name exists already' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; retry after the given time' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database does not answer; retry later' },
  RUNTIME_NOT_BUILT: {
    status: 503,
    message: 'The browser runtime is not built on this server; run npm run runtime:build'
  },
  INTERNAL: { status: 500, message: 'Something went wrong on our side' }
} as const satisfies Record<string, { status: number; message: string }>

export type ErrorCode = keyof typeof ERRORS

/** An error that the error handler turns into its documented status and body. */
export class CollectorError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number

  constructor(code: ErrorCode, message?: string) {
    super(message ?? ERRORS[code].message)
    this.name = 'CollectorError'
    this.code = code
    this.statusCode = ERRORS[code].status
  }
}

export function errorBody(code: ErrorCode, message?: string) {
  return { success: false as const, error: { code, message: message ?? ERRORS[code].message } }
}
