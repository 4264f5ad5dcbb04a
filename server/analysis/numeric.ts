// Small syntax helpers shared by the numpy, pandas and numba rules.
import type { FileFacts } from './facts';
import { PYTHON_KEYWORDS, PYTHON_SOFT_KEYWORDS, isVariable } from './names';
import type { Node } from '../syntax/parser';
import { decoratorCallee, decoratorsOf, findDescendants, statementStartingBefore } from './scopes';
import { keywordValues } from './callArgs';
import { namesPickedFrom, reexportedName } from './values/workspace';
import { lintMemo } from './nodeMemo';

/** True for a plain Python identifier that is not a keyword, nor a soft one: a generated name should be neither. */
export function isIdentifierName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && !PYTHON_KEYWORDS.has(s) && !PYTHON_SOFT_KEYWORDS.has(s);
}

/**
 * How foldInteger reads a name: the integer it stands for, or null. Each caller has its own notion of a name that holds
 * a constant (bound once where it is read, every assignment an integer...); `fold` reads a bound value one level deeper.
 */
export type IntegerName = (id: Node, fold: (value: Node) => number | null) => number | null;

/**
 * An integer the source spells: a literal (`1_000`, `0x20`), parentheses, `+ - * //` of such when `arithmetic` is on,
 * and names as `name` reads them; null for anything else, a literal past the exact range, or past a few levels. The one
 * folding of sizes and counts (a DataLoader's batch size, a `range(...)`'s length) the analysis and the rules share.
 */
export function foldInteger(n: Node, name: IntegerName, arithmetic = true, depth = 0): number | null {
  if (depth > 4) return null;
  const fold = (m: Node) => foldInteger(m, name, arithmetic, depth + 1);
  if (n.type === 'integer') {
    const value = Number(n.text.replace(/_/g, ''));
    return Number.isSafeInteger(value) ? value : null;
  }
  if (n.type === 'identifier') return name(n, fold);
  if (!arithmetic) return null;
  if (n.type === 'parenthesized_expression' && n.namedChildCount === 1) return fold(n.namedChild(0)!);
  if (n.type !== 'binary_operator') return null;
  const left = fold(n.childForFieldName('left')!);
  const right = left === null ? null : fold(n.childForFieldName('right')!);
  if (left === null || right === null) return null;
  switch (n.childForFieldName('operator')?.text) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '//':
      return right === 0 ? null : Math.floor(left / right);
    default:
      return null;
  }
}

/** The value of a plain string literal (no f-string, no interpolation, no escapes), or null. */
export function stringLiteralValue(node: Node | null | undefined): string | null {
  if (!node || node.type !== 'string') return null;
  const start = node.namedChildren.find((c) => c?.type === 'string_start');
  if (!start || /[fFbB]/.test(start.text)) return null;
  const parts = node.namedChildren.filter((c) => c && c.type !== 'string_start' && c.type !== 'string_end');
  if (parts.length === 0) return '';
  if (parts.length !== 1 || parts[0]!.type !== 'string_content') return null;
  const text = parts[0]!.text;
  if (text.includes('\\')) return null;
  return text;
}

