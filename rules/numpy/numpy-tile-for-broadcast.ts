import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingLoop, keywordValue, localTypes } from '../../server/analysis';

const ELEMENTWISE_OPS = new Set(['+', '-', '*', '/', '//', '%', '**']);

export default defineRule({
  id: 'numpy-tile-for-broadcast',
  title: '`np.tile` / `np.repeat` used only to match shapes before arithmetic',
  category: 'numpy',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'numpy-broadcasting-and-indexing',
  requires: ['numpy'],
  message: 'The array is tiled only to match shapes before arithmetic; broadcasting does this without building the copy',
  docs: {
    why:
      '`np.tile` and `np.repeat` allocate and fill a full-size copy of the array. When the copy only feeds an ' +
      "element-wise operation, numpy's broadcasting already stretches axes of length one (and adds missing leading " +
      'axes) on the fly, without the extra memory traffic.',
    instead: 'Use the small array directly (`M + bias`), adding a length-one axis where the alignment must be explicit ' + '(`bias[None, :]`, `col[:, None]`).',
    example: { before: 'Z = M + np.tile(bias, (M.shape[0], 1))', after: 'Z = M + bias  # bias broadcasts over the rows' },
  },
  // The call, not the binary operator around it: a pattern starting at the operator with the call as its right
  // operand keeps a partial match open while the query walks the whole left operand, for every operator of a
  // long chain (`1 + 1 + ...`), which cost seconds for a few thousand terms (issue 23).
  query: `
(call function: (attribute attribute: (identifier) @fn) (#any-of? @fn "tile" "repeat")) @call
(call function: (identifier) @fn (#any-of? @fn "tile" "repeat")) @call`,
  check(m, ctx) {
    const fnName = m.need('fn').text;
    if (fnName !== 'tile' && fnName !== 'repeat') return;
    const call = m.need('call');
    const operation = operandOf(call);
    if (!operation) return;
    const op = operation.op.childForFieldName('operator')?.type ?? '';
    if (!ELEMENTWISE_OPS.has(op)) return;
    const q = ctx.facts.calleeName(call);
    if (q !== 'numpy.tile' && q !== 'numpy.repeat') return;
    const operand = broadcastOnly(call, q, operation.other, ctx);
    if (!operand) return;
    const shown = operand.text.length <= 30 ? `\`${operand.text}\`` : 'the array';
    // `np.tile(t, (T, 1)).T - np.tile(t, (T, 1))`, outside any loop: an outer difference built once. The result is as
    // large as the copies, so broadcasting saves a constant factor of one matrix's construction (measured at T = 1000:
    // 11.8 ms against 0.7 ms, next to 208 ms for one T x T inverse). Review48 judged elephant's GPFA `Tdif` grids noise.
    const grid = tiledCall(operation.other, ctx) && enclosingLoop(call, true) === null;
    ctx.report({
      node: call,
      message: `\`np.${fnName}\` copies ${shown} only to match shapes before \`${op}\`; let broadcasting stretch it instead`,
      ...(grid ? { lowImpact: 'both operands are tiled copies of one outer grid, built once: broadcasting saves a constant factor of that one step' } : {}),
    });
  },
});

/** The binary operation the call is a direct operand of, and its other operand. */
function operandOf(call: Node): { op: Node; other: Node } | null {
  const op = call.parent;
  if (op?.type !== 'binary_operator') return null;
  const left = op.childForFieldName('left');
  const right = op.childForFieldName('right');
  if (!left || !right) return null;
  if (left.equals(call)) return { op, other: right };
  if (right.equals(call)) return { op, other: left };
  return null;
}

function positional(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (c): c is Node => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument',
  );
}

/**
 * The tiled operand when the tiling only adds leading axes or stretches axes of length one, so the
 * element-wise result is the same with broadcasting. Null when the copy may be a real tiling.
 */
