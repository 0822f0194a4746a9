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

export function scrubText(text: string) {
  return PERSONAL.reduce((scrubbed, pattern) => scrubbed.replace(pattern, '[redacted]'), text)
}

export function scrubError(error: unknown) {
  if (!(error instanceof Error)) return { type: typeof error, message: scrubText(String(error)), stack: '' }
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line))
  return {
    type: error.name,
    code: (error as { code?: unknown }).code,
    message: scrubText(error.message),
    stack: frames.map(scrubText).join('\n')
  }
}
