// Checks the template without GTM: `npm run gtm:test` checks the committed template.tpl (and that
// it is up to date with gtm-template/template/), or `npm run gtm:test -- path/to/template.tpl`.
import { readFileSync } from 'node:fs'
import { checkTemplate, formatReport } from '../gtm-template/checker/index.js'
import { GENERIC_TPL_PATH, buildGenericTpl } from '../gtm-template/tpl.js'

const path = process.argv[2] ?? GENERIC_TPL_PATH
const text = readFileSync(path, 'utf8')
let stale = false
if (path === GENERIC_TPL_PATH && text !== buildGenericTpl()) {
  console.error('template.tpl is stale: run `npm run gtm:tpl` and commit it')
  stale = true
}

const report = checkTemplate(text)
for (const line of formatReport(report)) console.log(line)
process.exit(report.ok && !stale ? 0 : 1)
