// Rewrites the committed, generic gtm-template/template.tpl from the sources in
// gtm-template/template/ (collector https://collector.example.com). A test fails when it is stale.
import { writeFileSync } from 'node:fs'
import { GENERIC_TPL_PATH, buildGenericTpl } from '../gtm-template/tpl.js'

writeFileSync(GENERIC_TPL_PATH, buildGenericTpl())
console.log(`wrote ${GENERIC_TPL_PATH}`)