/** The `string_start` of an f-string (`f"`, `rf'`, `Fr"""`), whose quote and prefix a rewrite keeps; null for any other string. */
export function fStringStart(node: Node): Node | null {
  const start = node.type === 'string' ? node.namedChildren.find((c) => c?.type === 'string_start') : null;
  return start && /^[rR]?[fF][rR]?['"]/.test(start.text) ? start : null;
}

/** Decorator callees from numba (`njit`, `numba.jit(...)`, `cuda.jit`, `vectorize`...) on def, also through a module of the workspace that re-exports them. */
export function numbaDecorators(facts: FileFacts, def: Node): { decorator: Node; name: string }[] {
  const out: { decorator: Node; name: string }[] = [];
  for (const d of decoratorsOf(def)) {
    const q = numbaName(facts, facts.qualifiedName(decoratorCallee(d)));
    if (q) out.push({ decorator: d, name: q });
  }
  return out;
}

/** Per file: decorator names imported from the project's own modules, resolved to numba's (null: not numba's). */
const reexported = new WeakMap<FileFacts, Map<string, string | null>>();

/**
 * The numba name `qualified` stands for: itself when it is numba's, else what a module of the workspace re-exports
 * under a compiling decorator's name (`from sktime.utils.numba.njit import njit`, a module that binds `njit` by
 * `from numba import njit` and falls back to a stub without numba). Null for anything else.
 */
function numbaName(facts: FileFacts, qualified: string | null): string | null {
  if (!qualified) return null;
  if (qualified === 'numba' || qualified.startsWith('numba.')) return qualified;
  const origin = facts.origin;
  if (!origin?.filePath || !origin.modules || !COMPILING_DECORATORS.has(qualified.split('.').pop() ?? '')) return null;
  let known = reexported.get(facts);
  if (!known) reexported.set(facts, (known = new Map()));
  let name = known.get(qualified);
  if (name === undefined) {
    const target = reexportedName(origin.filePath, qualified, origin.modules, facts.tree.language);
    name = target === 'numba' || target?.startsWith('numba.') ? target : null;
    known.set(qualified, name);
  }
  return name;
}

/**
 * Last names of the decorators that compile a function to machine code: numba's `njit`, `jit`, `vectorize`,
 * `guvectorize`, `stencil`, `cfunc` (and `cuda.jit`, `jax.jit`), and `jitclass`, which compiles every method of its
 * class in nopython mode. The name alone is evidence, wherever it is imported
 * from: projects that keep numba optional re-export its decorators from a module of their own (sktime's
 * `sktime.utils.numba.njit`, which falls back to an identity decorator without numba), so the import never names
 * numba. No library uses these names for a decorator that leaves loops interpreted except numpy's `vectorize`, and
 * calling a compiled loop "a Python loop" is a false claim where staying silent on an uncompiled one is a miss.
 */
const COMPILING_DECORATORS = new Set(['njit', 'jit', 'vectorize', 'guvectorize', 'stencil', 'cfunc', 'jitclass']);

/**
 * Per file: does its text spell a compiling decorator's name at all (the cheap gate before walking up a node's defs).
 * Asked through the word index, not a search of the whole text: an incremental lint carries the index across an edit,
 * where a regular expression over a 12k-line file's text cost a third of a millisecond per keystroke.
 */
const mayCompile = lintMemo((facts) => [...COMPILING_DECORATORS, 'nopython'].some((name) => facts.wordOffsets(name).length > 0));

/** True for a decorator that compiles its function: any of numba's, or one named like them (see COMPILING_DECORATORS). */
function compilingDecorator(facts: FileFacts, decorator: Node): boolean {
  const callee = decoratorCallee(decorator);
  const q = facts.qualifiedName(callee);
  if (q === 'numba' || q?.startsWith('numba.')) return true;
  if (q?.startsWith('numpy.')) return false; // np.vectorize calls the Python function once per element
  const last = (q ?? callee.text).split('.').pop() ?? '';
  return COMPILING_DECORATORS.has(last) || passesNopython(decorator);
}

/**
 * `@jcompile('float64(float64)', nopython=True)`: `nopython=` is numba's own keyword, so the decorator is numba's jit
 * under a project's alias (pvlib binds `jcompile = jit` when numba imports, a no-op decorator otherwise).
 */
function passesNopython(decorator: Node): boolean {
  const call = decorator.type === 'call' ? decorator : null;
  return (call?.childForFieldName('arguments')?.namedChildren ?? []).some(
    (a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'nopython',
  );
}

/**
 * Decorators (fully qualified) of other compilers that turn a def into something other than a plain Python function:
 * TorchScript, torch.compile, tf.function's graph, Cython's pure-Python mode. Wrapping such a def in Python-level
 * machinery (an lru_cache around it, a recursive call through the cache) breaks or bypasses the compiled code.
 */
const OTHER_COMPILERS = new Set([
  'torch.jit.script',
  'torch.jit.script_method',
  'torch.compile',
  'tensorflow.function',
  'jax.jit',
  'cython.compile',
  'cython.cfunc',
  'cython.ccall',
  'cython.inline',
]);

/** True when def is compiled by a JIT or ahead-of-time decorator: numba's (or named like them), TorchScript, torch.compile, tf.function, jax.jit, Cython's. */
export function compiledByDecorator(facts: FileFacts, def: Node): boolean {
  return decoratorsOf(def).some((d) => compilingDecorator(facts, d) || OTHER_COMPILERS.has(facts.qualifiedName(decoratorCallee(d)) ?? ''));
}

/**
 * True when node sits inside a function compiled by numba or a decorator named like numba's (where explicit loops are
 * the idiom), or inside a method of a `@jitclass` class (numba compiles all of them).
 */
export function insideNumbaFunction(facts: FileFacts, node: Node): boolean {
  if (!mayCompile(facts)) return false;
  for (let n = node.parent; n; n = n.parent) {
    const definition = n.type === 'function_definition' || n.type === 'class_definition';
    if (definition && decoratorsOf(n).some((d) => compilingDecorator(facts, d))) return true;
  }
  return false;
}

/** A name or a chain of attributes on one (`ids`, `out.ids`, `self.model.weight`): no subscript, no call. */
export function isNameChain(node: Node): boolean {
  const object = node.type === 'attribute' ? node.childForFieldName('object') : null;
  return node.type === 'identifier' || (object !== null && isNameChain(object));
}

/**
 * An expression that can be evaluated twice with the same result and no side effects:
 * a name, `a.b.c`, or subscripts of those by literals (`df["price"]`).
 */
export function isPureReference(node: Node): boolean {
  switch (node.type) {
    case 'identifier':
      return true;
    case 'attribute': {
      const obj = node.childForFieldName('object');
      return !!obj && isPureReference(obj);
    }
    case 'subscript': {
      const value = node.childForFieldName('value');
      const keys = node.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
      return !!value && isPureReference(value) && keys.every((k) => k && isLiteral(k));
    }
    default:
      return false;
  }
}

/** A number, string (non-f), True/False/None literal, or a list/tuple of those. */
export function isLiteral(node: Node): boolean {
  switch (node.type) {
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
      return true;
    case 'string':
      return stringLiteralValue(node) !== null;
    case 'unary_operator': {
      const arg = node.childForFieldName('argument');
      return !!arg && (arg.type === 'integer' || arg.type === 'float');
    }
    case 'list':
    case 'tuple':
      return node.namedChildren.every((c) => !c || c.type === 'comment' || isLiteral(c));
    default:
      return false;
  }
}

/** Identifiers named `name` inside node, including inside nested scopes. */
export function identifiersNamed(node: Node, name: string): Node[] {
  return findDescendants(node, (n) => n.type === 'identifier' && n.text === name);
}

/**
 * True when the value `name` holds at offset may be read later in scope: some use follows, and the
 * first one is not an unconditional rebinding (a `for` target or assignment in the same block as
 * `statement`, which then kills the old value).
 */
export function usedAfter(scope: Node, name: string, offset: number, statement?: Node): boolean {
  const later = identifiersNamed(scope, name).filter((id) => id.startIndex >= offset && isVariable(id));
  if (later.length === 0) return false;
  const first = later[0];
  if (statement && isAssignmentTarget(first)) {
    let s = first;
    while (s.parent && s.parent.type !== 'block' && s.parent.type !== 'module') s = s.parent;
    const inner = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const rhs = inner?.type === 'assignment' ? inner.childForFieldName('right') : s.type === 'for_statement' ? s.childForFieldName('right') : null;
    const readsItself = rhs ? identifiersNamed(rhs, name).length > 0 || rhs.text === name : true;
    if (s.parent && statement.parent?.equals(s.parent) && !readsItself) return false;
  }
  return true;
}

/** True when the node is the target of an assignment, augmented assignment, `del` or a for loop. */
export function isAssignmentTarget(node: Node): boolean {
  let child = node;
  for (let p = node.parent; p; child = p, p = p.parent) {
    if (
      p.type === 'pattern_list' ||
      p.type === 'tuple_pattern' ||
      p.type === 'list_pattern' ||
      p.type === 'tuple' ||
      p.type === 'list' ||
      p.type === 'parenthesized_expression'
    )
      continue;
    if (p.type === 'assignment' || p.type === 'augmented_assignment') return p.childForFieldName('left')?.equals(child) ?? false;
    if (p.type === 'for_statement' || p.type === 'for_in_clause') return p.childForFieldName('left')?.equals(child) ?? false;
    if (p.type === 'delete_statement') return true;
    if (p.type === 'as_pattern_target' || p.type === 'named_expression') return true;
    return false;
  }
  return false;
}

/** What a numba decorator compiles, and with which keyword options. */
export interface JitDecorator {
  /** The decorator expression (`njit`, `numba.jit(parallel=True)`). */
  decorator: Node;
  /** Fully qualified callee: `numba.njit`, `numba.jit`, `numba.cuda.jit`, `numba.vectorize`... */
  name: string;
  /** The call node when the decorator has arguments. */
  call: Node | null;
  /** Keyword arguments by name → value node. */
  keywords: Map<string, Node>;
  /** True when the function is compiled in nopython mode (njit, jit without object-mode options, cuda, ufuncs). */
  nopython: boolean;
  /** `parallel=True` was passed. */
  parallel: boolean;
}

const NOPYTHON_DECORATORS = new Set([
  'numba.njit',
  'numba.jit',
  'numba.cuda.jit',
  'numba.vectorize',
  'numba.guvectorize',
  'numba.stencil',
  'numba.cfunc',
  'numba.core.decorators.njit',
  'numba.core.decorators.jit',
]);

/** The numba compilation decorator on def, if any. */
export function jitDecorator(facts: FileFacts, def: Node): JitDecorator | null {
  for (const { decorator, name } of numbaDecorators(facts, def)) {
    if (!NOPYTHON_DECORATORS.has(name)) continue;
    const call = decorator.type === 'call' ? decorator : null;
    const keywords = call ? keywordValues(call) : new Map<string, Node>();
    const objectMode = keywords.get('forceobj')?.text === 'True' || keywords.get('nopython')?.text === 'False' || keywords.get('looplift')?.text === 'True';
    return { decorator, name, call, keywords, nopython: !objectMode, parallel: keywords.get('parallel')?.text === 'True' };
  }
  return null;
}

/** The innermost def around node that numba compiles, with its decorator. */
export function enclosingJit(facts: FileFacts, node: Node): { def: Node; jit: JitDecorator } | null {
  if (!facts.importsModule('numba')) return null;
  if (!inAnyFunction(facts, node)) return null;
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition') {
      const jit = jitDecorator(facts, n);
      return jit ? { def: n, jit } : null;
    }
  }
  return null;
}

