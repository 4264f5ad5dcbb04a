import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingDef, FileFacts, findDescendants, isNestedScope, iterationsIndependent, jitDecorator, plainAssignments } from '../../server/analysis';
import { ensureImport, replaceNode } from '../../server/fixes';

export default defineRule({
  id: 'numba-parallel-without-prange',
  title: '`parallel=True` but the explicit loops use `range`',
  category: 'numba',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'numba',
  requires: ['numba'],
  message: '`parallel=True` only parallelises explicit loops written with `prange`; these loops use `range`',
  docs: {
    why:
      'With `parallel=True` numba parallelises array expressions automatically, but an explicit `for` loop runs ' +
      'on one thread unless it iterates `numba.prange`. A kernel whose work is in `range` loops therefore pays the ' +
      'parallel machinery without using more cores. A loop that carries a value to its next iteration (`z = z * z + c` ' +
      'stepped `k` times) must stay serial: there `parallel=True` is for the array expressions, and the rule is silent. So is a ' +
      'loop whose passes each update a whole array (`C += k[m] * w**m` with `C = np.zeros(w.shape)`): the array expressions ' +
      'already run on every core, and `prange` would make `C` a per-thread copy and run them serially.',
    instead:
      'Iterate the outermost independent loop with `prange`. Its iterations must not depend on each other or write ' +
      'the same element (simple scalar reductions such as `total += x` are handled).',
    example: {
      before: '@njit(parallel=True)\ndef scale(a):\n    for i in range(a.shape[0]):\n        a[i] *= 2',
      after: '@njit(parallel=True)\ndef scale(a):\n    for i in prange(a.shape[0]):\n        a[i] *= 2',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use prange for the outer loop',
    reason: 'prange runs iterations concurrently and in any order: a loop whose iterations depend on each other or write shared elements becomes a data race',
  },
  query: `
(decorated_definition
  definition: (function_definition body: (block) @body) @def)`,
  check(m, ctx) {
    const def = m.need('def');
    const jit = jitDecorator(ctx.facts, def);
    if (!jit || !jit.parallel) return;
    const loops = findDescendants(m.need('body'), (n) => n.type === 'for_statement', isNestedScope);
    if (loops.length === 0) return;
    if (loops.some((l) => usesPrange(l, ctx))) return;
    // The outermost loops iterating range(...).
    const outer = loops.filter((l) => !loops.some((o) => o !== l && o.startIndex < l.startIndex && l.endIndex <= o.endIndex));
    const target = outer.find((l) => rangeCallee(l, ctx) !== null);
    if (!target) return;
    const callee = rangeCallee(target, ctx)!;
    // Never suggest a racy prange: the iterations must not read what other iterations write.
    const index = target.childForFieldName('left');
    if (index?.type !== 'identifier' || !iterationsIndependent(target, index.text, ctx.facts).independent) return;
    if (carriesState(target)) return;
    // `for m in range(len(k)): C += k[m] * (2 * w**g)**m` with `C = np.zeros(w.shape)` (ssqueezepy's wavelets, review75):
    // each pass is a whole-array expression, which `parallel=True` already spreads over the cores. Under `prange` the
    // loop becomes an array reduction (a copy of `C` per thread) and the array work inside it runs serially.
    if (updatesWholeArray(target, def, ctx.facts)) return;
    const prange = ensureImport(ctx.facts, 'numba', 'prange');
    const name = def.childForFieldName('name')?.text ?? 'function';
    ctx.report({
      node: target.childForFieldName('right') ?? target,
      message: `\`${name}\` is compiled with \`parallel=True\` but its loops use \`range\`; iterate the outer loop with \`prange\` if its iterations are independent`,
      edits: [...prange.edits, replaceNode(callee, prange.ref)],
    });
  },
});

function rangeCallee(loop: Node, ctx: { facts: { isBuiltin(name: string, at?: Node): boolean } }): Node | null {
  const right = loop.childForFieldName('right');
  const fn = right?.type === 'call' ? right.childForFieldName('function') : null;
  return fn?.type === 'identifier' && fn.text === 'range' && ctx.facts.isBuiltin('range', loop) ? fn : null;
}

function usesPrange(loop: Node, ctx: { facts: { calleeName(call: Node): string | null } }): boolean {
  const right = loop.childForFieldName('right');
  return right?.type === 'call' && ctx.facts.calleeName(right) === 'numba.prange';
}

const ARRAY_MAKERS = /^numpy\.(?:zeros|ones|empty|full|zeros_like|ones_like|empty_like|full_like|array|copy)$/;

/** The loop's body updates a whole array in place (`C += ...`), an array the function made with `np.zeros` and the like. */
function updatesWholeArray(loop: Node, def: Node, facts: FileFacts): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return findDescendants(body, (n) => n.type === 'augmented_assignment', isNestedScope).some((update) => {
    const left = update.childForFieldName('left');
    if (left?.type !== 'identifier') return false;
    // Assignments of the function itself, not of a def nested in it.
    return plainAssignments(def, left.text).some(({ id, value }) => {
      if (!enclosingDef(id)?.equals(def)) return false;
      const callee = value.type === 'call' ? facts.qualifiedName(value.childForFieldName('function')) : null;
      return callee !== null && ARRAY_MAKERS.test(callee);
    });
  });
}

const REDUCTION_OPERATORS = new Set(['+', '*', '-', '|', '&', '^']);

/**
 * A name the loop reads before it rebinds it with `=` in the same iteration, other than a reduction (`s = s + x[i]`,
 * which prange supports): the value carries from one iteration to the next (`Z = Z * Z + c`, a time step), so the
 * iterations must run in order. Augmented assignments (`s += x[i]`) are reductions and do not count.
 */
function carriesState(loop: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  for (const assign of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
    const left = assign.childForFieldName('left');
    const right = assign.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || isReduction(left.text, right)) continue;
    const reads = findDescendants(body, (n) => n.type === 'identifier' && n.text === left.text, isNestedScope).filter(
      (id) => !(id.parent?.type === 'assignment' && id.parent.childForFieldName('left')?.equals(id)),
    );
    if (reads.some((r) => r.startIndex < assign.endIndex)) return true;
  }
  return false;
}

/** `s = s + x` or `s = x * s`: the name once, as a direct operand of an associative operator. */
function isReduction(name: string, right: Node): boolean {
  if (right.type !== 'binary_operator' || !REDUCTION_OPERATORS.has(right.childForFieldName('operator')?.type ?? '')) return false;
  const l = right.childForFieldName('left');
  const r = right.childForFieldName('right');
  const mentions = (n: Node | null) => !!n && (n.text === name || findDescendants(n, (d) => d.type === 'identifier' && d.text === name).length > 0);
  const commutes = right.childForFieldName('operator')?.type !== '-';
  return (l?.type === 'identifier' && l.text === name && !mentions(r)) || (commutes && r?.type === 'identifier' && r.text === name && !mentions(l));
}
