/**
 * Error messages can quote what caused them (a driver repeating a bad value, a library naming
 * an address). Before an error reaches the log, anything shaped like an email address, an IP
 * address or a bearer token is replaced, and only the type, code, message and stack frames
 * are kept: no driver `detail` field, which repeats row values.
 */
const PERSONAL = [
  /bearer\s+\S+/gi,
  /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+/g,
  /\b\d{1,3}(\.\d{1,3}){3}\b/g,
  // IPv6 with at least three colons, so that file:line:column in a stack trace stays readable.
  /\b[0-9a-f]{0,4}(:[0-9a-f]{0,4}){3,7}\b/gi
]

// A PostgreSQL data exception (SQLSTATE class 22) quotes the value it refused: `value "…" is out
// of range for type integer`. That value came from the request, so it is left out.
const DATA_EXCEPTION = /^22[0-9A-Z]{3}$/
const QUOTED = /"[^"]*"/g

export function scrubText(text: string) {
  return PERSONAL.reduce((scrubbed, pattern) => scrubbed.replace(pattern, '[redacted]'), text)
}

export function scrubError(error: unknown) {
  if (!(error instanceof Error)) return { type: typeof error, message: scrubText(String(error)), stack: '' }
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line))
  const code = (error as { code?: unknown }).code
  const quotesValue = typeof code === 'string' && DATA_EXCEPTION.test(code)
  return {
    type: error.name,
    code,
    message: scrubText(quotesValue ? error.message.replace(QUOTED, '"[redacted]"') : error.message),
    stack: frames.map(scrubText).join('\n')
  }
}
