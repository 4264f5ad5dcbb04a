import { defineRule } from '../../server/engine/rule';
import type { FileFacts } from '../../server/engine/facts';
import type { Node } from '../../server/engine/parser';
import { ensureImport, replaceNode } from '../../server/engine/fixes';
import { bindersSpelling } from '../../server/engine/names';
import { decoratorCallee, decoratorsOf, enclosingDef, findDescendants, parameterNames } from '../../server/engine/scopes';
import { isTestFile } from '../../server/engine/codeContext';

/** Expressions that carry outside input: web requests, CLI args, environment, stdin, model output. */
const UNTRUSTED_TEXT =
  /\b(request\.(args|form|json|values|data|body|query_params|get_json)|sys\.argv|os\.environ|input\s*\(|choices|message\.content|tool_calls?|function\.arguments|completion|llm|user_input)/i;

/** Frameworks whose presence means text can come from users or language models: parameters are outside input. */
const EXPOSED_MODULES = [
  'openai', 'anthropic', 'langchain', 'langchain_core', 'langchain_community', 'langgraph', 'llama_index', 'litellm',
  'mcp', 'autogen', 'crewai', 'smolagents', 'dspy', 'guidance', 'vllm', 'ollama', 'fastapi', 'flask', 'django',
  'starlette', 'gradio', 'streamlit', 'aiohttp', 'tornado', 'sanic', 'bottle',
];
/** Decorators that expose a function to a model or to HTTP requests. */
const EXPOSING_DECORATOR = /(^|\.)(tool|function_tool|register_tool|kernel_function|ai_function|route|get|post|put|patch|delete|websocket)$/;
/** An API whose contract is to execute the code it is given: `runctx(cmd)`, `runcode(code)`, `exec_module`... */
const EXECUTOR_FUNCTION = /^_?(run|exec|eval|debug|interpret)\w*$|^(runctx|runcode|runsource|runcommand|runeval)$/;
const CODE_PARAMETER = /^(cmd|code|source|src|script|expr|expression|stmt|statement|arg)$/;

export default defineRule({
  id: 'eval-exec-untrusted',
  title: 'eval or exec on non-literal input',
  category: 'security',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'dynamic-code-and-security',
  message: '`eval`/`exec` runs arbitrary code from a non-literal string; parse the input instead',
  docs: {
    why:
      '`eval` and `exec` run whatever code the string contains, with the full power of the process: reading files, ' +
      'opening sockets, importing `os`. When the string comes from a function parameter, a web request, the command ' +
      'line or a language model (an agent "calculator" tool evaluating model output), whoever controls that text ' +
      'controls the machine. Passing `{"__builtins__": {}}` as globals is not a sandbox: object introspection still ' +
      'reaches everything. Reported as an error when the text comes from request, command-line, environment or ' +
      'model input, or from a parameter of a tool / route or of code using an LLM or web framework. String ' +
      'literals, code generated from literal templates, tests, and APIs whose job is to run given code (a ' +
      'debugger\'s `runctx(cmd)`) are not reported.',
    instead:
      'Parse instead of executing: `ast.literal_eval` for Python literals (numbers, strings, lists, dicts), `json.loads` ' +
      'for JSON, a small `ast`-walking evaluator with an `operator` table for arithmetic, or a dispatch dict ' +
      '(`{"add": operator.add}`) for choosing an operation by name.',
    example: {
      before: 'def calculate(expression: str) -> str:\n    return str(eval(expression))',
      after:
        'import ast, operator\n\nOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}\n\n' +
        'def _eval(node):\n    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):\n        return node.value\n' +
        '    if isinstance(node, ast.BinOp) and type(node.op) in OPS:\n        return OPS[type(node.op)](_eval(node.left), _eval(node.right))\n' +
        '    raise ValueError("unsupported expression")\n\ndef calculate(expression: str) -> str:\n    return str(_eval(ast.parse(expression, mode="eval").body))',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Parse with ast.literal_eval() (data literals only)',
    reason: 'ast.literal_eval accepts only literals (numbers, strings, tuples, lists, dicts, sets, booleans, None): expressions with names, calls or most operators now raise ValueError',
  },
  query: `
(call
  function: (identifier) @fn
  arguments: (argument_list) @args
  (#any-of? @fn "eval" "exec")) @call`,
  // Anchored on its calls: in the base pass its pattern matched (and copied out of WASM) every bare call.
  calls: { names: ['eval', 'exec'] },
  check(m, ctx) {
    const call = m.need('call');
    const fn = m.need('fn').text;
    if (!ctx.facts.isBuiltin(fn, call)) return;
    const args = m.need('args').namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment');
    const source = args[0];
    if (!source || source.type === 'keyword_argument' || source.type === 'list_splat' || source.type === 'dictionary_splat') return;
    if (isConstant(ctx.facts, source, 0) || isTemplate(source) || isGeneratedOrCompiled(source, call)) return;
    if (isTestFile(ctx.filePath)) return; // tests evaluate code on purpose
    if (source.type === 'call' && /^(repr|compile)$/.test(source.childForFieldName('function')?.text ?? '')) return; // eval(repr(x)) round-trips, compiled code objects
    const origin = untrustedOrigin(ctx.facts, source, call);
    const def = enclosingDef(call);
    const exposed = isExposed(ctx.facts, def);
    // `def runctx(cmd, ...): exec(cmd, ...)` in a debugger or profiler: executing is the documented job.
    if (def && source.type === 'identifier' && CODE_PARAMETER.test(source.text) && parameterNames(def).includes(source.text)) {
      if (!exposed && EXECUTOR_FUNCTION.test(def.childForFieldName('name')?.text ?? '')) return;
    }
    const severe = origin !== null && (exposed || !origin.includes('a parameter of'));
    const sandbox = args.slice(1).some((a) => /__builtins__/.test(a.text)) ? ' (an empty `__builtins__` is not a sandbox)' : '';
    const what = origin ? `${origin}: whoever controls it can run any code in this process` : 'a non-literal string: it runs any code that string contains';
    const message = `\`${fn}(${source.text.length > 40 ? '...' : source.text})\` executes ${what}${sandbox}; parse it instead (\`ast.literal_eval\`, \`json.loads\`, an \`ast\`-based evaluator)`;
    const literalEval =
      fn === 'eval' && args.length === 1 ? ensureImport(ctx.facts, 'ast', 'literal_eval') : null;
    ctx.report({
      node: call,
      message,
      severity: severe ? 'error' : undefined,
      edits: literalEval ? [...literalEval.edits, replaceNode(m.need('fn'), literalEval.ref)] : undefined,
    });
  },
});

/** Code generation from a literal template: `template % args`, `"...".format(...)`, an f-string. */
function isTemplate(n: Node): boolean {
  if (n.type === 'string') return n.namedChildren.some((c) => c?.type === 'interpolation');
  if (n.type === 'binary_operator' && n.childForFieldName('operator')?.type === '%') {
    const left = n.childForFieldName('left');
    return left?.type === 'string' || /^[A-Z_]*TEMPLATE|template$/i.test(left?.text ?? '');
  }
  if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'format' && fn.childForFieldName('object')?.type === 'string';
  }
  return false;
}

/** Binding constructs looked up by isGeneratedOrCompiled and untrustedOrigin (what they walked the body for). */
const ASSIGNMENTS = new Set(['assignment', 'augmented_assignment']);
const ASSIGNMENT = new Set(['assignment']);

/**
 * A local variable that only ever holds generated code (a literal template filled in) or a code object
 * (`compile(...)`, `loader.get_code(...)`): `code = f"def {name}(...)..."; exec(code, ns)`.
 */
function isGeneratedOrCompiled(source: Node, at: Node): boolean {
  if (source.type === 'call') return /(^|\.)(compile|get_code|_get_code|_get_module_code)$/.test(source.childForFieldName('function')?.text ?? '');
  if (source.type !== 'identifier') return false;
  const body = enclosingDef(at)?.childForFieldName('body');
  if (!body) return false;
  const values: Node[] = [];
  for (const a of bindersSpelling(body, source.text, ASSIGNMENTS)) {
    const right = a.childForFieldName('right');
    if (!right) continue;
    if (a.type === 'augmented_assignment') {
      if (!isTemplate(right) && !(right.type === 'string')) return false;
      continue;
    }
    values.push(right);
  }
  if (values.length === 0) return false;
  return values.every(
    (v) =>
      isTemplate(v) ||
      (v.type === 'string' && !v.namedChildren.some((c) => c?.type === 'interpolation')) ||
      (v.type === 'concatenated_string' && !v.text.includes('{')) ||
      (v.type === 'parenthesized_expression' && /^\(\s*(['"]|[rRbB]['"])/.test(v.text) && !/\{|\+\s*[A-Za-z_]/.test(v.text)) || (v.type === 'call' && /(^|\.)(compile|get_code|_get_code|_get_module_code|join)$/.test(v.childForFieldName('function')?.text ?? '') && (!/join$/.test(v.childForFieldName('function')!.text) || v.childForFieldName('function')!.childForFieldName('object')?.type === 'string')),
  );
}

/** The file talks to users or models (web / LLM frameworks), or the function is exposed as a tool or route. */
function isExposed(facts: FileFacts, def: Node | null): boolean {
  if (EXPOSED_MODULES.some((m) => facts.importsModule(m))) return true;
  for (let d = def; d; d = enclosingDef(d)) {
    if (decoratorsOf(d).some((dec) => EXPOSING_DECORATOR.test(decoratorCallee(dec).text))) return true;
  }
  return false;
}

/** A string literal without interpolation, a concatenation of such, or a module-level constant bound to one. */
function isConstant(facts: FileFacts, n: Node, depth: number): boolean {
  if (depth > 4) return false;
  switch (n.type) {
    case 'string':
      return !n.namedChildren.some((c) => c?.type === 'interpolation');
    case 'concatenated_string':
      return n.namedChildren.every((c) => !c || c.type === 'comment' || isConstant(facts, c, depth + 1));
    case 'parenthesized_expression':
      return n.namedChild(0) !== null && isConstant(facts, n.namedChild(0)!, depth + 1);
    case 'binary_operator':
      return (
        n.childForFieldName('operator')?.type === '+' &&
        isConstant(facts, n.childForFieldName('left')!, depth + 1) &&
        isConstant(facts, n.childForFieldName('right')!, depth + 1)
      );
    case 'identifier': {
      // UPPER_CASE module constants bound once to a literal.
      if (!/^[A-Z_][A-Z0-9_]*$/.test(n.text) || enclosingBinds(n)) return false;
      const values: Node[] = [];
      for (const stmt of facts.root.namedChildren) {
        const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
        if (a?.type === 'assignment' && a.childForFieldName('left')?.text === n.text && a.childForFieldName('right')) values.push(a.childForFieldName('right')!);
      }
      return values.length === 1 && isConstant(facts, values[0], depth + 1);
    }
    default:
      return false;
  }
}

function enclosingBinds(id: Node): boolean {
  const def = enclosingDef(id);
  return def !== null && parameterNames(def).includes(id.text);
}

/**
 * Where the evaluated text comes from, when it is outside input: "`expression`, a parameter of
 * `calculate`", "request data", "model output"... null when it cannot be traced.
 */
function untrustedOrigin(facts: FileFacts, expr: Node, at: Node): string | null {
  const def = enclosingDef(at);
  const params = def ? parameterNames(def).filter((p) => p !== 'self' && p !== 'cls') : [];
  const body = def?.childForFieldName('body') ?? null;
  const seen = new Set<string>();
  const visit = (e: Node, depth: number): string | null => {
    if (UNTRUSTED_TEXT.test(e.text)) return 'outside input (request, command line, environment or model output)';
    if (depth > 3) return null;
    for (const id of [e, ...findDescendants(e, (n) => n.type === 'identifier')].filter((n) => n.type === 'identifier')) {
      const p = id.parent;
      if (p?.type === 'attribute' && p.childForFieldName('attribute')?.equals(id)) continue;
      if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.equals(id)) continue;
      const name = id.text;
      if (seen.has(name)) continue;
      seen.add(name);
      if (params.includes(name)) return `\`${name}\`, a parameter of \`${def!.childForFieldName('name')!.text}\``;
      if (!body) continue;
      // One step back through local assignments: `expr = payload["formula"]`.
      for (const a of bindersSpelling(body, name, ASSIGNMENT).filter((n) => n.childForFieldName('left')?.text === name)) {
        const right = a.childForFieldName('right');
        const found = right ? visit(right, depth + 1) : null;
        if (found) return found.startsWith('`') ? `\`${name}\`, built from ${found}` : found;
      }
    }
    return null;
  };
  void facts;
  return visit(expr, 0);
}
