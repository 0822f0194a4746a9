import { readFileSync } from 'node:fs'
import t from 'tap'
import { ERRORS, type ErrorCode } from '../errors.js'

// docs/hardening.md is folded into the README; it must keep naming what issue 7 added.
const docs = readFileSync(new URL('../../docs/hardening.md', import.meta.url), 'utf8')

t.test('every error code added for hardening is documented with its status', async (t) => {
  const added: ErrorCode[] = ['PATH_INVALID', 'ORIGIN_INVALID', 'SERVICE_ID_INVALID', 'ORIGIN_NOT_ALLOWED',
    'HTTP_INVALID', 'HEADERS_TOO_LARGE', 'REQUEST_TIMEOUT']
  for (const code of added) t.match(docs, `| \`${code}\` | ${ERRORS[code].status} |`, code)
})

t.test('every hardening variable has a row in the configuration table', async (t) => {
  const variables = ['RATE_LIMIT_MAX', 'RATE_LIMIT_WINDOW', 'RATE_LIMIT_SESSION_MAX', 'TRUST_PROXY',
    'DATABASE_TIMEOUT_MS', 'RETENTION_DAYS', 'IP_TRUNCATE']
  for (const variable of variables) t.match(docs, new RegExp(`^\\| \`${variable}\` \\| `, 'm'), variable)
})
