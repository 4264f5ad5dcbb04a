// Per-element numpy expressions: recognises the body of a Python loop or comprehension over
// ndarrays (`a[i] * 2 + b[i]`, `x + y` for `x, y in zip(a, b)`, `np.sqrt(x)`) and spells the
// whole-array expression (`a * 2 + b`). Used by numpy-python-loop and its siblings.
import type { FileFacts } from './facts';
import { isNumberLiteral, localTypes } from './localTypes';
import { bindingOf, localOccurrences, scopeOf } from './names';
import type { Node } from '../syntax/parser';
import { decoratorCallee, decoratorsOf } from './scopes';

const ARITH_OPS = new Set(['+', '-', '*', '/', '//', '%', '**']);
const COMPARE_OPS = new Set(['<', '>', '<=', '>=', '==', '!=']);
const NUMPY_ELEMENTWISE = new Set(
  [
    'sqrt',
    'exp',
    'expm1',
    'log',
    'log1p',
    'log2',
    'log10',
    'abs',
    'absolute',
    'fabs',
    'sin',
    'cos',
    'tan',
    'arcsin',
    'arccos',
    'arctan',
    'arctan2',
    'sinh',
    'cosh',
    'tanh',
    'square',
    'sign',
    'floor',
    'ceil',
    'rint',
    'maximum',
    'minimum',
    'power',
    'hypot',
    'isnan',
    'isfinite',
    'exp2',
    'cbrt',
  ].map((n) => `numpy.${n}`),
);
/** `math` functions with a numpy ufunc of the same meaning (numpy returns nan where math raises). */
const MATH_TO_NUMPY: Record<string, string> = {
  'math.sqrt': 'sqrt',
  'math.exp': 'exp',
  'math.log': 'log',
  'math.log2': 'log2',
  'math.log10': 'log10',
  'math.log1p': 'log1p',
  'math.sin': 'sin',
  'math.cos': 'cos',
  'math.tan': 'tan',
  'math.tanh': 'tanh',
  'math.fabs': 'fabs',
  'math.floor': 'floor',
  'math.ceil': 'ceil',
  'math.hypot': 'hypot',
};

export interface ElementEnv {
  facts: FileFacts;
  /** Loop variables standing for one element of an array: `x` → `a` (for `x in a`). */
  elements: Map<string, Node>;
  /** The index variable of a `range` loop, when arrays are read as `a[i]`. */
  index?: string;
  /** `np` (or its alias) for emitting numpy calls; null when numpy is not imported under a module name. */
  numpyRef: string | null;
  /** Names that must not appear (e.g. the output array of the loop). */
  forbidden?: Set<string>;
  /** Names read as `p[i]` taken for arrays though nothing types them (parameters): the caller says "if". */
  assumedArrays?: ReadonlySet<string>;
}

export interface ElementResult {
  /** Whole-array expression text. */
  text: string;
  /** The arrays read, by source text. */
  arrays: Map<string, Node>;
  /** Uses math.* / builtin abs, which numpy evaluates differently for invalid input. */
  usesMath: boolean;
  /** Uses builtin max/min of two values (np.maximum/np.minimum propagate NaN; max/min return a side by argument order). */
  usesMinMax: boolean;
  /** Chooses per element (`a if c else b` → `np.where`): numpy evaluates both sides for every element, the loop one. */
  usesWhere: boolean;
  /** Top-level node type is an operator (needs parentheses in operator context). */
  compound: boolean;
  /** Loop-invariant names and attributes taken as scalars (`scale`, `self.alpha`): an array among them would broadcast. */
  invariants: Node[];
}

/** The whole-array form of a per-element expression, or null if it is anything else. */
export function vectorizeElement(expr: Node, env: ElementEnv): ElementResult | null {
  const arrays = new Map<string, Node>();
  const state: WalkState = { usesMath: false, usesMinMax: false, usesWhere: false, invariants: [] };
  const text = walk(expr, env, arrays, state);
  if (text === null || arrays.size === 0) return null;
  const compound = expr.type === 'binary_operator' || expr.type === 'comparison_operator' || expr.type === 'unary_operator';
  return { text, arrays, usesMath: state.usesMath, usesMinMax: state.usesMinMax, usesWhere: state.usesWhere, compound, invariants: state.invariants };
}

