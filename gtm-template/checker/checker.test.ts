// The checker itself: planted constructs the sandbox refuses must be reported with their line,
// and every require must have its permission.
import t from 'tap'
import { assembleTpl, readSources } from '../tpl.js'
import { checkTemplate } from './index.js'
import { checkParameters } from './parameters.js'
import { checkPermissions } from './permissions.js'
import { checkSyntax } from './syntax.js'

const PLANTED: Array<[string, string, string]> = [
  ['a regex literal', "const ok = 'a';\nconst re = /a+/;", 'regex literals'],
  ['new', 'const ok = 1;\nconst d = new Date();', '`new`'],
  ['this', 'const ok = 1;\nconst self = this;', '`this`'],
  ['a template literal', 'const ok = 1;\nconst s = `x${ok}`;', 'template literals'],
  ['try/catch', 'const ok = 1;\ntry { ok; } catch (e) { ok; }', 'try/catch'],
  ['throw', "const ok = 1;\nthrow 'x';", '`throw`'],
  ['spread', 'const ok = [1];\nconst more = [...ok];', 'spread'],
  ['rest parameters', 'const ok = 1;\nconst f = (...rest) => rest;', 'rest parameters'],
  ['object destructuring', 'const ok = {};\nconst { a } = ok;', 'destructuring'],
  ['array destructuring', 'const ok = [];\nconst [a] = ok;', 'destructuring'],
  ['a default parameter', 'const ok = 1;\nconst f = (a = 1) => a;', 'default parameter'],
  ['class', 'const ok = 1;\nclass Visit {}', '`class`'],
  ['a getter', 'const ok = 1;\nconst o = { get x() { return 1; } };', 'getters and setters'],
  ['optional chaining', 'const ok = {};\nconst v = ok?.a;', 'optional chaining'],
  ['nullish coalescing', 'const ok = 1;\nconst v = ok ?? 2;', 'nullish coalescing'],
  ['the delete operator', 'const ok = { a: 1 };\ndelete ok.a;', 'delete operator'],
  ['window', 'const ok = 1;\nwindow.x = ok;', '"window" is not available'],
  ['document', 'const ok = 1;\nconst t = document.title;', '"document" is not available'],
  ['setTimeout', 'const ok = 1;\nsetTimeout(() => ok, 1);', '"setTimeout" is not available'],
  ['a global Math', 'const ok = 1;\nconst r = Math.random();', '"Math" is not available'],
  ['an async function', 'const ok = 1;\nconst f = async () => ok;', 'async functions'],
  ['await', 'const ok = 1;\nasync function f() { await ok; }', '`await`'],
  ['a generator', 'const ok = 1;\nfunction* g() { yield ok; }', 'generators'],
  ['for...of', 'const ok = [];\nfor (const x of ok) { x; }', 'for...of'],
  ['method shorthand', 'const ok = 1;\nconst o = { f() { return ok; } };', 'method shorthand'],
  ['shorthand properties', 'const ok = 1;\nconst o = { ok };', 'shorthand properties'],
  ['the ** operator', 'const ok = 2;\nconst sq = ok ** 2;', 'the ** operator'],
  ['a computed require', "const ok = 'getUrl';\nconst api = require(ok);", 'string literal']
]

t.test('each planted construct the sandbox refuses is reported on its line', async (t) => {
  for (const [name, code, expected] of PLANTED) {
    const findings = checkSyntax(code).findings.filter((f) => f.severity === 'error')
    const hit = findings.find((f) => f.message.includes(expected))
    t.ok(hit, `${name} is reported (${findings.map((f) => f.message).join('; ')})`)
    t.equal(hit?.line, 2, `${name} is reported on line 2`)
  }
})

t.test('code within the sandbox language passes', async (t) => {
  const code = [
    "const getType = require('getType');",
    'var count = 0;',
    'let words = ["a", "b"];',
    'const total = words.map((word) => word.length).reduce(function (a, b) { return a + b; }, 0);',
    'for (const key in data) { count = count + 1; }',
    'switch (getType(total)) { case "number": break; default: count = 0; }',
    'if (count > typeof total) { return data.gtmOnFailure(); }',
    'data.gtmOnSuccess();'
  ].join('\n')
  t.same(checkSyntax(code).findings, [])
})

t.test('a syntax error is a finding with its line', async (t) => {
  const findings = checkSyntax('const a = 1;\nconst = 2;').findings
  t.equal(findings.length, 1)
  t.equal(findings[0].line, 2)
  t.match(findings[0].message, /^syntax error/)
})

