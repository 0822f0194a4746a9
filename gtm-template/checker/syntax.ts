// Rejects what GTM's sandboxed JavaScript does not allow: it is ES5.1 plus arrow functions,
// const and let, without new, this, regex literals or globals (GTM-NOTES.md).
import { parse, type Node } from 'acorn'
import { fullAncestor } from 'acorn-walk'

export interface Finding {
  severity: 'error' | 'warning'
  line: number
  column: number
  message: string
}

export interface SyntaxCheck {
  findings: Finding[]
  /** The literal names passed to require(), in order of appearance. */
  requires: Array<{ name: string; line: number }>
  /** Keys passed to createQueue, as literals or string constants. */
  queueKeys: Array<{ key: string; line: number }>
}

/** Names the template's code may use without declaring them. */
export const TEMPLATE_GLOBALS = ['data', 'require', 'undefined']
/** Names GTM's test runner gives to ___TESTS___ code. */
export const TEST_GLOBALS = [
  'runCode',
  'mock',
  'mockObject',
  'assertApi',
  'assertThat',
  'fail',
  'require',
  'undefined'
]

type AnyNode = Node & Record<string, any>
type Rule = (node: AnyNode) => string | undefined

const RULES: Record<string, Rule> = {
  Literal: (node) => {
    if (node.regex) return 'regex literals are not supported: use indexOf, split and join'
    if (node.bigint !== undefined) return 'BigInt literals are not supported'
    return undefined
  },
  NewExpression: () => '`new` is not supported: build objects and arrays from literals',
  ThisExpression: () => '`this` is not supported',
  TemplateLiteral: () => 'template literals are not supported: join strings with +',
  TaggedTemplateExpression: () => 'tagged templates are not supported',
  TryStatement: () => 'try/catch is not supported',
  ThrowStatement: () => '`throw` is not supported: call data.gtmOnFailure() and return',
  SpreadElement: () => 'spread (...) is not supported',
  RestElement: () => 'rest parameters and elements (...) are not supported',
  ObjectPattern: () => 'destructuring is not supported',
  ArrayPattern: () => 'destructuring is not supported',
  AssignmentPattern: () => 'default parameter values are not supported',
  ClassDeclaration: () => '`class` is not supported',
  ClassExpression: () => '`class` is not supported',
  ChainExpression: () => 'optional chaining (?.) is not supported',
  WithStatement: () => '`with` is not supported',
  DebuggerStatement: () => '`debugger` is not supported',
  ForOfStatement: () => 'for...of is not supported: use forEach or a counted loop',
  AwaitExpression: () => '`await` is not supported',
  YieldExpression: () => '`yield` is not supported',
  ImportExpression: () => 'import() is not supported',
  MetaProperty: () => 'new.target and import.meta are not supported',
  LogicalExpression: (node) =>
    node.operator === '??' ? 'nullish coalescing (??) is not supported' : undefined,
  AssignmentExpression: (node) =>
    ['??=', '||=', '&&=', '**='].includes(node.operator)
      ? `the ${node.operator} operator is not supported`
      : undefined,
  BinaryExpression: (node) =>
    node.operator === '**' ? 'the ** operator is not supported: use Math.pow' : undefined,
  UnaryExpression: (node) =>
    node.operator === 'delete'
      ? 'the delete operator is not supported: use Object.delete(obj, key)'
      : undefined,
  Property: (node) => {
    if (node.kind === 'get' || node.kind === 'set') return 'getters and setters are not supported'
    if (node.method) return 'method shorthand is not supported: write key: function () {}'
    if (node.shorthand) return 'shorthand properties are not supported: write key: key'
    if (node.computed) return 'computed property names are not supported'
    return undefined
  },
  FunctionDeclaration: functionRule,
  FunctionExpression: functionRule,
  ArrowFunctionExpression: functionRule
}

function functionRule(node: AnyNode): string | undefined {
  if (node.async) return 'async functions are not supported'
  if (node.generator) return 'generators are not supported'
  return undefined
}