/**
 * Per file: the top-level statements, and whether each (by id) holds a def. A walk up `.parent` costs the
 * node's depth squared (tree-sitter descends from the root for each parent), so per call of a deeply nested
 * module-level expression it was cubic: 1,000 nested calls cost numba-unsupported-in-njit 2.4 s (issue 23).
 */
const functionStatements = new WeakMap<FileFacts, { statements: Node[]; hasDef: Map<number, boolean> }>();

/** False when `node` is in a top-level statement that holds no def (found by offset, without walking up). */
function inAnyFunction(facts: FileFacts, node: Node): boolean {
  let known = functionStatements.get(facts);
  if (!known) {
    known = { statements: facts.root.namedChildren.filter((c): c is Node => c !== null), hasDef: new Map() };
    functionStatements.set(facts, known);
  }
  const { statements, hasDef } = known;
  const statement = statementStartingBefore(statements, node.startIndex);
  if (!statement || node.startIndex >= statement.endIndex) return true; // not inside one: walk up as before
  let has = hasDef.get(statement.id);
  if (has === undefined) {
    has = statement.type === 'function_definition' || statement.descendantsOfType('function_definition').length > 0;
    hasDef.set(statement.id, has);
  }
  return has;
}

/**
 * True when the function around `node` is compiled by a call rather than a decorator: `kernel = njit(kernel)`,
 * `fast = numba.jit(nopython=True)(kernel)`. Asked of that function only, never of the whole file:
 * a file that imports numba for one kernel still gets advice on its other loops.
 */
