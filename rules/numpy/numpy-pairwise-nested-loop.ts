import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { compiledByNumba, findDescendants, iterationsIndependent, values } from '../../server/analysis';

export default defineRule({
  id: 'numpy-pairwise-nested-loop',
  title: 'Nested index loops computing pairwise distances or similarities',
  category: 'numpy',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'complexity',
  requires: ['numpy'],
  // A pairwise fill is better replaced by cdist/broadcasting than compiled: one finding, this one.
  supersedes: ['numba-jit-candidate'],
  message: 'Nested Python loops fill a pairwise matrix one pair at a time; use cdist/pdist or broadcasting',
  docs: {
    why:
      'Computing an N×N matrix of distances or similarities with two Python loops runs N² interpreted iterations, ' +
      'each creating temporary arrays. The work is the same O(N²·D) either way, but compiled routines do it with a ' +
      'far smaller constant.',
    instead:
      'Use `scipy.spatial.distance.cdist(X, Y)` or `squareform(pdist(X))`, `X @ Y.T` for dot-product similarities, ' +
      'or broadcasting: `np.linalg.norm(X[:, None, :] - X[None, :, :], axis=-1)` (which needs O(N²·D) memory).',
    example: {
      before: 'D = np.zeros((N, N))\nfor i in range(N):\n    for j in range(N):\n        D[i, j] = np.sqrt(np.sum((X[i] - X[j]) ** 2))',
      after: 'from scipy.spatial.distance import cdist\n\nD = cdist(X, X)',
    },
  },
  query: `
(for_statement
  left: (identifier) @i
  right: (call function: (identifier) @r1)
  body: (block
    (for_statement
      left: (identifier) @j
      right: (call function: (identifier) @r2)
      body: (block) @inner))
  (#eq? @r1 "range")
  (#eq? @r2 "range")) @outer`,
  check(m, ctx) {
    const outer = m.need('outer');
    const i = m.need('i').text;
    const j = m.need('j').text;
    if (i === j) return;
    if (!ctx.facts.isBuiltin('range', outer)) return;
    if (compiledByNumba(ctx.facts, outer)) return;
    // A pair may depend on earlier pairs (DTW's `D[i - 1, j]`, LU's `A[i, k]`): then no broadcast computes it.
    if (!iterationsIndependent(outer, i, ctx.facts).independent) return;
    for (const stmt of findDescendants(m.need('inner'), (n) => n.type === 'assignment' || n.type === 'augmented_assignment')) {
      const left = stmt.childForFieldName('left');
      const right = stmt.childForFieldName('right');
      if (!left || !right || left.type !== 'subscript') continue;
      const target = pairTarget(left, i, j);
      if (!target) continue;
      const sources = pairSources(right, i, j, ctx);
      if (!sources) continue;
      const layer = values(ctx.facts);
      if (!layer.isA(target, 'ndarray') && !sources.some((s) => layer.isA(s, 'ndarray'))) continue;
      const names = [...new Set(sources.map((s) => s.text))].map((s) => `\`${s}\``).join(' and ');
      ctx.report({
        node: outer,
        message: `Nested loops fill \`${target.text}\` one pair of ${names} at a time; use \`cdist\`/\`pdist\`, a matrix product or broadcasting`,
      });
      return;
    }
  },
});

/** `D[i, j]` or `D[i][j]` → `D`. */
function pairTarget(left: Node, i: string, j: string): Node | null {
  const value = left.childForFieldName('value');
  const keys = left.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  if (!value) return null;
  if (keys.length === 2 && keys[0].text === i && keys[1].text === j && (value.type === 'identifier' || value.type === 'attribute')) return value;
  if (keys.length === 1 && keys[0].text === j && value.type === 'subscript') {
    const inner = value.childForFieldName('value');
    const innerKeys = value.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
    if (inner && innerKeys.length === 1 && innerKeys[0]!.text === i && (inner.type === 'identifier' || inner.type === 'attribute')) return inner;
  }
  return null;
}

/**
 * The arrays read as `X[i]` and `Y[j]` when the right-hand side is numeric: arithmetic, numpy or
 * math calls, and subscripts by the loop indices. Null when it calls anything else (a custom
 * metric on strings is not vectorisable).
 */
function pairSources(expr: Node, i: string, j: string, ctx: RuleContext): Node[] | null {
  const sources: Node[] = [];
  let sawI = false;
  let sawJ = false;
  for (const n of [expr, ...findDescendants(expr, () => true)]) {
    if (n.type === 'call') {
      const q = ctx.facts.calleeName(n);
      if (!q || !(q.startsWith('numpy.') || q.startsWith('math.'))) {
        // Array methods (`X[i].dot(X[j])`) are fine; anything else is an unknown function.
        const fn = n.childForFieldName('function');
        if (fn?.type !== 'attribute' || !/^(dot|sum|mean|max|min)$/.test(fn.childForFieldName('attribute')?.text ?? '')) return null;
      }
    } else if (n.type === 'subscript') {
      const value = n.childForFieldName('value');
      const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
      if (!value || keys.length === 0) continue;
      if (keys[0]!.text === i) {
        sawI = true;
        sources.push(value);
      } else if (keys[0]!.text === j) {
        sawJ = true;
        sources.push(value);
      }
    } else if (n.type === 'lambda' || n.type === 'list_comprehension' || n.type === 'generator_expression') {
      return null;
    }
  }
  return sawI && sawJ ? sources : null;
}