/**
 * The whole-array form of a per-element choice among values, written as an `if`/`elif`/`else` chain whose branches
 * each produce one value (`out.append(v)`, `out[i] = v`): `np.where(c, a, b)` for two branches, `np.select` for more.
 * Null when a condition or value is not element-wise, or no array is read.
 */
export function vectorizeChoice(conditions: Node[], choices: Node[], otherwise: Node, env: ElementEnv): ElementResult | null {
  if (!env.numpyRef || conditions.length === 0 || conditions.length !== choices.length) return null;
  const arrays = new Map<string, Node>();
  const state: WalkState = { usesMath: false, usesMinMax: false, usesWhere: true, invariants: [] };
  const conds = conditions.map((c) => condition(c, env, arrays, state));
  const values = [...choices, otherwise].map((v) => walk(v, env, arrays, state));
  if (conds.some((c) => c === null) || values.some((v) => v === null) || arrays.size === 0) return null;
  const np = env.numpyRef;
  const text =
    conds.length === 1
      ? `${np}.where(${conds[0]}, ${values[0]}, ${values[1]})`
      : `${np}.select([${conds.join(', ')}], [${values.slice(0, -1).join(', ')}], default=${values[values.length - 1]})`;
  return { text, arrays, usesMath: state.usesMath, usesMinMax: state.usesMinMax, usesWhere: true, compound: false, invariants: state.invariants };
}

/**
 * A per-element truth value: a comparison, or `and` / `or` / `not` of such, which become `&`, `|` and `~` on boolean
 * arrays. Other operands of `and` / `or` are not: on numbers they return one of the operands, not a truth value.
 */
function condition(node: Node, env: ElementEnv, arrays: Map<string, Node>, state: WalkState): string | null {
  switch (node.type) {
    case 'parenthesized_expression': {
      const inner = node.namedChild(0);
      return inner && node.namedChildCount === 1 ? condition(inner, env, arrays, state) : null;
    }
    case 'comparison_operator':
      return walk(node, env, arrays, state);
    case 'boolean_operator': {
      // `&` and `|` bind tighter than comparisons: every operand is parenthesised.
      const op = node.childForFieldName('operator')?.type;
      const l = condition(node.childForFieldName('left')!, env, arrays, state);
      const r = l === null ? null : condition(node.childForFieldName('right')!, env, arrays, state);
      if (l === null || r === null) return null;
      return op === 'and' ? `(${l}) & (${r})` : op === 'or' ? `(${l}) | (${r})` : null;
    }
    case 'not_operator': {
      const t = condition(node.childForFieldName('argument')!, env, arrays, state);
      return t === null ? null : `~(${t})`;
    }
    default:
      return null;
  }
}

interface WalkState {
  usesMath: boolean;
  usesMinMax: boolean;
  usesWhere: boolean;
  invariants: Node[];
}

/** Builtins of two values with an element-wise ufunc. */
const BUILTIN_PAIRWISE: Record<string, string> = { max: 'maximum', min: 'minimum' };