function broadcastOnly(call: Node, q: string, other: Node, ctx: RuleContext): Node | null {
  const args = positional(call);
  const operand = args[0];
  if (!operand) return null;
  if (q === 'numpy.tile') {
    const reps = args[1] ?? keywordValue(call, 'reps');
    if (!reps || (reps.type !== 'tuple' && reps.type !== 'list')) return null;
    const items = reps.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (items.length < 2) return null;
    const ndim = localTypes(ctx.facts).typeOf(operand)?.ndim;
    if (ndim !== undefined) {
      // Only new leading axes: the operand's own axes are repeated once. Broadcasting adds those axes only when the
      // other operand has them: next to a scalar (`.5 * np.tile(np.identity(2), (4, 1, 1))`, a stack of four
      // covariance matrices in hmmlearn's examples) the tiling is what gives the result its shape.
      const onlyNewAxes = items.length > ndim && items.slice(items.length - ndim).every((i) => i.text === '1');
      return onlyNewAxes && hasAxes(other, items.length, ctx) ? operand : null;
    }
    // `np.tile(b, (M.shape[0], 1))` next to M: the original only works if b broadcasts over M's rows.
    if (items.slice(1).every((i) => i.text === '1') && mentionsLength(items[0], other)) return operand;
    return null;
  }
  // np.repeat(x[None, :], n, axis=0): repeating a length-one axis that indexing just added. Next to a number, or the
  // count itself (`np.repeat(flux[:, np.newaxis], ngpt, axis=1) / ngpt`, climt's table builder, judged wrong in
  // review49), the repeat is what gives the result its shape.
  const axisNode = args[2] ?? keywordValue(call, 'axis');
  if (!axisNode || axisNode.type !== 'integer' || operand.type !== 'subscript') return null;
  const count = args[1] ?? keywordValue(call, 'repeats');
  if (isNumberExpression(other) || (count && sameExpression(count, other))) return null;
  const keys = operand.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  const axis = Number(axisNode.text);
  const key = keys[axis];
  if (!key || keys.some((k) => k.type === 'ellipsis')) return null;
  const isNewAxis = key.type === 'none' || ctx.facts.qualifiedName(key) === 'numpy.newaxis';
  return isNewAxis ? operand : null;
}

/**
 * Whether the other operand can supply the tiled result's `ndim` axes: not a number, and not an array known to have
 * fewer axes. An operand of unknown shape is given the benefit of the doubt, as before.
 */
function hasAxes(other: Node, ndim: number, ctx: RuleContext): boolean {
  if (isNumberExpression(other)) return false;
  const otherNdim = localTypes(ctx.facts).typeOf(other)?.ndim;
  return otherNdim === undefined || otherNdim >= ndim;
}

/** The same expression, spacing aside: `ngpt` and `ngpt`, `len(x)` and `len( x )`. */
function sameExpression(a: Node, b: Node): boolean {
  return a.text.replace(/\s+/g, '') === b.text.replace(/\s+/g, '');
}

/** `.5`, `-1`, `(1 - 0.25)`: arithmetic on number literals only. */
function isNumberExpression(node: Node): boolean {
  switch (node.type) {
    case 'integer':
    case 'float':
      return true;
    case 'unary_operator':
      return isNumberExpression(node.childForFieldName('argument')!);
    case 'parenthesized_expression':
      return node.namedChildren.length === 1 && isNumberExpression(node.namedChildren[0]!);
    case 'binary_operator':
      return isNumberExpression(node.childForFieldName('left')!) && isNumberExpression(node.childForFieldName('right')!);
    default:
      return false;
  }
}

/** `len(M)` or `M.shape[0]` where M is the other operand. */
function mentionsLength(rep: Node, other: Node): boolean {
  if (other.type !== 'identifier' && other.type !== 'attribute') return false;
  const t = rep.text.replace(/\s+/g, '');
  return t === `len(${other.text})` || t === `${other.text}.shape[0]`;
}

/** `np.tile(...)` / `np.repeat(...)`, or its transpose (`.T`, `.transpose()`), in parentheses or not. */
function tiledCall(node: Node, ctx: RuleContext): boolean {
  let n: Node | null = node;
  while (n?.type === 'parenthesized_expression') n = n.namedChildren[0] ?? null;
  if (n?.type === 'attribute' && n.childForFieldName('attribute')?.text === 'T') n = n.childForFieldName('object');
  else if (
    n?.type === 'call' &&
    n.childForFieldName('function')?.type === 'attribute' &&
    n.childForFieldName('function')!.childForFieldName('attribute')?.text === 'transpose'
  ) {
    n = n.childForFieldName('function')!.childForFieldName('object');
  }
  while (n?.type === 'parenthesized_expression') n = n.namedChildren[0] ?? null;
  if (n?.type !== 'call') return false;
  const q = ctx.facts.calleeName(n);
  return q === 'numpy.tile' || q === 'numpy.repeat';
}
