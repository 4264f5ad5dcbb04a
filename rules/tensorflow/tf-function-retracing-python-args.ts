import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  argumentFor,
  callArguments,
  calledTfFunction,
  enclosingLoops,
  FileFacts,
  findDescendants,
  isNestedScope,
  positionalArguments,
  pythonContainer,
  targetNames,
  unwrapIterable,
  valuesAssignedTo,
} from '../../server/analysis';

export default defineRule({
  id: 'tf-function-retracing-python-args',
  title: 'A tf.function is called with a Python value that changes on every call',
  category: 'tensorflow',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'tf-function-and-tracing',
  requires: ['tensorflow'],
  message: 'A Python number that changes every iteration is passed to a `tf.function`: each new value traces a new graph; pass a tensor',
  docs: {
    why:
      'A `tf.function` keys its traced graphs on the *values* of non-tensor arguments (and on the shapes and dtypes ' +
      'of tensor arguments). Passing a Python `int` or `float` that changes every iteration, such as the step ' +
      'counter, makes TensorFlow trace and optimise a new graph on every call, which is far slower than running ' +
      'eagerly and keeps every graph in memory.',
    instead:
      'Pass tensors: `step(x, tf.constant(i))` (or iterate `tf.range`), or declare `input_signature=[...]`. ' +
      'Python values that select a fixed mode (`training=True`) are fine, and so is an integer scaled geometrically ' +
      '(`size *= 2` per level of a pyramid), which takes only a few values, or an index the function uses to pick an item ' +
      'of a Python list (`variables[i]`), which selects structure a tensor could not.',
    example: {
      before: '@tf.function\ndef step(x, i): ...\nfor i in range(1000):\n    step(batch, i)',
      after: '@tf.function\ndef step(x, i): ...\nfor i in range(1000):\n    step(batch, tf.constant(i))',
    },
  },
  query: `
(call
  function: [(identifier) (attribute object: (identifier) @obj (#eq? @obj "self"))]
  arguments: (argument_list (_))) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const facts = ctx.facts;
    const traced = calledTfFunction(call, facts);
    if (!traced || traced.inputSignature) return;
    const loops = enclosingLoops(call);
    if (loops.length === 0) return;
    const varying = pythonNumbersIn(loops, facts);
    if (varying.size === 0) return;
    const name = call.childForFieldName('function')!.text;
    for (const arg of callArguments(call)) {
      const value = arg.type === 'keyword_argument' ? arg.childForFieldName('value') : arg;
      if (!value) continue;
      const culprit = varyingPythonValue(value, varying);
      if (!culprit) continue;
      // rigl's `get_rows(model, variables, masks, i, ...)` reads `variables[ind_l]`: an int that picks an item of a Python
      // list inside the traced body selects structure (a differently shaped variable), so a tensor would not do.
      if (value.type === 'identifier' && indexesPythonList(call, arg, traced.def, traced.isMethod, facts)) continue;
      ctx.report({
        node: arg,
        message: `\`${culprit}\` is a Python number that changes every iteration: each new value makes \`${name}\` trace a new graph; pass \`tf.constant(${culprit})\``,
      });
    }
  },
});

/**
 * Names holding Python numbers that change per iteration of the given loops: `range`/`enumerate`
 * counters, counters incremented with `+= <int>`, and names computed from them with plain
 * arithmetic (`lr = base * 0.9 ** epoch`).
 */
function pythonNumbersIn(loops: Node[], facts: FileFacts): Set<string> {
  const names = new Set<string>();
  for (const loop of loops) {
    if (loop.type === 'for_statement') {
      const left = loop.childForFieldName('left');
      const right = loop.childForFieldName('right');
      if (left && right) {
        if (right.type === 'call' && right.childForFieldName('function')?.text === 'range' && facts.isBuiltin('range', right)) {
          for (const n of targetNames(left)) names.add(n);
        } else if (unwrapIterable(right, facts).enumerated && (left.type === 'pattern_list' || left.type === 'tuple_pattern')) {
          const first = left.namedChild(0);
          if (first?.type === 'identifier') names.add(first.text);
        }
      }
    }
    const body = loop.childForFieldName('body');
    if (!body) continue;
    for (const stmt of findDescendants(body, (n) => n.type === 'augmented_assignment' || n.type === 'assignment', isNestedScope)) {
      const left = stmt.childForFieldName('left');
      const right = stmt.childForFieldName('right');
      if (left?.type !== 'identifier' || !right) continue;
      if (stmt.type !== 'augmented_assignment' || (right.type !== 'integer' && right.type !== 'float')) continue;
      // `grid_size *= 2` (`//= 2`): an integer scaled geometrically takes a handful of values (the grids of a feature
      // pyramid, the octaves of a scale loop) before it outgrows any size, so it traces a handful of graphs, once each.
      const op = stmt.childForFieldName('operator')?.type ?? stmt.children.find((c) => c && !c.isNamed)?.type;
      if (right.type === 'integer' && (op === '*=' || op === '//=') && Number(right.text) >= 2) continue;
      names.add(left.text);
    }
    // `lr = lr * 0.99` on a name that starts as a Python number (`lr = 0.1`): a number that changes every iteration.
    for (const stmt of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
      const left = stmt.childForFieldName('left');
      const right = stmt.childForFieldName('right');
      if (left?.type === 'identifier' && right && isPythonArithmetic(right, new Set([left.text])) && startsAsPythonNumber(left.text, loop, facts)) {
        names.add(left.text);
      }
    }
    // Plain arithmetic on those names, in document order.
    for (const stmt of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
      const left = stmt.childForFieldName('left');
      const right = stmt.childForFieldName('right');
      if (left?.type === 'identifier' && right && isPythonArithmetic(right, names)) names.add(left.text);
    }
  }
  return names;
}