function walk(node: Node, env: ElementEnv, arrays: Map<string, Node>, state: WalkState): string | null {
  const types = localTypes(env.facts);
  switch (node.type) {
    case 'integer':
    case 'float':
      return node.text;
    case 'identifier': {
      const array = env.elements.get(node.text);
      if (array) {
        arrays.set(array.text, array);
        return array.text;
      }
      if (node.text === env.index || env.forbidden?.has(node.text)) return null;
      // A loop-invariant scalar; a known array or frame would broadcast differently.
      if (types.typeOf(node)) return null;
      state.invariants.push(node);
      return node.text;
    }
    case 'attribute': {
      // `self.scale`, `cfg.alpha`: loop-invariant values, as long as they are not known arrays.
      let root: Node | null = node;
      while (root?.type === 'attribute') root = root.childForFieldName('object');
      if (root?.type !== 'identifier' || env.elements.has(root.text) || root.text === env.index || env.forbidden?.has(root.text)) return null;
      if (env.facts.binding(root.text)) return null;
      if (types.typeOf(node)) return null;
      state.invariants.push(node);
      return node.text;
    }
    case 'subscript': {
      if (!env.index) return null;
      const value = node.childForFieldName('value');
      const keys = node.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
      if (!value || keys.length !== 1 || keys[0]!.type !== 'identifier' || keys[0]!.text !== env.index) return null;
      if (value.type !== 'identifier' && value.type !== 'attribute') return null;
      if (env.forbidden?.has(value.text)) return null;
      if (!types.is(value, 'ndarray') && !(value.type === 'identifier' && env.assumedArrays?.has(value.text))) return null;
      arrays.set(value.text, value);
      return value.text;
    }
    case 'conditional_expression': {
      // `a if c else b`: one of two element-wise values per element, `np.where(c, a, b)`.
      const [then, test, otherwise] = node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      if (!env.numpyRef || !then || !test || !otherwise || node.namedChildCount !== 3) return null;
      const c = condition(test, env, arrays, state);
      const a = c === null ? null : walk(then, env, arrays, state);
      const b = a === null ? null : walk(otherwise, env, arrays, state);
      if (c === null || a === null || b === null) return null;
      state.usesWhere = true;
      return `${env.numpyRef}.where(${c}, ${a}, ${b})`;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChild(0);
      if (!inner || node.namedChildCount !== 1) return null;
      const t = walk(inner, env, arrays, state);
      return t === null ? null : `(${t})`;
    }
    case 'unary_operator': {
      const op = node.childForFieldName('operator')?.type;
      const arg = node.childForFieldName('argument');
      if ((op !== '-' && op !== '+') || !arg) return null;
      const t = walk(arg, env, arrays, state);
      return t === null ? null : `${op}${t}`;
    }
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.type ?? '';
      if (!ARITH_OPS.has(op)) return null;
      const l = walk(node.childForFieldName('left')!, env, arrays, state);
      const r = l === null ? null : walk(node.childForFieldName('right')!, env, arrays, state);
      return l === null || r === null ? null : `${l} ${op} ${r}`;
    }
    case 'comparison_operator': {
      const ops = node.children.filter((c) => c && !c.isNamed);
      if (ops.length !== 1 || !COMPARE_OPS.has(ops[0]!.type)) return null;
      const operands = node.namedChildren.filter((c): c is Node => c !== null);
      if (operands.length !== 2) return null;
      const l = walk(operands[0], env, arrays, state);
      const r = l === null ? null : walk(operands[1], env, arrays, state);
      return l === null || r === null ? null : `${l} ${ops[0]!.type} ${r}`;
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const args = node.childForFieldName('arguments');
      if (!fn || args?.type !== 'argument_list') return null;
      const argNodes = args.namedChildren.filter((c): c is Node => c !== null);
      if (argNodes.some((a) => a.type === 'comment' || a.type === 'keyword_argument' || a.type === 'list_splat' || a.type === 'dictionary_splat')) return null;
      const q = env.facts.qualifiedName(fn);
      let callee: string | null = null;
      if (q && NUMPY_ELEMENTWISE.has(q)) callee = fn.text;
      else if (q && MATH_TO_NUMPY[q] && env.numpyRef) {
        callee = `${env.numpyRef}.${MATH_TO_NUMPY[q]}`;
        state.usesMath = true;
      } else if (fn.type === 'identifier' && fn.text === 'abs' && env.facts.isBuiltin('abs', node) && env.numpyRef) {
        callee = `${env.numpyRef}.abs`;
      } else if (fn.type === 'identifier' && fn.text === 'pow' && argNodes.length === 2 && env.facts.isBuiltin('pow', node) && env.numpyRef) {
        // pow(x[i], 2) of a numpy scalar is np.power on it.
        callee = `${env.numpyRef}.power`;
      } else if (fn.type === 'identifier' && BUILTIN_PAIRWISE[fn.text] && argNodes.length === 2 && env.facts.isBuiltin(fn.text, node) && env.numpyRef) {
        // max(a[i], b[i]) → np.maximum(a, b): one value per element, as long as no NaN meets the comparison.
        callee = `${env.numpyRef}.${BUILTIN_PAIRWISE[fn.text]}`;
        state.usesMinMax = true;
      }
      if (!callee) return null;
      const parts: string[] = [];
      for (const a of argNodes) {
        const t = walk(a, env, arrays, state);
        if (t === null) return null;
        parts.push(t);
      }
      return `${callee}(${parts.join(', ')})`;
    }
    default:
      return null;
  }
}

