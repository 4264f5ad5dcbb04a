import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingJit, lintMemo, localTypes, type FileFacts } from '../../server/analysis';

/** Modules whose functions nopython mode cannot compile. */
const UNSUPPORTED_MODULES = [
  'pandas',
  'requests',
  'logging',
  'json',
  'os',
  'time',
  'datetime',
  'pickle',
  'subprocess',
  'csv',
  'pathlib',
  'sqlite3',
  'urllib',
  'httpx',
  'torch',
  'tensorflow',
];
const UNSUPPORTED_BUILTINS = new Set(['open', 'input', 'eval', 'exec', 'getattr', 'setattr', 'vars', 'globals', 'locals']);

export default defineRule({
  id: 'numba-unsupported-in-njit',
  title: 'Unsupported objects or calls inside @njit',
  category: 'numba',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'numba',
  requires: ['numba'],
  message: "Numba's nopython mode cannot compile this call; the function fails with a TypingError on its first call",
  docs: {
    why:
      'Numba compiles a subset of Python and NumPy: numbers, ndarrays, tuples, simple containers and `math` / ' +
      '`numpy` functions. pandas objects, file and network I/O, logging, JSON and most of the standard library ' +
      'are not supported, so a compiled function that uses them raises a TypingError when first called.',
    instead:
      'Keep the compiled kernel numeric: pass `df["amount"].to_numpy()` in, do pandas, I/O and logging in the ' +
      'Python caller, and use `@jitclass` (or plain arrays) for custom data.',
    example: {
      before: '@njit\ndef total(df: pd.DataFrame):\n    return df["amount"].sum()',
      after: '@njit\ndef total(amount):\n    return amount.sum()\n\ntotal(df["amount"].to_numpy())',
    },
  },
  query: `
(call function: (_) @fn) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const enclosing = enclosingJit(ctx.facts, call);
    if (!enclosing || !enclosing.jit.nopython) return;
    const fn = m.need('fn');
    const q = ctx.facts.calleeName(call);
    let what: string | null = null;
    if (insideObjmode(call, ctx)) return;
    if (q) {
      const module = UNSUPPORTED_MODULES.find((mod) => q === mod || q.startsWith(`${mod}.`));
      // pandas' public API only: its internals include numba kernels of their own.
      if (module === 'pandas' && !/^pandas\.([A-Za-z]\w*|(api|io|plotting)\..*)$/.test(q)) return;
      if (module) what = `\`${fn.text}\` (${module})`;
    } else if (fn.type === 'identifier') {
      if (UNSUPPORTED_BUILTINS.has(fn.text) && ctx.facts.isBuiltin(fn.text, call)) what = `\`${fn.text}()\``;
      else if (call.parent?.type !== 'raise_statement' && isPlainClass(fn.text, ctx)) what = `the class \`${fn.text}\` (not a \`@jitclass\`)`;
    } else if (fn.type === 'attribute') {
      // A method of a value known to be a pandas object.
      const owner = fn.childForFieldName('object');
      if (owner && localTypes(ctx.facts).isPandas(owner)) what = `the pandas method \`${fn.text}\``;
    }
    if (!what) return;
    const name = enclosing.def.childForFieldName('name')?.text ?? 'function';
    ctx.report({
      node: call,
      message: `\`${name}\` is compiled in nopython mode, which cannot call ${what}; move it to the Python caller`,
    });
  },
});

/** Inside `with numba.objmode(...):`, where arbitrary Python is allowed. */
function insideObjmode(node: Node, ctx: { facts: { qualifiedName(n: Node | null): string | null } }): boolean {
  for (let n = node.parent; n && n.type !== 'function_definition'; n = n.parent) {
    if (n.type !== 'with_statement') continue;
    for (const item of n.descendantsOfType('with_item')) {
      const value = item?.childForFieldName('value');
      const expr = value?.type === 'call' ? value.childForFieldName('function') : value;
      if (/objmode/.test(ctx.facts.qualifiedName(expr ?? null) ?? expr?.text ?? '')) return true;
    }
  }
  return false;
}

/**
 * A plain Python class defined at module level in this file: no base class, no jitclass decorator,
 * and a file that does not use numba's extension API (which can make classes compilable).
 */
function isPlainClass(name: string, ctx: { facts: FileFacts }): boolean {
  return moduleClassesOf(ctx.facts).get(name) ?? false;
}

/**
 * Whether each module-level class is plain (the first class of each name), worked out once per file: a scan
 * of the text and of every top-level statement per call made the rule ×7 for four times a dense text.
 */
const moduleClassesOf = lintMemo((facts) => {
  const classes = new Map<string, boolean>();
  if (/extending|structref|typeof_impl|type_callable|register_model|overload/.test(facts.text)) return classes;
  const plain = (def: Node) => {
    const bases = def.childForFieldName('superclasses');
    return !bases || bases.namedChildren.every((b) => !b || b.text === 'object');
  };
  for (const stmt of facts.root.namedChildren) {
    if (!stmt) continue;
    const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
    const name = def?.type === 'class_definition' ? def.childForFieldName('name')?.text : undefined;
    if (!def || name === undefined || classes.has(name)) continue;
    const decorators = stmt === def ? '' : stmt.text.slice(0, def.startIndex - stmt.startIndex);
    classes.set(name, plain(def) && !/jitclass|structref|njit/.test(decorators));
  }
  return classes;
});
