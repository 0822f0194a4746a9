import t from 'tap'
import { readFileSync } from 'node:fs'
import {
  GENERIC_TPL_PATH,
  assembleTpl,
  buildGenericTpl,
  checkCollectorOrigin,
  parseTpl,
  readSources,
  sandboxedCode,
  section
} from './tpl.js'

t.test('the committed template.tpl is up to date with gtm-template/template/', async (t) => {
  const committed = readFileSync(GENERIC_TPL_PATH, 'utf8')
  t.ok(committed === buildGenericTpl(), 'template.tpl is stale: run `npm run gtm:tpl` and commit it')
})

t.test('a .tpl parses back into the sources it was assembled from', async (t) => {
  const sources = readSources()
  const sections = parseTpl(assembleTpl(sources))
  t.same(Object.keys(sections), [
    'INFO',
    'TEMPLATE_PARAMETERS',
    'SANDBOXED_JS_FOR_WEB_TEMPLATE',
    'WEB_PERMISSIONS',
    'TESTS',
    'NOTES'
  ])
  t.equal(sections.SANDBOXED_JS_FOR_WEB_TEMPLATE, sources.code.trim())
  t.equal(sections.TESTS, sources.tests.trim())
  t.same(JSON.parse(sections.INFO!), JSON.parse(sources.info))
})

t.test('a build for one collector names its origin in the permission and the field default', async (t) => {
  const text = assembleTpl(readSources(), { collector: 'https://vl.bank.example/' })
  const permissions = JSON.parse(section(text, 'WEB_PERMISSIONS'))
  const inject = permissions.find((p: any) => p.instance.key.publicId === 'inject_script')
  t.same(inject.instance.param[0].value.listItem, [
    { type: 1, string: 'https://vl.bank.example/assets/v1/*' }
  ])
  const fields = JSON.parse(section(text, 'TEMPLATE_PARAMETERS'))
  t.equal(fields.find((f: any) => f.name === 'collectorUrl').defaultValue, 'https://vl.bank.example')
  t.notOk(text.includes('__COLLECTOR_ORIGIN__'))
  t.equal(sandboxedCode(text), readSources().code.trim())
})

t.test('collector origins: https, or http on localhost with a port', async (t) => {
  t.equal(checkCollectorOrigin('https://collector.example.com'), 'https://collector.example.com')
  t.equal(checkCollectorOrigin('http://127.0.0.1:18100/'), 'http://127.0.0.1:18100')
  t.equal(checkCollectorOrigin('http://localhost:3000'), 'http://localhost:3000')
  for (const bad of [
    'http://collector.example.com',
    'https://c.example.com/path',
    'ftp://x',
    '',
    'localhost'
  ]) {
    t.throws(() => checkCollectorOrigin(bad), /collector must be an https origin/, bad)
  }
})

t.test('the collector URL field accepts and refuses the same origins as the build', async (t) => {
  const fields = JSON.parse(readSources().parameters)
  const field = fields.find((f: any) => f.name === 'collectorUrl')
  const pattern = new RegExp(field.valueValidators.find((v: any) => v.type === 'REGEX').args[0])
  for (const good of [
    'https://collector.example.com',
    'https://c.example.com:8443/',
    'http://127.0.0.1:18100'
  ]) {
    t.ok(pattern.test(good), good)
  }
  for (const bad of [
    'http://collector.example.com',
    'https://c.example.com/x',
    'http://localhost',
    'javascript:1'
  ]) {
    t.notOk(pattern.test(bad), bad)
  }
})

t.test('section() names a missing section', async (t) => {
  t.throws(() => section('___INFO___\n\n{}\n', 'TESTS'), /no ___TESTS___ section/)
})
