// Writes the browser harness to gtm-template/build/gtm-harness.js (see gtm-template/harness/README.md).
import { mkdirSync, writeFileSync } from 'node:fs'
import { buildHarness } from '../gtm-template/harness/build.js'

const OUT = 'gtm-template/build/gtm-harness.js'

mkdirSync('gtm-template/build', { recursive: true })
const text = await buildHarness()
writeFileSync(OUT, text)
console.log(`wrote ${OUT} (${text.length} bytes)`)