/**
 * Every binding of name in the loop's scope is a number literal or arithmetic over name itself and literals
 * (`lr = 0.1` before the loop, `lr = lr * 0.99` in it), and one is a literal: a Python number throughout.
 */
function startsAsPythonNumber(name: string, loop: Node, facts: FileFacts): boolean {
  const values = valuesAssignedTo(name, loop, facts);
  const own = new Set([name]);
  const isNumber = (v: Node) => v.type === 'integer' || v.type === 'float' || (v.type === 'unary_operator' && /^-?\s*[\d.]/.test(v.text));
  return values.some(isNumber) && values.every((v) => isNumber(v) || isPythonArithmetic(v, own));
}

/** Arithmetic over numbers and known Python-number names only (no calls except int/float/round/min/max/abs). */
function isPythonArithmetic(expr: Node, names: Set<string>): boolean {
  let mentions = false;
  const ok = (n: Node): boolean => {
    switch (n.type) {
      case 'integer':
      case 'float':
        return true;
      case 'identifier':
        if (names.has(n.text)) mentions = true;
        return true;
      case 'binary_operator':
      case 'unary_operator':
      case 'parenthesized_expression':
        return n.namedChildren.every((c) => c === null || ok(c));
      case 'call': {
        const fn = n.childForFieldName('function');
        if (fn?.type !== 'identifier' || !['int', 'float', 'round', 'min', 'max', 'abs'].includes(fn.text)) return false;
        return (n.childForFieldName('arguments')?.namedChildren ?? []).every((c) => c === null || ok(c));
      }
      case 'attribute':
        return true; // config.base_lr and the like: a Python value, mentions decided by identifiers
      default:
        return false;
    }
  };
  return ok(expr) && mentions;
}

/** The varying name passed as (or inside a list/tuple/dict literal of) the argument, if any. */
function varyingPythonValue(value: Node, varying: Set<string>): string | null {
  if (value.type === 'identifier') return varying.has(value.text) ? value.text : null;
  if (value.type === 'list' || value.type === 'tuple' || value.type === 'dictionary') {
    for (const id of findDescendants(value, (n) => n.type === 'identifier', isNestedScope)) {
      if (varying.has(id.text) && id.parent?.type !== 'attribute' && id.parent?.type !== 'call') return id.text;
    }
  }
  return null;
}

/** Parameter kinds that bind one positional or keyword argument; a `*args`, `**kw` or bare `*` ends the positional run. */
const PLAIN_PARAMETERS = new Set(['identifier', 'default_parameter', 'typed_parameter', 'typed_default_parameter']);

/** The traced def's parameters that positional arguments fill, in order (without `self` for a method), up to the first splat or `*`. */
function positionalParameters(def: Node, isMethod: boolean): string[] {
  const names: string[] = [];
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || p.type === 'comment') continue;
    if (!PLAIN_PARAMETERS.has(p.type)) break;
    const name = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'));
    if (name) names.push(name.text);
  }
  return isMethod ? names.slice(1) : names;
}

/**
 * The parameter that `arg` of `call` binds is a subscript of a Python list, tuple or dict in the traced body (`variables[ind_l]`):
 * the container either a parameter that the call fills with one (`variables = []` in the caller), or a name the body binds to one.
 */
function indexesPythonList(call: Node, arg: Node, def: Node | null, isMethod: boolean, facts: FileFacts): boolean {
  const body = def?.childForFieldName('body');
  if (!def || !body) return false;
  const params = positionalParameters(def, isMethod);
  const param = arg.type === 'keyword_argument' ? arg.childForFieldName('name')?.text : params[positionalArguments(call).findIndex((a) => a.equals(arg))];
  if (!param) return false;
  const indexed = findDescendants(
    body,
    (n) => n.type === 'identifier' && n.text === param && n.parent?.type === 'subscript' && isOnlyKey(n, n.parent),
    isNestedScope,
  );
  return indexed.some((id) => {
    const container = id.parent!.childForFieldName('value');
    if (container?.type !== 'identifier') return false;
    const i = params.indexOf(container.text);
    if (i < 0) return pythonContainer(container, id, facts);
    const passed = argumentFor(call, container.text, i);
    return !!passed && pythonContainer(passed, call, facts);
  });
}

/** id is the one key of the subscript (`xs[i]`, not `xs[i, j]` or `xs[:i]`). */
function isOnlyKey(id: Node, subscript: Node): boolean {
  const keys = subscript.childrenForFieldName('subscript').filter((k) => k !== null && k.type !== 'comment');
  return keys.length === 1 && keys[0]!.equals(id);
}
