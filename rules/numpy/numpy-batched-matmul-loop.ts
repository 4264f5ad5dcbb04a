import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { insideNumbaFunction, localTypes, scopeBody, usedAfter } from '../../server/analysis';
import { hasCommentBetween, replaceNode } from '../../server/fixes';

export default defineRule({
  id: 'numpy-batched-matmul-loop',
  title: 'A loop over the batch dimension doing matmul or dot',
  category: 'numpy',
  severity: 'info',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'numpy-broadcasting-and-indexing',
  requires: ['numpy'],
  message: 'A Python loop multiplies one batch at a time; `@` / `np.matmul` broadcasts over the batch dimension',
  docs: {
    why:
      'Looping over the leading (batch) axis in Python issues one small matrix product per iteration, paying ' +
      'interpreter and call overhead each time. `np.matmul` (the `@` operator) treats leading axes as a stack of ' +
      'matrices and runs the whole batch in one call.',
    instead: 'Write `C = A @ W` for stacked operands (`(B, n, m) @ (B, m, p)`), or `np.einsum("bnm,bmp->bnp", A, W)` to spell the axes out.',
    example: {
      before: 'C = np.empty((B, n, m))\nfor b in range(B):\n    C[b] = A[b] @ W[b]',
      after: 'C = A @ W',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Multiply the whole batch with @',
    reason: 'assumes the loop visits every batch of the stacked arrays (the range matches their first dimension)',
  },
  query: `
(for_statement
  left: (identifier) @b
  right: (call function: (identifier) @range arguments: (argument_list) @args)
  body: (block . (expression_statement (assignment left: (subscript) @target right: (_) @product)) .)
  (#eq? @range "range")) @loop`,
  check(m, ctx) {
    const loop = m.need('loop');
    const b = m.need('b').text;
    if (!ctx.facts.isBuiltin('range', loop) || insideNumbaFunction(ctx.facts, loop) || ctx.facts.importsModule('numba')) return;
    const target = m.need('target');
    const out = target.childForFieldName('value');
    const keys = target.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
    if (!out || keys.length !== 1 || keys[0]!.text !== b || (out.type !== 'identifier' && out.type !== 'attribute')) return;
    const operands = matmulOperands(m.need('product'), ctx);
    if (!operands) return;
    const [left, right] = operands.map((o) => batchOperand(o, b));
    if (!left || !right || (!left.batched && !right.batched)) return;
    const types = localTypes(ctx.facts);
    if (![out, left.array, right.array].some((n) => types.is(n, 'ndarray'))) return;
    const replacement = `${out.text}[:] = ${left.array.text} @ ${right.array.text}`;
    const canFix = fixable(loop, m.need('args'), out, left, right, ctx, b);
    ctx.report({
      node: loop,
      // Without known shapes, `A @ B` may not pair the batches (a stacked vector is read as a matrix).
      message: canFix
        ? `The loop multiplies \`${left.array.text}\` and \`${right.array.text}\` one batch at a time; write \`${replacement}\` (matmul broadcasts over the batch)`
        : `The loop multiplies \`${left.array.text}\` and \`${right.array.text}\` one batch at a time; multiply the stacked arrays in one call (\`@\` / \`np.matmul\` broadcast over the leading axis, or \`np.einsum\`)`,
      edits: canFix ? [replaceNode(loop, replacement)] : undefined,
    });
  },
});

/** `x @ y`, `np.matmul(x, y)`, `np.dot(x, y)`, `x.dot(y)` → [x, y]. */
function matmulOperands(expr: Node, ctx: RuleContext): [Node, Node] | null {
  if (expr.type === 'binary_operator' && expr.childForFieldName('operator')?.type === '@') {
    return [expr.childForFieldName('left')!, expr.childForFieldName('right')!];
  }
  if (expr.type !== 'call') return null;
  const args = (expr.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
  const q = ctx.facts.calleeName(expr);
  if ((q === 'numpy.matmul' || q === 'numpy.dot') && args.length === 2 && args.every((a) => a.type !== 'keyword_argument')) return [args[0], args[1]];
  const fn = expr.childForFieldName('function');
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'dot' && args.length === 1 && args[0].type !== 'keyword_argument') {
    return [fn.childForFieldName('object')!, args[0]];
  }
  return null;
}

interface Operand {
  array: Node;
  /** Indexed by the batch variable (`A[b]`), or shared by every iteration (`W`). */
  batched: boolean;
}

function batchOperand(n: Node, b: string): Operand | null {
  if (n.type === 'subscript') {
    const value = n.childForFieldName('value');
    const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
    if (value && keys.length === 1 && keys[0]!.text === b && (value.type === 'identifier' || value.type === 'attribute'))
      return { array: value, batched: true };
    return null;
  }
  // A shared operand must be the same in every iteration.
  if (n.type === 'identifier' || n.type === 'attribute') {
    const ids = n.type === 'identifier' ? [n] : n.descendantsOfType('identifier');
    return ids.some((id) => id?.text === b) ? null : { array: n, batched: false };
  }
  return null;
}

function fixable(loop: Node, args: Node, out: Node, left: Operand, right: Operand, ctx: RuleContext, b: string): boolean {
  if (loop.childForFieldName('alternative') || hasCommentBetween(ctx.facts, loop.startIndex, loop.endIndex)) return false;
  if (usedAfter(scopeBody(loop), b, loop.endIndex, loop)) return false;
  const types = localTypes(ctx.facts);
  const ndim = (o: Operand) => types.typeOf(o.array)?.ndim;
  // Stacked operands must be 3-D, a shared one 2-D: then `@` pairs batch k of one with batch k of the other.
  for (const o of [left, right]) {
    const d = ndim(o);
    if (d === undefined || (o.batched ? d !== 3 : d !== 2)) return false;
  }
  const bound = args.namedChildren.filter((c) => c && c.type !== 'comment');
  if (bound.length !== 1) return false;
  const t = bound[0]!.text.replace(/\s+/g, '');
  const sized = [out, ...[left, right].filter((o) => o.batched).map((o) => o.array)].map((n) => n.text);
  return sized.some((s) => t === `len(${s})` || t === `${s}.shape[0]`);
}