t.test('a require without its permission fails, an unused permission warns', async (t) => {
  const code = "const injectScript = require('injectScript');\nconst getUrl = require('getUrl');\ngetUrl();"
  const permissions = JSON.stringify([
    { instance: { key: { publicId: 'get_url', versionId: '1' }, param: [] } },
    { instance: { key: { publicId: 'logging', versionId: '1' }, param: [] } }
  ])
  const findings = checkPermissions(checkSyntax(code), permissions)
  t.same(
    findings.map((f) => [f.severity, f.line, f.message]),
    [
      ['error', 1, 'require(\'injectScript\') needs the "inject_script" permission'],
      ['warning', 0, 'permission "logging" is granted but no API uses it']
    ]
  )
})

t.test('an unknown API and a queue key without write access fail', async (t) => {
  const code =
    "const nope = require('sendBeacon');\nconst createQueue = require('createQueue');\n" +
    "const KEY = 'otherQueue';\ncreateQueue(KEY)(1);"
  const permissions = JSON.stringify([
    {
      instance: {
        key: { publicId: 'access_globals' },
        param: [
          {
            key: 'keys',
            value: {
              type: 2,
              listItem: [
                {
                  type: 3,
                  mapKey: [
                    { type: 1, string: 'key' },
                    { type: 1, string: 'read' },
                    { type: 1, string: 'write' }
                  ],
                  mapValue: [
                    { type: 1, string: 'visitlogQueue' },
                    { type: 8, boolean: true },
                    { type: 8, boolean: true }
                  ]
                }
              ]
            }
          }
        ]
      }
    }
  ])
  const messages = checkPermissions(checkSyntax(code), permissions).map((f) => f.message)
  t.same(messages, [
    "require('sendBeacon'): no such sandbox API",
    "createQueue('otherQueue') needs read and write on that key"
  ])
})

t.test('the template code and its permissions pass the checker', async (t) => {
  const sources = readSources()
  const syntax = checkSyntax(sources.code)
  t.same(syntax.findings, [])
  t.same(checkPermissions(syntax, sources.permissions), [])
  t.same(
    syntax.queueKeys.map((use) => use.key),
    ['visitlogQueue']
  )
})

t.test(
  'a whole .tpl: a planted regex fails it, a data.x without a field and a shuffled require block are named',
  async (t) => {
    const sources = readSources()
    const code = sources.code
      .replace("const addConsentListener = require('addConsentListener');\n", '')
      .replace(
        "const templateStorage = require('templateStorage');",
        "const templateStorage = require('templateStorage');\n" +
          "const addConsentListener = require('addConsentListener');"
      )
      .replace(
        'const email = clean(data.email, 320);',
        'const email = clean(data.mail, 320).split(/ /)[0];'
      )
    const report = checkTemplate(assembleTpl({ ...sources, code }))
    t.equal(report.ok, false)
    t.same(
      report.findings.map((f) => [f.severity, f.where, f.message]),
      [
        ['error', 'code', 'regex literals are not supported: use indexOf, split and join'],
        ['warning', 'code', "require('addConsentListener') is out of alphabetical order"],
        ['error', 'parameters', 'the code reads data.mail but no field is named "mail"']
      ]
    )
  }
)

t.test('fields: duplicates, enabling conditions, regexes and defaults are checked', async (t) => {
  const parameters = JSON.stringify([
    { type: 'TEXT', name: 'url', valueValidators: [{ type: 'REGEX', args: ['^(https'] }] },
    { type: 'TEXT', name: 'url' },
    { type: 'SELECT', name: 'mode', defaultValue: 'c', selectItems: [{ value: 'a' }, { value: 'b' }] },
    {
      type: 'GROUP',
      name: 'more',
      subParams: [
        {
          type: 'TEXT',
          name: 'note',
          enablingConditions: [{ paramName: 'missing', paramValue: 'x', type: 'EQUALS' }]
        }
      ]
    }
  ])
  const messages = checkParameters('data.url; data.note; data.gtmOnSuccess(); data.other;', parameters)
  t.same(
    messages.map((f) => f.message),
    [
      'two fields are named "url"',
      'the code reads data.other but no field is named "other"',
      'url: the REGEX validator does not compile',
      'mode: the default "c" is not one of its choices',
      'note is enabled by "missing", which is no field'
    ]
  )
  t.same(checkParameters(readSources().code, readSources().parameters), [])
})
