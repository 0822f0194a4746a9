// Builds the template and an importable container for one deployment:
//   npm run gtm:build -- --collector https://collector.example.com --service 3
// writes gtm-template/build/template.tpl and gtm-template/build/container.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { DEFAULTS, buildContainer } from '../gtm-template/container.js'
import { assembleTpl, checkCollectorOrigin, readSources } from '../gtm-template/tpl.js'

const USAGE = `usage: npm run gtm:build -- --collector https://collector.example.com --service 3
  [--email-variable ${DEFAULTS.emailVariable}] [--platform-host ${DEFAULTS.platformHost}]
  [--deposit-selector '<css selector>'] [--out gtm-template/build]`

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      collector: { type: 'string' },
      service: { type: 'string' },
      'email-variable': { type: 'string' },
      'platform-host': { type: 'string' },
      'deposit-selector': { type: 'string' },
      out: { type: 'string', default: 'gtm-template/build' }
    }
  })
  if (!values.collector || !values.service) {
    console.error(USAGE)
    return 2
  }
  const service = Number(values.service)
  if (!Number.isInteger(service) || service < 1 || service > 2147483647) {
    console.error(`--service must be a whole number from 1, got "${values.service}"`)
    return 2
  }

  const collector = checkCollectorOrigin(values.collector)
  const templateText = assembleTpl(readSources(), { collector })
  const container = buildContainer({
    templateText,
    collector,
    service,
    emailVariable: values['email-variable'],
    platformHost: values['platform-host'],
    depositSelector: values['deposit-selector']
  })

  mkdirSync(values.out, { recursive: true })
  writeFileSync(join(values.out, 'template.tpl'), templateText)
  writeFileSync(join(values.out, 'container.json'), JSON.stringify(container, null, 2) + '\n')
  console.log(`wrote ${join(values.out, 'template.tpl')} and ${join(values.out, 'container.json')}`)
  console.log(
    `collector ${collector}, service ${service}: import container.json in GTM (Admin > Import Container)`
  )
  return 0
}

try {
  process.exit(main(process.argv.slice(2)))
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exit(2)
}
