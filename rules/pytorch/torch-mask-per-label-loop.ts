import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  FileFacts,
  enclosingLoops,
  findDescendants,
  isNestedScope,
  isTestCode,
  isSmallLiteralLoop,
  loopGrowsWithData,
  oneLineText,
  positionalArguments,
  tensorPlacement,
} from '../../server/analysis';

export default defineRule({
  id: 'torch-mask-per-label-loop',
  title: "A loop over labels selects each label's rows of a tensor with a fresh boolean mask",
  category: 'pytorch',
  severity: 'hint',
  severityForms: [
    {
      severity: 'info',
      when:
        'when a loop around the label loop repeats it (an iterative algorithm such as k-means, a `while` loop, or a loop over data): ' +
        'the N x K scans and the waits for the GPU come back on every pass',
    },
  ],
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency',
  requires: ['torch'],
  message:
    "Each iteration compares every label with this one and selects rows by the mask; one pass with `index_add_` / `scatter_reduce` gives every label's sums",
  docs: {
    why:
      '`data[labels == k]` inside `for k in range(n_labels)` scans all N labels once per label (N x K work) and, because the ' +
      'size of a boolean selection depends on the data, waits for the GPU on every iteration to learn it. Per-label sums, ' +
      'counts and means have one-pass forms that run as a few kernels whatever the number of labels.',
    instead:
      'Accumulate per label in one call: `sums = torch.zeros(K, d).index_add_(0, labels, data)`, ' +
      '`counts = torch.bincount(labels, minlength=K)`, `means = sums / counts[:, None]`, then gather `means[labels]` for ' +
      "per-row terms (or `scatter_reduce` for max/min). When each label's rows themselves are needed, sort them by label once and " +
      "`torch.split` them by the `bincount` counts; a loop that walks each label's rows in Python anyway is left alone. Reported as a hint (with a handful of labels the loop costs little), " +
      'unless a loop around it runs it again on every pass (k-means refinement, a `while` loop, a loop over data).',
    example: {
      before:
        'def centroids(data, labels, n):\n    labels = torch.as_tensor(labels)\n    data = torch.as_tensor(data)\n    return torch.stack([data[labels == k].mean(0) for k in range(n)])',
      after:
        'def centroids(data, labels, n):\n    labels = torch.as_tensor(labels)\n    data = torch.as_tensor(data)\n    sums = torch.zeros(n, data.shape[1]).index_add_(0, labels, data)\n    return sums / torch.bincount(labels, minlength=n)[:, None]',
    },
  },
  query: `
(for_statement left: (identifier) @label right: (call) @iter body: (block) @body) @loop
(for_in_clause left: (identifier) @label right: (call) @iter) @loop`,
  check(m, ctx) {
    const facts = ctx.facts;
    const loop = m.need('loop');
    if (!rangeWithBound(m.need('iter'), facts) || isTestCode(loop, facts)) return;
    const label = m.need('label').text;
    const region = loop.type === 'for_statement' ? m.need('body') : loop.parent;
    if (!region) return;
    const selection = maskSelection(region, label, facts);
    if (!selection) return;
    // The loop needs each label's rows themselves and walks them in Python (kornia's per-class mAP matches every
    // detection): that walk, not the mask, is the cost, and no one-pass form replaces it.
    if (!selection.reducedOnly && walksRowsPerLabel(region)) return;
    const outer = repeatingLoop(loop, facts);
    const shown = `\`${oneLineText(selection.node.text)}\` compares all of \`${selection.labels}\` with \`${label}\` and selects by the mask on every iteration (N x K work, and a wait for the GPU each time${outer ? `, again on every pass of \`${outer}\`` : ''})`;
    ctx.report({
      node: selection.node,
      message: selection.reducedOnly
        ? `${shown}; one pass with \`index_add_\` / \`scatter_reduce\` and \`torch.bincount\` gives every label's sums and counts`
        : `${shown}; sort the rows by label once (\`argsort\`, or none when they come sorted, as from \`nonzero()\`) and \`torch.split\` them by the \`torch.bincount\` counts to get every label's rows in one pass`,
      ...(outer ? { severity: 'info' as const } : {}),
    });
  },
});

/**
 * The header of a loop around the label loop, in the same function, that runs it again and again: a `while` loop, a loop
 * over data (loopGrowsWithData), or `for _ in range(iters)` whose variable the body never reads (the passes of an
 * iterative algorithm: lightly's k-means inside a per-step regularizer). Null when none does (a loop over a few
 * literal values, or over layers or configuration entries, makes the label loop's cost a small multiple, not a new order).
 */
function repeatingLoop(loop: Node, facts: FileFacts): string | null {
  const start = loop.type === 'for_in_clause' ? (loop.parent ?? loop) : loop;
  for (const outer of enclosingLoops(start)) {
    if (isSmallLiteralLoop(outer, facts)) continue;
    if (outer.type === 'while_statement' || loopGrowsWithData(outer, facts) || unusedCounter(outer, facts)) {
      const header = outer.text.slice(0, outer.childForFieldName('body')!.startIndex - outer.startIndex).replace(/\s*:\s*$/, '');
      return header.length > 60 ? `${header.slice(0, 57)}...` : header;
    }
  }
  return null;
}

