// Every ___TESTS___ scenario of the committed template passes; and the runner itself behaves as
// GTM's test runner: mocks, assertions and failures.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { GENERIC_TPL_PATH } from '../tpl.js'
import { checkTemplate } from './index.js'
import { parseTests, runScenario, runScenarios } from './runner.js'

t.test('the template passes the checker and every scenario of its ___TESTS___', async (t) => {
  const report = checkTemplate(readFileSync(GENERIC_TPL_PATH, 'utf8'))
  t.same(report.findings, [], 'no checker findings')
  t.ok(report.scenarios.length >= 25, `${report.scenarios.length} scenarios ran`)
  for (const scenario of report.scenarios) t.ok(scenario.ok, scenario.name, { error: scenario.error })
  t.ok(report.ok)
})

const TEMPLATE = [
  "const getUrl = require('getUrl');",
  "const createQueue = require('createQueue');",
  'if (!data.name) { return data.gtmOnFailure(); }',
  "createQueue('q')({ name: data.name, url: getUrl('host') });",
  'data.gtmOnSuccess();',
  'return data.name;'
].join('\n')

function run(code: string) {
  return runScenario(TEMPLATE, { name: 'case', code })
}

t.test('runCode returns the value and records gtmOnSuccess and gtmOnFailure', async (t) => {
  t.same(run("assertThat(runCode({ name: 'a' })).isEqualTo('a'); assertApi('gtmOnSuccess').wasCalled();"), {
    name: 'case',
    ok: true
  })
  t.same(
    run("runCode({}); assertApi('gtmOnFailure').wasCalled(); assertApi('gtmOnSuccess').wasNotCalled();"),
    { name: 'case', ok: true }
  )
})

t.test('a failed assertion fails the scenario with its message', async (t) => {
  t.same(run("runCode({ name: 'a' }); assertApi('gtmOnFailure').wasCalled();"), {
    name: 'case',
    ok: false,
    error: 'expected gtmOnFailure to be called'
  })
  t.same(run('assertThat([1, { a: 2 }]).isEqualTo([1, { a: 3 }]);'), {
    name: 'case',
    ok: false,
    error: 'expected [1,{"a":2}] to equal [1,{"a":3}]'
  })
  t.same(run("fail('stop here');"), { name: 'case', ok: false, error: 'stop here' })
})

t.test('mock replaces an API by a value or a function; unmocked APIs use plausible fakes', async (t) => {
  t.same(
    run(
      [
        "runCode({ name: 'a' });",
        "assertApi('getUrl').wasCalledWith('host');",
        "assertApi('createQueue').wasCalledWith('q');"
      ].join('\n')
    ),
    { name: 'case', ok: true }
  )
  t.same(
    run(
      [
        'const pushed = [];',
        "mock('getUrl', 'shop.example.com');",
        "mock('createQueue', (key) => (value) => pushed.push(value));",
        "runCode({ name: 'a' });",
        "assertThat(pushed).isEqualTo([{ name: 'a', url: 'shop.example.com' }]);"
      ].join('\n')
    ),
    { name: 'case', ok: true }
  )
})

t.test('an exception in the template fails the scenario with the template line', async (t) => {
  const result = runScenario('const x = 1;\nx.y.z = 2;', { name: 'throws', code: 'runCode({});' })
  t.equal(result.ok, false)
  t.match(result.error, /\(template code, line 2\)$/)
})

t.test('assertThat covers the checks GTM offers', async (t) => {
  const checks = [
    "assertThat('abc').contains('b');",
    'assertThat([1, 2]).hasLength(2);',
    'assertThat([]).isEmpty();',
    'assertThat(null).isNull();',
    'assertThat(0).isNotNull();',
    'assertThat(undefined).isUndefined();',
    'assertThat(1).isDefined();',
    'assertThat(true).isTrue();',
    'assertThat(false).isFalse();',
    'assertThat(1).isNotEqualTo(2);',
    "assertThat('1').isNotStrictlyEqualTo(1);",
    'assertThat(2).isStrictlyEqualTo(2);',
    'assertThat([{ a: 1 }]).contains({ a: 1 });'
  ]
  for (const code of checks) t.same(run(code), { name: 'case', ok: true }, code)
  t.equal(run('assertThat(1).isStrictlyEqualTo(2);').ok, false)
})

t.test('setup runs before each scenario, and each scenario starts fresh', async (t) => {
  const tests = parseTests(
    [
      'scenarios:',
      '- name: first',
      '  code: |-',
      "    mock('getUrl', 'one');",
      '    assertThat(counter).isEqualTo(0);',
      '- name: second',
      '  code: |-',
      "    runCode({ name: 'b' });",
      "    assertApi('getUrl').wasCalledWith('host');",
      'setup: |-',
      '  let counter = 0;'
    ].join('\n')
  )
  t.same(runScenarios(TEMPLATE, tests), [
    { name: 'first', ok: true },
    { name: 'second', ok: true }
  ])
})

t.test('malformed ___TESTS___ are refused', async (t) => {
  t.throws(() => parseTests('scenarios:\n- name: no code'), /needs a name and code/)
})