const SCALAR_ANNOTATIONS = new Set(['int', 'float']);
const SCALAR_BUILTINS = new Set(['len', 'int', 'float']);

/**
 * True when every binding of the name read at `id` (in the innermost scope that binds it) gives a plain Python
 * number: `alpha = 0.5`, `n = len(xs)`, `k = 2 * m` of such names, or a parameter annotated `int` / `float`.
 * An unannotated parameter, even with a number default, may be passed an array, so it is not known.
 */
export function isKnownScalar(id: Node, facts: FileFacts, depth = 0): boolean {
  if (id.type !== 'identifier' || depth > 3) return false;
  for (let scope = scopeOf(id); ; scope = scopeOf(scope)) {
    const binders = localOccurrences(scope, id.text).filter((n) => bindingOf(n) !== null);
    if (binders.length > 0) return binders.every((n) => scalarBinding(n, facts, depth)) || guardedParameter(id, scope, binders, facts);
    if (!scope.parent) return false;
  }
}

/**
 * The name is a parameter and the read sits in the body of `if isinstance(name, int):`. Other bindings may only be in
 * that statement's `elif` / `else` branches (`else: size = to_timedelta(size)`), which the guarded body never sees.
 */
function guardedParameter(id: Node, scope: Node, binders: Node[], facts: FileFacts): boolean {
  if (!binders.some((n) => /parameter/.test(bindingOf(n)!.type))) return false;
  for (let n: Node | null = id; n && !n.equals(scope); n = n.parent) {
    const branch: Node | null = n.parent;
    if (n.type !== 'block' || branch?.type !== 'if_statement' || !branch.childForFieldName('consequence')?.equals(n)) continue;
    if (!conjuncts(branch.childForFieldName('condition')).some((c) => scalarInstanceTest(c, id.text, facts))) continue;
    const alternatives = branch.childrenForFieldName('alternative').filter((a): a is Node => a !== null);
    const inAlternative = (b: Node) => alternatives.some((a) => a.startIndex <= b.startIndex && b.endIndex <= a.endIndex);
    return binders.every((b) => /parameter/.test(bindingOf(b)!.type) || inAlternative(b));
  }
  return false;
}

/** `a and b and c` → [a, b, c] (parentheses dropped). */
function conjuncts(n: Node | null): Node[] {
  if (!n) return [];
  if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) return conjuncts(n.namedChild(0));
  if (n.type === 'boolean_operator' && n.childForFieldName('operator')?.type === 'and')
    return [...conjuncts(n.childForFieldName('left')), ...conjuncts(n.childForFieldName('right'))];
  return [n];
}