/** Parses the code as GTM runs it (a function body: top-level return is fine) and walks it. */
export function checkSyntax(code: string, allowedGlobals: string[] = TEMPLATE_GLOBALS): SyntaxCheck {
  let ast: AnyNode
  try {
    ast = parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      locations: true
    }) as AnyNode
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc ?? { line: 0, column: 0 }
    return {
      findings: [{ severity: 'error', ...loc, message: `syntax error: ${(error as Error).message}` }],
      requires: [],
      queueKeys: []
    }
  }

  const findings: Finding[] = []
  const requires: SyntaxCheck['requires'] = []
  const declared = declaredNames(ast)
  const report = (node: AnyNode, message: string) =>
    findings.push({
      severity: 'error',
      line: node.loc!.start.line,
      column: node.loc!.start.column,
      message
    })

  fullAncestor(ast, (node: AnyNode, _state: unknown, ancestors: Node[]) => {
    const message = RULES[node.type]?.(node)
    if (message) report(node, message)
    if (
      node.type === 'CallExpression' &&
      node.callee.type === 'Identifier' &&
      node.callee.name === 'require'
    ) {
      requireCall(node, requires, report)
    }
    if (node.type === 'Identifier' && isReference(node, ancestors[ancestors.length - 2] as AnyNode)) {
      const name = node.name as string
      if (!declared.has(name) && !allowedGlobals.includes(name)) {
        report(node, `"${name}" is not available in the sandbox: require() an API instead`)
      }
    }
  })
  findings.sort((a, b) => a.line - b.line || a.column - b.column)
  return { findings, requires, queueKeys: queueKeys(ast) }
}

/** Resolves createQueue(KEY) calls whose key is a literal or a const bound to one. */
function queueKeys(ast: AnyNode): SyntaxCheck['queueKeys'] {
  const constants = new Map<string, string>()
  const queueFunctions = new Set<string>()
  fullAncestor(ast, (node: AnyNode) => {
    if (node.type !== 'VariableDeclarator' || node.id.type !== 'Identifier' || !node.init) return
    if (node.init.type === 'Literal' && typeof node.init.value === 'string') {
      constants.set(node.id.name, node.init.value)
    }
    const init = node.init
    const isRequire =
      init.type === 'CallExpression' &&
      init.callee.type === 'Identifier' &&
      init.callee.name === 'require' &&
      init.arguments[0]?.value === 'createQueue'
    if (isRequire) queueFunctions.add(node.id.name)
  })
  const keys: SyntaxCheck['queueKeys'] = []
  fullAncestor(ast, (node: AnyNode) => {
    if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier') return
    if (!queueFunctions.has(node.callee.name)) return
    const argument = node.arguments[0] as AnyNode | undefined
    const key = argument?.type === 'Literal' ? argument.value : constants.get(argument?.name)
    if (typeof key === 'string') keys.push({ key, line: node.loc!.start.line })
  })
  return keys
}

function requireCall(
  node: AnyNode,
  requires: SyntaxCheck['requires'],
  report: (n: AnyNode, m: string) => void
) {
  const first = node.arguments[0] as AnyNode | undefined
  if (!first || first.type !== 'Literal' || typeof first.value !== 'string') {
    report(node, 'require() takes the API name as a string literal')
    return
  }
  requires.push({ name: first.value, line: node.loc!.start.line })
}

/** Every name the code declares anywhere (variables, functions, parameters). */
function declaredNames(ast: AnyNode): Set<string> {
  const names = new Set<string>()
  fullAncestor(ast, (node: AnyNode) => {
    if (node.type === 'VariableDeclarator') bindingNames(node.id, names)
    if (node.type === 'CatchClause' && node.param) bindingNames(node.param, names)
    if (/Function|Class/.test(node.type) && node.id) names.add(node.id.name)
    if (/Function/.test(node.type)) for (const param of node.params as AnyNode[]) bindingNames(param, names)
  })
  return names
}

/** The names a binding declares, inside patterns too (patterns are reported on their own). */
function bindingNames(node: AnyNode, names: Set<string>): void {
  if (node.type === 'Identifier') names.add(node.name)
  else if (node.type === 'ObjectPattern')
    node.properties.forEach((p: AnyNode) => bindingNames(p.value ?? p.argument, names))
  else if (node.type === 'ArrayPattern')
    node.elements.forEach((e: AnyNode | null) => e && bindingNames(e, names))
  else if (node.type === 'AssignmentPattern') bindingNames(node.left, names)
  else if (node.type === 'RestElement') bindingNames(node.argument, names)
}

/** Is this identifier a read of a variable (not a property name, key or label)? */
function isReference(node: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent) return true
  if (parent.type === 'MemberExpression') return parent.object === node || parent.computed
  if (parent.type === 'Property') return parent.value === node || parent.computed
  if (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement') return false
  if (parent.type === 'ContinueStatement') return false
  return true
}
