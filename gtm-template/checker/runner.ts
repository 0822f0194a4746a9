// Runs a template's ___TESTS___ scenarios the way GTM's test runner does: each scenario in a
// fresh node:vm context, with the setup code before it, runCode(data) running the template,
// mock/mockObject replacing APIs, and assertApi/assertThat/fail checking the outcome.
import { createContext, Script, type Context } from 'node:vm'
import { parse as parseYaml } from 'yaml'
import { AssertionFailure, assertApi, assertThat, type ApiCall } from './assertions.js'
import { fakeApis, newFakeState, type FakeState } from './fakes.js'

export interface Scenario {
  name: string
  code: string
}

export interface TestsSection {
  scenarios: Scenario[]
  setup?: string
}

export interface ScenarioResult {
  name: string
  ok: boolean
  error?: string
}

const TIMEOUT_MS = 5000

/** Reads the YAML of a ___TESTS___ section. */
export function parseTests(yamlText: string): TestsSection {
  const parsed = parseYaml(yamlText) as Partial<TestsSection> | null
  const scenarios = parsed?.scenarios ?? []
  if (!Array.isArray(scenarios)) throw new Error('___TESTS___: scenarios must be a list')
  for (const scenario of scenarios) {
    if (typeof scenario?.name !== 'string' || typeof scenario.code !== 'string') {
      throw new Error('___TESTS___: every scenario needs a name and code')
    }
  }
  return { scenarios, setup: typeof parsed?.setup === 'string' ? parsed.setup : undefined }
}

export function runScenarios(templateCode: string, tests: TestsSection): ScenarioResult[] {
  return tests.scenarios.map((scenario) => runScenario(templateCode, scenario, tests.setup))
}

export function runScenario(templateCode: string, scenario: Scenario, setup = ''): ScenarioResult {
  const run = new ScenarioRun()
  const context = run.context()
  try {
    run.template = compile<TemplateFunction>(
      `(function (data, require) {\n${templateCode}\n})`,
      'template code',
      context,
      -1
    )
    compile(`(function () {\n${setup}\n${scenario.code}\n})()`, SCENARIO_FILE, context, -1)
    return { name: scenario.name, ok: true }
  } catch (error) {
    return { name: scenario.name, ok: false, error: describe(error, setup.split('\n').length) }
  }
}

type TemplateFunction = (data: Record<string, unknown>, require: (name: string) => unknown) => unknown
type Fn = (...args: any[]) => unknown

class ScenarioRun {
  template?: TemplateFunction
  private readonly calls: ApiCall[] = []
  private readonly mocks = new Map<string, unknown>()
  private readonly state: FakeState = newFakeState()
  private readonly fakes = fakeApis(this.state)

  context(): Context {
    return createContext({
      runCode: (data: Record<string, unknown>) => this.runCode(data),
      mock: (name: string, value: unknown) => this.mock(name, value),
      mockObject: (name: string, value: unknown) => this.mock(name, value),
      assertApi: (name: string) => assertApi(this.calls, name),
      assertThat: (actual: unknown, note?: string) => assertThat(actual, note),
      fail: (message?: string) => {
        throw new AssertionFailure(message ?? 'fail() was called')
      },
      require: (name: string) => this.require(name)
    })
  }

  private mock(name: string, value: unknown): void {
    if (!(name in this.fakes)) throw new Error(`mock('${name}'): no such sandbox API`)
    this.mocks.set(name, value)
  }

  private runCode(data: Record<string, unknown>): unknown {
    if (!this.template) throw new Error('runCode: the template code did not compile')
    const input: Record<string, unknown> = { ...data }
    input.gtmOnSuccess = (...args: unknown[]) => void this.calls.push({ api: 'gtmOnSuccess', args })
    input.gtmOnFailure = (...args: unknown[]) => void this.calls.push({ api: 'gtmOnFailure', args })
    const result = this.template(input, (name) => this.require(name))
    for (const callback of this.state.later.splice(0)) callback()
    return result
  }

  /** A function API records each call, then runs its mock (or returns the mocked value) or the fake. */
  private require(name: string): unknown {
    if (!(name in this.fakes)) throw new Error(`require('${name}'): no such sandbox API`)
    const fake = this.fakes[name]
    if (typeof fake !== 'function') return this.mocks.get(name) ?? fake
    return (...args: unknown[]) => {
      this.calls.push({ api: name, args })
      if (!this.mocks.has(name)) return (fake as Fn)(...args)
      const mocked = this.mocks.get(name)
      return typeof mocked === 'function' ? (mocked as Fn)(...args) : mocked
    }
  }
}

function compile<T>(source: string, filename: string, context: Context, lineOffset: number): T {
  return new Script(source, { filename, lineOffset }).runInContext(context, { timeout: TIMEOUT_MS }) as T
}

const SCENARIO_FILE = 'scenario'

/** The error's message and where it happened: template code, setup or scenario line. */
function describe(error: unknown, setupLines: number): string {
  if (error instanceof AssertionFailure) return error.message
  const { message, stack } =
    error instanceof Error || (error && typeof error === 'object')
      ? (error as Error)
      : { message: String(error), stack: '' }
  const where = /(template code|scenario):(\d+):\d+/.exec(stack ?? '')
  if (!where) return message
  const line = Number(where[2])
  if (where[1] === 'template code') return `${message} (template code, line ${line})`
  return line <= setupLines
    ? `${message} (setup, line ${line})`
    : `${message} (scenario, line ${line - setupLines})`
}
