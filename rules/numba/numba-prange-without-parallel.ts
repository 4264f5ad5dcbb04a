import { defineRule, type RuleContext } from '../../server/engine/rule';
import {
  enclosingFunction,
  enclosingJit,
  FileFacts,
  findDescendants,
  isNestedScope,
  importedFunctionHas,
  iterationsIndependent,
  jitDecorator,
  moduleFunctionDefs,
  nodeMemo,
  parameterNames,
  plainAssignments,
} from '../../server/analysis';
import type { Node } from '../../server/syntax';
import { appendArgument, insertAt } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

export default defineRule({
  id: 'numba-prange-without-parallel',
  title: '`prange` used without `parallel=True`',
  category: 'numba',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'numba',
  requires: ['numba'],
  message: 'Without `parallel=True` on the decorator, `prange` is just `range`: the loop runs on one thread',
  docs: {
    why:
      '`numba.prange` marks a loop for parallel execution, but only when the function is compiled with ' +
      '`parallel=True`. Otherwise numba treats it exactly like `range`, so the intended speed-up silently never ' +
      'happens.',
    instead: 'Add `parallel=True` to the decorator (`@njit(parallel=True)`), after checking that the iterations are independent.',
    example: {
      before: '@njit\ndef f(a):\n    for i in prange(a.shape[0]):\n        a[i] += 1',
      after: '@njit(parallel=True)\ndef f(a):\n    for i in prange(a.shape[0]):\n        a[i] += 1',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Add parallel=True',
    reason: 'the loop then really runs in parallel: iterations that depend on each other or write shared elements become data races',
  },
  query: `
(for_statement
  right: (call function: [(identifier) (attribute)] @fn) @iter) @loop`,
  check(m, ctx) {
    if (ctx.facts.calleeName(m.need('iter')) !== 'numba.prange') return;
    const enclosing = enclosingJit(ctx.facts, m.need('loop'));
    if (!enclosing || enclosing.jit.parallel) return;
    const { jit, def } = enclosing;
    // Only CPU targets take parallel=True.
    if (jit.name !== 'numba.njit' && jit.name !== 'numba.jit' && !jit.name.endsWith('decorators.njit') && !jit.name.endsWith('decorators.jit')) return;
    if (jit.keywords.has('parallel')) return;
    // `inline="always"`: numba inlines the function into its compiled callers, whose own `parallel=True` then applies.
    if (/^['"]always['"]$/.test(jit.keywords.get('inline')?.text ?? '')) return;
    // `@njit(**options)`: the options may hold `parallel=True`; read only a dict literal the module binds once.
    if (jit.call && !splatsLackParallel(jit.call)) return;
    let edits: TextEdit[] | undefined;
    if (jit.call) {
      const e = appendArgument(ctx.text, jit.call, 'parallel=True');
      edits = e ? [e] : undefined;
    } else {
      edits = [insertAt(jit.decorator.endIndex, '(parallel=True)')];
    }
    const name = def.childForFieldName('name')?.text ?? 'function';
    // `mask_channels_par = njit(mask_channels.py_func, parallel=True)` (sigpyproc3, review72): the serial function is
    // the twin of a parallel build the caller chooses between, by design.
    if (hasParallelTwin(ctx.text, name)) return;
    const loop = m.need('loop');
    const loops = prangeLoops(ctx.facts, def);
    // One finding per function, on its first outermost prange: the decorator is the one thing to change, and an inner
    // prange stays serial even with parallel=True (numba parallelises only the outermost one).
    if (!loops[0]?.equals(loop)) return;
    // Where the iterations depend on each other (appends, random draws, a running value, calls that may share
    // state), parallel=True would race: the serial prange is then the right program, and there is nothing to advise.
    if (loops.some((l) => !independent(l, ctx))) return;
    const others = loops.length > 1 ? ` (nor do its ${loops.length - 1} other \`prange\` loops)` : '';
    const style = serialByChoice(ctx.facts, ctx.text);
    ctx.report({
      node: m.need('iter'),
      message: `\`prange\` in \`${name}\` runs serially because the decorator lacks \`parallel=True\`${others}`,
      edits,
      ...(style ? { lowImpact: style } : {}),
    });
  },
});

/**
 * Every `**name` of the decorator call is a dict literal bound once at module level with string keys and no `parallel`
 * (true as well when the call splats nothing). A name bound elsewhere, twice, or to anything else may carry
 * `parallel=True`.
 */
function splatsLackParallel(call: Node): boolean {
  const args = call.childForFieldName('arguments');
  const splats = args?.namedChildren.filter((a) => a?.type === 'dictionary_splat') ?? [];
  return splats.every((splat) => {
    const name = splat!.namedChildren[0];
    // Inside a function the name may be a parameter or a local (`def make(**kwd)`): not read.
    if (name?.type !== 'identifier' || enclosingFunction(call)) return false;
    const bound = moduleAssignments(call, name.text);
    if (bound.length !== 1 || bound[0]!.type !== 'dictionary') return false;
    return bound[0]!.namedChildren.every((pair) => {
      const key = pair?.type === 'pair' ? pair.childForFieldName('key') : null;
      return key?.type === 'string' && !/^['"]parallel['"]$/.test(key.text);
    });
  });
}

/** The right sides of the module-level statements that assign `name` (`name = ...`), or that rebind it otherwise. */
function moduleAssignments(node: Node, name: string): Node[] {
  let root = node;
  while (root.parent) root = root.parent;
  const found: Node[] = [];
  for (const stmt of root.namedChildren) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : null;
    if (a?.type !== 'assignment' && a?.type !== 'augmented_assignment') continue;
    if (a.childForFieldName('left')?.text !== name) continue;
    const right = a.childForFieldName('right');
    found.push(a.type === 'assignment' && right ? right : a);
  }
  return found;
}

/** Memo per lint: a function's outermost prange loops, in source order. */
const prangeLoopsMemo = nodeMemo<Node[]>();

/** The prange loops of `def` that no other prange loop of it encloses, in source order. */
function prangeLoops(facts: FileFacts, def: Node): Node[] {
  return prangeLoopsMemo(facts, def, () => {
    const body = def.childForFieldName('body');
    const all = body ? findDescendants(body, (n) => n.type === 'for_statement' && isPrange(n, facts), isNestedScope) : [];
    return all.filter((l) => !all.some((o) => o !== l && o.startIndex < l.startIndex && l.endIndex <= o.endIndex));
  });
}

function isPrange(loop: Node, facts: FileFacts): boolean {
  const right = loop.childForFieldName('right');
  return right?.type === 'call' && facts.calleeName(right) === 'numba.prange';
}

/** Parallel-safe: the iterations are independent, and none draws random numbers (each thread has its own state). */
function independent(loop: Node, ctx: RuleContext): boolean {
  const { facts } = ctx;
  const index = loop.childForFieldName('left');
  if (index?.type !== 'identifier') return false;
  if (/\brandom\b/.test(loop.childForFieldName('body')?.text ?? '')) return false;
  return iterationsIndependent(loop, index.text, facts, { ownSlots: true, pureCall: (call) => pureCompiledHelper(call, ctx) }).independent;
}

/** The module compiles the function's Python source again with `parallel=True`: `njit(f.py_func, parallel=True, ...)`. */
function hasParallelTwin(text: string, name: string): boolean {
  if (!text.includes(`${name}.py_func`)) return false;
  const twin = new RegExp(String.raw`\b${name}\.py_func\b[^()]*?\bparallel\s*=\s*True`);
  return twin.test(text);
}

/** numpy functions that write into an array they are handed. */
const WRITING_NUMPY = /^numpy\.(copyto|put|place|putmask|fill_diagonal|random\.shuffle)$/;
/** Array methods that change their receiver. */
const WRITING_METHODS = new Set(['sort', 'fill', 'put', 'itemset', 'resize', 'partition', 'setflags']);
/** numpy calls that make a new array, which a helper may then fill. */
const FRESH_ARRAY = /^numpy\.(zeros|ones|empty|full|array|copy|zeros_like|ones_like|empty_like|full_like|arange|linspace|eye|identity)$/;

/**
 * `qu[i] = ax2qu_single(ax[i])` (orix's batch conversions, review72's hunt: six functions whose prange ran serially): a
 * call to a compiled function of the file that writes nothing it is handed and keeps no state, so its result depends only
 * on its arguments and iterations that call it stay independent. It may fill arrays it makes itself, and call numpy, math,
 * builtins and other such helpers (two levels deep); anything else counts as shared state. A helper imported from a
 * workspace module (thewalrus's `from ._hafnian import find_kept_edges, nb_ix`, review74's hunt: three functions whose
 * prange ran serially) is read the same way in its own module.
 */
function pureCompiledHelper(call: Node, ctx: RuleContext): boolean {
  const def = compiledHelperDef(call, ctx.facts);
  // The finding now rests on the helper's text too: an edit there must re-run the check.
  if (def) ctx.restsOn(def);
  return pureCallee(call, def, ctx.facts, 0, true);
}

/**
 * The compiled function a bare-name call reaches is pure: `def`, the file's own (compiledHelperDef), read here, or else a
 * name an import binds (`find_kept_edges(j, ones)` after `from ._hafnian import ...`), read in its module. Imports are
 * followed from the linted file only: a helper module's own imports count as impure, so two modules that import each
 * other cannot send the question round in a circle (and each hop costs a parse).
 */
function pureCallee(call: Node, def: Node | null, facts: FileFacts, depth: number, followImports: boolean): boolean {
  if (def) return pureBody(def, facts, depth, followImports);
  const fn = call.childForFieldName('function');
  return followImports && fn?.type === 'identifier' && facts.importsName(fn.text) && importedFunctionHas(call, facts, pureCompiledFunctions);
}

/** The module's top-level functions compiled in nopython mode that are pure in the sense above (asked of imported modules). */
function pureCompiledFunctions(facts: FileFacts): ReadonlySet<string> {
  const out = new Set<string>();
  for (const stmt of facts.root.namedChildren) {
    const def = stmt?.type === 'decorated_definition' ? stmt.childForFieldName('definition') : null;
    if (def?.type !== 'function_definition' || !jitDecorator(facts, def)?.nopython) continue;
    if (pureBody(def, facts, 0, false)) out.add(def.childForFieldName('name')!.text);
  }
  return out;
}

/** `def` writes nothing it is handed, keeps no state, and calls only what pureHelperCall allows. */
function pureBody(def: Node, facts: FileFacts, depth: number, followImports: boolean): boolean {
  const body = def.childForFieldName('body');
  if (!body) return false;
  const params = new Set(parameterNames(def));
  const nodes = findDescendants(body, () => true, isNestedScope);
  const fresh = freshArrays(nodes, params, facts);
  for (const n of nodes) {
    if (n.type === 'global_statement' || n.type === 'nonlocal_statement' || n.type === 'yield') return false;
    if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      const left = n.childForFieldName('left');
      if (left?.type === 'subscript' || left?.type === 'attribute') {
        const base = subscriptBase(left);
        if (!base || !fresh.has(base)) return false;
      }
    } else if (n.type === 'call' && !pureHelperCall(n, facts, depth, followImports)) return false;
  }
  return true;
}

/**
 * A call a pure helper may make: numpy/math (none that writes), builtins, a non-mutating method, another pure helper of
 * the same module, or a pure compiled function of a workspace module it imports.
 */
function pureHelperCall(call: Node, facts: FileFacts, depth: number, followImports: boolean): boolean {
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  if (args.some((a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'out')) return false;
  const q = facts.calleeName(call);
  if (q && (q.startsWith('numpy.') || q.startsWith('math.'))) return !WRITING_NUMPY.test(q);
  if (fn?.type === 'attribute') return !q && !WRITING_METHODS.has(fn.childForFieldName('attribute')?.text ?? '');
  if (fn?.type !== 'identifier') return false;
  if (facts.isBuiltin(fn.text, call)) return true;
  return depth < 2 && pureCallee(call, compiledHelperDef(call, facts), facts, depth + 1, followImports);
}

/**
 * The one module-level def, compiled in nopython mode, that a call by bare name reaches: not rebound by the module or by
 * the calling function. (fileFunctionDef leaves decorated defs out, since a decorator may replace the function; numba's
 * keeps its meaning.)
 */
function compiledHelperDef(call: Node, facts: FileFacts): Node | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'identifier') return null;
  const root = call.tree.rootNode;
  const defs = moduleFunctionDefs(root, fn.text);
  if (defs.length !== 1 || plainAssignments(root, fn.text).length > 0) return null;
  const caller = enclosingFunction(call);
  if (caller && (parameterNames(caller).includes(fn.text) || plainAssignments(caller, fn.text).length > 0)) return null;
  return jitDecorator(facts, defs[0])?.nopython ? defs[0] : null;
}

/** Names every binding of which (and there is one at least) is a new array: the helper may fill them. */
function freshArrays(nodes: readonly Node[], params: ReadonlySet<string>, facts: FileFacts): Set<string> {
  const bindings = new Map<string, boolean>();
  for (const n of nodes) {
    if (n.type !== 'assignment') continue;
    const left = n.childForFieldName('left');
    if (left?.type !== 'identifier' || params.has(left.text)) continue;
    const right = n.childForFieldName('right');
    // Arithmetic makes a new array too (`qu = -qu`, `qu = qu / n`); a plain name or a slice would alias another.
    const isFresh =
      (right?.type === 'call' && FRESH_ARRAY.test(facts.calleeName(right) ?? '')) || right?.type === 'unary_operator' || right?.type === 'binary_operator';
    bindings.set(left.text, (bindings.get(left.text) ?? true) && isFresh);
  }
  return new Set([...bindings].filter(([, isFresh]) => isFresh).map(([name]) => name));
}

/** `a` of `a[i]`, `a[i][j]`, `a.x`, `a[i].x`. */
function subscriptBase(target: Node): string | null {
  let n: Node | null = target;
  while (n && (n.type === 'subscript' || n.type === 'attribute')) n = n.childForFieldName(n.type === 'subscript' ? 'value' : 'object');
  return n?.type === 'identifier' ? n.text : null;
}

/**
 * A file that writes prange in several compiled functions and never `parallel=True` has chosen serial loops (its
 * parallelism comes from elsewhere, such as joblib's `n_jobs`, and numba threads would oversubscribe the cores): the
 * finding is then a hint that says so.
 */
function serialByChoice(facts: FileFacts, text: string): string | undefined {
  if (/parallel\s*=\s*True/.test(text)) return undefined;
  const defs = new Set<number>();
  for (const { def } of jitDefsWithPrange(facts, text)) defs.add(def);
  return defs.size >= 2
    ? `the file uses \`prange\` in ${defs.size} compiled functions and \`parallel=True\` in none: serial loops look like a choice here`
    : undefined;
}

/** The start offsets of the `def` lines that precede each `prange(` call in the text (memoised per lint). */
const prangeDefs = new WeakMap<FileFacts, { def: number }[]>();
function jitDefsWithPrange(facts: FileFacts, text: string): { def: number }[] {
  let found = prangeDefs.get(facts);
  if (found) return found;
  found = [];
  const defLine = /^[ \t]*(?:async[ \t]+)?def[ \t]+\w+/gm;
  const defs: number[] = [];
  for (let m = defLine.exec(text); m; m = defLine.exec(text)) defs.push(m.index);
  const call = /\bprange\s*\(/g;
  for (let m = call.exec(text); m; m = call.exec(text)) {
    let def = -1;
    for (const d of defs) if (d < m.index) def = d;
    if (def >= 0) found.push({ def });
  }
  prangeDefs.set(facts, found);
  return found;
}
