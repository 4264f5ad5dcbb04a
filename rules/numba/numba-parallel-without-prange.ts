import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { findDescendants, isNestedScope, iterationsIndependent, jitDecorator } from '../../server/analysis';
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
      'parallel machinery without using more cores.',
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
