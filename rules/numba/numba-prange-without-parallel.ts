import { defineRule } from '../../server/engine/rule';
import { enclosingJit } from '../../server/analysis';
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
    let edits: TextEdit[] | undefined;
    if (jit.call) {
      const e = appendArgument(ctx.text, jit.call, 'parallel=True');
      edits = e ? [e] : undefined;
    } else {
      edits = [insertAt(jit.decorator.endIndex, '(parallel=True)')];
    }
    const name = def.childForFieldName('name')?.text ?? 'function';
    ctx.report({
      node: m.need('iter'),
      message: `\`prange\` in \`${name}\` runs serially because the decorator lacks \`parallel=True\``,
      edits,
    });
  },
});
