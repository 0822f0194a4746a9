import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  DEPOSIT_WORDS,
  LOGOUT_LINK,
  PASSWORD_PAGE,
  PERSONAL_ACCOUNT_PATH,
  SUPPORT_LINK,
  buildContainer,
  hostPattern
} from './container.js'
import { ALL_PAGES_TRIGGER_ID, variableReferences, type ContainerExport } from './gtm-entities.js'
import { assembleTpl, readSources } from './tpl.js'

const COLLECTOR = 'https://collector.example.com'
const templateText = assembleTpl(readSources(), { collector: COLLECTOR })

function build(overrides = {}): ContainerExport {
  const container = buildContainer({ templateText, collector: COLLECTOR, service: 3, ...overrides })
  return JSON.parse(JSON.stringify(container)) as ContainerExport
}

t.test("tags fire on triggers that exist and use the container's template", async (t) => {
  const version = build().containerVersion
  const triggerIds = new Set(version.trigger.map((trigger) => trigger.triggerId))
  t.equal(triggerIds.size, version.trigger.length, 'trigger ids are unique')
  const template = version.customTemplate[0]
  for (const tag of version.tag) {
    t.equal(tag.type, `cvt_${version.containerId}_${template.templateId}`, `${tag.name} uses the template`)
    t.ok(tag.firingTriggerId.length > 0, `${tag.name} has a trigger`)
    for (const id of tag.firingTriggerId) {
      t.ok(triggerIds.has(id) || id === ALL_PAGES_TRIGGER_ID, `${tag.name} fires on existing trigger ${id}`)
    }
  }
  const used = new Set(version.tag.flatMap((tag) => tag.firingTriggerId))
  for (const trigger of version.trigger)
    t.ok(used.has(trigger.triggerId), `${trigger.name} is used by a tag`)
})

t.test('every {{variable}} referenced exists, built-in ones enabled', async (t) => {
  const version = build().containerVersion
  const known = new Set([
    '_event',
    ...version.variable.map((v) => v.name),
    ...version.builtInVariable.map((v) => v.name)
  ])
  const references = variableReferences([version.tag, version.trigger, version.variable])
  t.ok(references.includes('Click URL') && references.includes('Page Path'), 'built-ins are referenced')
  for (const name of references) t.ok(known.has(name), `{{${name}}} exists`)
})

t.test('the template text in the container equals the built .tpl', async (t) => {
  t.equal(build().containerVersion.customTemplate[0].templateData, templateText)
})

t.test('tag parameters are fields of the template with allowed values', async (t) => {
  const fields = JSON.parse(readSources().parameters) as Array<Record<string, any>>
  const names = fields.flatMap((f) => [f.name, ...(f.subParams ?? []).map((s: any) => s.name)])
  const choices = (name: string) =>
    fields.find((f) => f.name === name)!.selectItems.map((i: any) => i.value)
  const version = build().containerVersion
  for (const tag of version.tag) {
    for (const parameter of tag.parameter)
      t.ok(names.includes(parameter.key), `${tag.name}: ${parameter.key}`)
    const value = (key: string) => tag.parameter.find((p) => p.key === key)?.value
    t.ok(choices('action').includes(value('action')), `${tag.name}: action ${value('action')}`)
    if (value('action') === 'flag') t.ok(choices('flag').includes(value('flag')), `${tag.name}: flag`)
    t.equal(value('collectorUrl'), COLLECTOR)
    t.equal(value('serviceId'), '3')
    t.equal(value('email'), '{{Visitlog - user email}}')
  }
  const flags = version.tag.map((tag) => tag.parameter.find((p) => p.key === 'flag')?.value).filter(Boolean)
  t.same(flags.sort(), choices('flag').sort(), 'one tag per flag')
})

t.test('the email variable reads the configured data layer key', async (t) => {
  const keyOf = (container: ContainerExport) =>
    container.containerVersion.variable[0].parameter.find((p) => p.key === 'name')?.value
  t.equal(keyOf(build()), 'user_email')
  t.equal(keyOf(build({ emailVariable: 'visitor.email' })), 'visitor.email')
  t.equal(build().containerVersion.variable[0].type, 'v')
})

t.test('the default trigger patterns match what a marketer means', async (t) => {
  const cases: Array<[string, string, string[], string[]]> = [
    [
      'platform host',
      hostPattern('platform.example.com'),
      [
        'https://platform.example.com/login',
        'https://eu.platform.example.com',
        'http://platform.example.com?x'
      ],
      [
        'https://platform.example.com.evil.io/',
        'https://example.com/platform.example.com',
        'https://xplatform.example.com'
      ]
    ],
    [
      'personal account',
      PERSONAL_ACCOUNT_PATH,
      ['/cabinet', '/ru/lk/settings', '/account/'],
      ['/accounting', '/lkw', '/blog/cabinets']
    ],
    [
      'support link',
      SUPPORT_LINK,
      ['mailto:support@bank.example', 'https://bank.example/support', '/support?x=1'],
      ['mailto:sales@bank.example?subject=support', 'https://bank.example/supporters']
    ],
    [
      'deposit words',
      DEPOSIT_WORDS,
      ['Deposit', 'Пополнить счёт', 'Top up', 'top-up', 'Внести деньги'],
      ['Withdraw', 'Вывести']
    ],
    [
      'password page',
      PASSWORD_PAGE,
      ['/cabinet/password', '/settings/security', '/account/settings'],
      ['/login']
    ],
    [
      'logout link',
      LOGOUT_LINK,
      ['https://bank.example/logout', '/sign-out?next=/'],
      ['/logouts', '/blog/logout-tips']
    ]
  ]
  for (const [name, pattern, matches, misses] of cases) {
    const regex = new RegExp(pattern, 'i')
    for (const text of matches) t.ok(regex.test(text), `${name} matches ${text}`)
    for (const text of misses) t.notOk(regex.test(text), `${name} does not match ${text}`)
  }
})

t.test('npm run gtm:build writes the .tpl and a container that holds it', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'gtm-build-'))
  t.teardown(() => rmSync(out, { recursive: true, force: true }))
  const args = [
    'tsx',
    'scripts/gtm-build.ts',
    '--collector',
    'https://vl.bank.example',
    '--service',
    '7',
    '--platform-host',
    'trade.bank.example',
    '--out',
    out
  ]
  const result = spawnSync('npx', args, { encoding: 'utf8' })
  t.equal(result.status, 0, result.stderr)
  const tpl = readFileSync(join(out, 'template.tpl'), 'utf8')
  const container = JSON.parse(readFileSync(join(out, 'container.json'), 'utf8')) as ContainerExport
  t.equal(container.exportFormatVersion, 2)
  t.equal(container.containerVersion.customTemplate[0].templateData, tpl)
  t.ok(tpl.includes('"string": "https://vl.bank.example/assets/v1/*"'))
  t.ok(
    JSON.stringify(container).includes('trade\\\\.bank\\\\.example'),
    'the platform host is in a trigger'
  )

  const bad = spawnSync(
    'npx',
    [
      'tsx',
      'scripts/gtm-build.ts',
      '--collector',
      'http://vl.bank.example',
      '--service',
      '7',
      '--out',
      out
    ],
    { encoding: 'utf8' }
  )
  t.equal(bad.status, 2)
  t.match(bad.stderr, /collector must be an https origin/)
})