export function compiledByCall(facts: FileFacts, node: Node): boolean {
  if (!mayCompile(facts)) return false;
  let def: Node | null = node.type === 'function_definition' ? node : null;
  for (let n = node.parent; n && !def; n = n.parent) if (n.type === 'function_definition') def = n;
  const name = def?.childForFieldName('name')?.text;
  return !!name && namesCompiledByCall(facts).has(name);
}

/**
 * The names a line spells as a call's argument after `jit` (`njit(kernel)`, `numba.jit(nopython=True)(kernel, ...)`), read
 * once per lint: searched for each function asked about, the text's every line was scanned again per rule match.
 */
const namesCompiledByCall = lintMemo((facts) => {
  const names = new Set<string>();
  for (const jit of facts.text.matchAll(/jit\b[^\n]*/g)) for (const arg of jit[0].matchAll(/\(\s*([\p{L}\p{N}_]+)\s*[,)]/gu)) names.add(arg[1]);
  return names;
});

/**
 * True when numba compiles the function around `node`, by a decorator or by a call. Its loops run as machine code,
 * so a rewrite into a generator, `sum(...)`, `Counter` or `"".join` gains nothing there and may not even compile
 * (nopython mode refuses a generator expression: "The use of yield in a closure is unsupported").
 */
export function compiledByNumba(facts: FileFacts, node: Node): boolean {
  return insideNumbaFunction(facts, node) || compiledByCall(facts, node);
}