/** `for _ in range(n)` (n not a written number) whose loop variable nothing in the body reads: a repeat count. */
function unusedCounter(loop: Node, facts: FileFacts): boolean {
  const target = loop.childForFieldName('left');
  const iter = loop.childForFieldName('right');
  const body = loop.childForFieldName('body');
  if (loop.type !== 'for_statement' || target?.type !== 'identifier' || !iter || !body || !rangeWithBound(iter, facts)) return false;
  return findDescendants(body, (n) => n.type === 'identifier' && n.text === target.text).length === 0;
}

/** `range(n)` / `range(len(u))` with a bound that is not a written number: a loop over labels. */
function rangeWithBound(call: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'identifier' || fn.text !== 'range' || !facts.isBuiltin('range', call)) return false;
  const args = positionalArguments(call);
  return args.length > 0 && !args.every((a) => /^[\s\d+-]*$/.test(a.text));
}

/**
 * A subscript of a tensor by `labels == k` (or `k == labels`), alone or as the first key (`data[labels == k, :]`), where
 * `labels` is a tensor and `k` the loop's label: the node, the labels' text, and whether every such selection is only
 * reduced. Null otherwise.
 */
function maskSelection(region: Node, label: string, facts: FileFacts): { node: Node; labels: string; reducedOnly: boolean } | null {
  let found: { node: Node; labels: string; reducedOnly: boolean } | null = null;
  for (const sub of findDescendants(region, (n) => n.type === 'subscript', isNestedScope)) {
    const key = sub.childrenForFieldName('subscript').find((k) => k !== null && k.type !== 'comment');
    const value = sub.childForFieldName('value');
    if (!key || !value || key.type !== 'comparison_operator') continue;
    const ops = key.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
    const sides = key.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (ops.length !== 1 || ops[0] !== '==' || sides.length !== 2) continue;
    const other =
      sides[0].type === 'identifier' && sides[0].text === label ? sides[1] : sides[1].type === 'identifier' && sides[1].text === label ? sides[0] : null;
    if (!other || !tensorPlacement(other, sub, facts) || !tensorPlacement(value, sub, facts)) continue;
    found ??= { node: sub, labels: other.text, reducedOnly: true };
    // Per-label sums, means, extremes and counts have a one-pass form; a loop that needs the selected rows themselves
    // does not (see the check).
    if (!reduced(sub, region, facts, 0)) found.reducedOnly = false;
  }
  return found;
}

/** A loop inside the label loop's body (not in a nested def): each label's rows get walked in Python. */
function walksRowsPerLabel(region: Node): boolean {
  return findDescendants(region, (n) => n.type === 'for_statement' || n.type === 'while_statement', isNestedScope).length > 0;
}

/** Methods that reduce a tensor to per-label statistics: what index_add_ / scatter_reduce / bincount give in one pass. */
const REDUCTIONS = new Set(['sum', 'mean', 'nansum', 'nanmean', 'count_nonzero', 'numel', 'max', 'min', 'amax', 'amin', 'std', 'var', 'prod', 'norm', 'size']);
/** Element-wise methods, through which the selection reaches a reduction still row for row. */
const ELEMENTWISE = new Set(['pow', 'abs', 'square', 'float', 'double', 'exp', 'log', 'sqrt', 'to', 'clone', 'detach']);

/**
 * True when every use of the selection `expr` reduces it: `sel.mean(0)`, `sel.shape[0]`, `len(sel)`, `torch.sum(sel)`,
 * through element-wise arithmetic (`((sel - m) ** 2).sum()`), or through a name in the loop whose every use does.
 */
function reduced(expr: Node, region: Node, facts: FileFacts, depth: number): boolean {
  const p = expr.parent;
  if (!p || depth > 8) return false;
  switch (p.type) {
    case 'parenthesized_expression':
    case 'unary_operator':
    case 'binary_operator':
      return reduced(p, region, facts, depth + 1);
    case 'attribute': {
      if (!p.childForFieldName('object')?.equals(expr)) return false;
      const name = p.childForFieldName('attribute')?.text ?? '';
      const called = p.parent?.type === 'call' && p.parent.childForFieldName('function')?.equals(p) ? p.parent : null;
      if (name === 'shape') return p.parent?.type === 'subscript';
      if (called && REDUCTIONS.has(name)) return true;
      return called !== null && ELEMENTWISE.has(name) && reduced(called, region, facts, depth + 1);
    }
    case 'argument_list': {
      const call = p.parent;
      if (call?.type !== 'call') return false;
      const fn = call.childForFieldName('function');
      if (fn?.type === 'identifier' && fn.text === 'len') return facts.isBuiltin('len', fn);
      const name = facts.calleeName(call) ?? '';
      return /^torch\./.test(name) && REDUCTIONS.has(name.slice('torch.'.length));
    }
    case 'assignment': {
      const left = p.childForFieldName('left');
      if (!p.childForFieldName('right')?.equals(expr) || left?.type !== 'identifier') return false;
      const uses = findDescendants(region, (n) => n.type === 'identifier' && n.text === left.text && n.startIndex > p.endIndex, isNestedScope);
      return uses.length > 0 && uses.every((u) => reduced(u, region, facts, depth + 1));
    }
    default:
      return false;
  }
}