/** `isinstance(name, int)`, `isinstance(name, (int, float))`: the builtins, so the name holds one Python number. */
function scalarInstanceTest(n: Node, name: string, facts: FileFacts): boolean {
  const fn = n.type === 'call' ? n.childForFieldName('function') : null;
  if (fn?.type !== 'identifier' || fn.text !== 'isinstance' || !facts.isBuiltin('isinstance', n)) return false;
  const args = n.childForFieldName('arguments')?.namedChildren.filter((a) => a !== null && a.type !== 'comment') ?? [];
  if (args.length !== 2 || args[0]!.type !== 'identifier' || args[0]!.text !== name) return false;
  const types = args[1]!.type === 'tuple' ? args[1]!.namedChildren.filter((t) => t !== null && t.type !== 'comment') : [args[1]];
  return types.length > 0 && types.every((t) => t!.type === 'identifier' && SCALAR_ANNOTATIONS.has(t!.text) && facts.isBuiltin(t!.text, n));
}

function scalarBinding(target: Node, facts: FileFacts, depth: number): boolean {
  const binder = bindingOf(target)!;
  if (binder.type === 'typed_parameter' || binder.type === 'typed_default_parameter')
    return SCALAR_ANNOTATIONS.has(binder.childForFieldName('type')?.text ?? '');
  if (binder.type !== 'assignment' || !binder.childForFieldName('left')?.equals(target)) return false;
  const value = binder.childForFieldName('right');
  return !!value && scalarExpression(value, facts, depth);
}

function scalarExpression(n: Node, facts: FileFacts, depth: number): boolean {
  if (isNumberLiteral(n)) return true;
  if (n.type === 'identifier') return isKnownScalar(n, facts, depth + 1);
  if (n.type === 'parenthesized_expression') return n.namedChildCount === 1 && scalarExpression(n.namedChild(0)!, facts, depth);
  if (n.type === 'unary_operator') return scalarExpression(n.childForFieldName('argument')!, facts, depth);
  if (n.type === 'binary_operator')
    return (
      ARITH_OPS.has(n.childForFieldName('operator')?.type ?? '') &&
      scalarExpression(n.childForFieldName('left')!, facts, depth) &&
      scalarExpression(n.childForFieldName('right')!, facts, depth)
    );
  const fn = n.type === 'call' ? n.childForFieldName('function') : null;
  return fn?.type === 'identifier' && SCALAR_BUILTINS.has(fn.text) && facts.isBuiltin(fn.text, n);
}

/** One part of a property's return annotation that is a scalar: a number, or a pandas or datetime time point, span or offset. */
const SCALAR_RETURN = /^(int|float|bool|((pd|pandas)\.(offsets\.)?)(DateOffset|Timedelta|Timestamp|BaseOffset)|(datetime\.)?(timedelta|datetime|date))$/;

/**
 * `self.x` where the class defines `x` as a property whose return annotation names only scalars (`def freq(self) ->
 * pd.DateOffset | int`, darts' TimeSeries): one value, which a whole Series or Index broadcasts as a lambda would add it.
 */
export function isScalarProperty(attribute: Node): boolean {
  if (attribute.type !== 'attribute' || attribute.childForFieldName('object')?.text !== 'self') return false;
  const name = attribute.childForFieldName('attribute')?.text;
  let cls: Node | null = attribute.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  return (cls?.childForFieldName('body')?.namedChildren ?? []).some((child) => {
    const def = child?.type === 'decorated_definition' ? child.childForFieldName('definition') : null;
    const annotation = def?.childForFieldName('return_type')?.text;
    return (
      def?.type === 'function_definition' &&
      def.childForFieldName('name')?.text === name &&
      decoratorsOf(def).some((d) => decoratorCallee(d).text === 'property') &&
      !!annotation &&
      annotation.split('|').every((part) => SCALAR_RETURN.test(part.trim()))
    );
  });
}

/** How numpy is spelled in the file (`np`), when imported as a module. */
export function numpyModuleRef(facts: FileFacts): string | null {
  return moduleRef(facts, 'numpy');
}

/** How a module is spelled in the file (`pd` for pandas), when imported unconditionally as a module. */
export function moduleRef(facts: FileFacts, module: string): string | null {
  for (const b of facts.importsOf(module)) {
    if (b.target === module && b.unconditional && !b.local.startsWith('\0')) return b.local;
  }
  return null;
}