/**
 * The names of the module-level functions this file compiles with a decorator (`@njit def step`, `@stencil def blur`):
 * where a benchmark or an example keeps the compiled twin of a pure-Python function.
 */
export const compiledFunctionNames = lintMemo((facts): ReadonlySet<string> => {
  const found = new Set<string>();
  if (!mayCompile(facts)) return found;
  for (const def of facts.captures.functions) {
    const holder = def.parent?.type === 'decorated_definition' ? def.parent : def;
    if (holder.parent?.type !== 'module') continue;
    const name = def.childForFieldName('name')?.text;
    if (name && decoratorsOf(def).some((d) => compilingDecorator(facts, d))) found.add(name);
  }
  return found;
});

/** Underscore-separated words that name the pure-Python side of a pair (`harris_py.py`, `kernel_naive`). */
const PURE_WORDS = new Set(['py', 'python', 'pure', 'std', 'naive', 'ref', 'reference', 'baseline', 'plain', 'numpy', 'np']);
/** Words that name the compiled side of a pair of files (`harris_numba.py`, `laplace2d-numba.py`). */
const COMPILED_WORDS = ['numba', 'jit', 'njit'];

/**
 * True when `name` has a compiled twin: a function compiled in this file whose name differs from it by one word
 * (`gaussian_blur_std` next to `@stencil gaussian_blur`, `step` next to `@njit step_jit`), or a function of the same
 * name compiled in a sibling file named as the compiled side of the pair (`harris_py.py` beside `harris_numba.py`,
 * `laplace2d.py` beside `laplace2d-numba.py`). Benchmarks and examples keep such pure-Python baselines on purpose, to
 * time the compiled version against them.
 */
export function hasCompiledTwinNamed(facts: FileFacts, name: string): boolean {
  const here = compiledFunctionNames(facts);
  if (here.has(name)) return true;
  for (const other of here) if (differByOneWord(name, other)) return true;
  const origin = facts.origin;
  const file = origin?.filePath;
  if (!file || !origin.modules?.readText || !file.endsWith('.py')) return false;
  const dir = file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const stem = file.slice(dir.length, -3);
  const words = stem.split(/[-_]/);
  const stems = new Set([stem]);
  if (words.length > 1 && PURE_WORDS.has(words[words.length - 1].toLowerCase())) stems.add(stem.slice(0, stem.length - words[words.length - 1].length - 1));
  for (const base of stems) {
    for (const word of COMPILED_WORDS) {
      for (const sep of ['_', '-']) {
        const sibling = `${dir}${base}${sep}${word}.py`;
        if (!origin.modules.exists(sibling)) continue;
        const names = namesPickedFrom(sibling, origin.modules, facts.tree.language, compiledFunctionNames);
        if (names?.has(name)) return true;
      }
    }
  }
  return false;
}

/** `a_b_c` and `a_c` (or `a_b_c` and `a_b`): one name is the other with one word taken out. */
function differByOneWord(a: string, b: string): boolean {
  const [long, short] = a.length > b.length ? [a.split('_'), b.split('_')] : [b.split('_'), a.split('_')];
  if (long.length !== short.length + 1 || short.join('') === '') return false;
  return long.some((_, i) => [...long.slice(0, i), ...long.slice(i + 1)].join('_') === short.join('_'));
}
