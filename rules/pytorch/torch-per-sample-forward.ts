import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingLoop, FileFacts, findDescendants, isNestedScope, isTestCode, isTestFile, targetNames } from '../../server/analysis';

const MODEL_ATTR = /model|net|encoder|decoder|backbone|classifier|module|policy|forward/i;

export default defineRule({
  id: 'torch-per-sample-forward',
  title: 'The model is called once per sample in a Python loop',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency',
  requires: ['torch'],
  message: 'The model runs once per sample (a batch of one); stack the samples and make one batched call',
  docs: {
    why:
      'Each forward pass has a fixed cost (Python dispatch, kernel launches, small matrix products that leave the ' +
      'GPU mostly idle). Adding a batch dimension of one to every sample (`x.unsqueeze(0)`, `x[None]`, ' +
      '`X[i:i+1]`) and looping pays that cost per sample; one batched call amortises it and keeps the device busy.',
    instead:
      'Stack the samples into one tensor and call the model once (`model(torch.stack(samples))`), or iterate ' +
      'over batches of a DataLoader. Split very large inputs into chunks rather than single samples.',
    example: {
      before: 'preds = [model(x.unsqueeze(0)) for x in samples]',
      after: 'preds = model(torch.stack(samples))',
    },
  },
  query: `
(call
  function: (attribute object: (_) @sample attribute: (identifier) @m)
  arguments: (argument_list . [(integer) @one (keyword_argument value: (integer) @one)] .)
  (#eq? @m "unsqueeze")
  (#eq? @one "0")) @single
(call
  function: (attribute object: (identifier) @torch attribute: (identifier) @m)
  arguments: (argument_list . [(identifier) (subscript) (attribute) (call)] @sample . [(integer) @one (keyword_argument value: (integer) @one)] .)
  (#eq? @m "unsqueeze")
  (#eq? @one "0")) @single
(call
  function: (attribute object: (_) @sample attribute: (identifier) @m)
  arguments: (argument_list . (integer) @one)
  (#any-of? @m "view" "reshape")
  (#eq? @one "1")) @single
(subscript value: (_) @sample . subscript: (none)) @single
(subscript value: (_) @sample subscript: (slice . (identifier) @i . (binary_operator left: (identifier) @i2 right: (integer) @one))
  (#eq? @one "1")) @single`,
  check(m, ctx) {
    const single = m.need('single');
    const sample = m.need('sample');
    const i = m.get('i');
    if (i && i.text !== m.need('i2').text) return;
    // `ids[:, t:t + 1]`: a slice of another axis (a token position), not one sample of the batch.
    if (single.type === 'subscript' && single.childrenForFieldName('subscript').length !== 1) return;
    // Tests compare one-sample calls with batched ones on purpose.
    if (isTestFile(ctx.filePath) || isTestCode(single)) return;
    // The one-sample batch (possibly through `.to(device)`, `.float()`, ...) must be an argument of a model call.
    let arg = single;
    while (arg.parent?.type === 'attribute' && arg.parent.parent?.type === 'call' && arg.parent.parent.childForFieldName('function')?.equals(arg.parent)) {
      arg = arg.parent.parent;
    }
    // `torch.unsqueeze(x, 0)`: the function form, only when it is torch's.
    if (m.get('torch') && ctx.facts.calleeName(single) !== 'torch.unsqueeze') return;
    const call = arg.parent?.type === 'argument_list' ? arg.parent.parent : modelCallOfBoundBatch(arg, ctx.facts);
    if (call?.type !== 'call' || !isModelCallee(call.childForFieldName('function'), ctx.facts)) return;
    const loop = perSampleLoop(single, sample, i?.text ?? null, ctx.facts);
    if (!loop) return;
    ctx.report({
      node: call,
      message: `\`${call.childForFieldName('function')!.text}(...)\` runs once per item of \`${loop}\` with a batch of one; stack the samples and make one batched call`,
    });
  },
});

/**
 * `x = torch.unsqueeze(sample, 0).to(device)` as a statement of the loop body, then `model(x)` in a
 * later statement of the same body before x is bound again: the model call that gets the batch of one.
 */
function modelCallOfBoundBatch(value: Node, facts: FileFacts): Node | null {
  const assignment = value.parent;
  const left = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(value) ? assignment.childForFieldName('left') : null;
  const stmt = assignment?.parent;
  if (left?.type !== 'identifier' || stmt?.type !== 'expression_statement' || stmt.parent?.type !== 'block') return null;
  const name = left.text;
  for (let next = stmt.nextNamedSibling; next; next = next.nextNamedSibling) {
    const calls = findDescendants(next, (n) => n.type === 'call', isNestedScope);
    const call = calls.find(
      (c) =>
        isModelCallee(c.childForFieldName('function'), facts) &&
        (c.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'identifier' && a.text === name) ?? false),
    );
    if (call) return call;
    // Bound again (or in a nested block that may rebind it): what the model sees is no longer the batch of one.
    if (findDescendants(next, (n) => n.type === 'identifier' && n.text === name && isBindingTarget(n), isNestedScope).length > 0) return null;
  }
  return null;
}

function isBindingTarget(id: Node): boolean {
  for (let n: Node = id; n.parent; n = n.parent) {
    const p: Node = n.parent;
    if ((p.type === 'assignment' || p.type === 'augmented_assignment' || p.type === 'for_statement') && p.childForFieldName('left')?.equals(n)) return true;
    if (p.type !== 'pattern_list' && p.type !== 'tuple_pattern' && p.type !== 'list_pattern') return false;
  }
  return false;
}

function isModelCallee(fn: Node | null, facts: FileFacts): boolean {
  if (!fn) return false;
  if (fn.type === 'identifier') {
    if (facts.binding(fn.text)) return false;
    return !['print', 'len', 'list', 'tuple', 'float', 'int', 'str', 'repr', 'sum', 'max', 'min', 'sorted', 'isinstance', 'type'].includes(fn.text);
  }
  if (fn.type === 'attribute') {
    const obj = fn.childForFieldName('object');
    const attr = fn.childForFieldName('attribute')?.text ?? '';
    if (obj?.type === 'identifier' && facts.binding(obj.text)) return false; // torch.stack, np.array, F.softmax
    return MODEL_ATTR.test(attr);
  }
  return false;
}

/**
 * The iterable (as text) of the innermost loop or comprehension that yields the sample: the
 * sample is the loop variable (`for x in samples`) or `xs[i]` / `X[i:i+1]` with `i` the loop index.
 */
function perSampleLoop(single: Node, sample: Node, sliceIndex: string | null, facts: FileFacts): string | null {
  const loop = enclosingLoop(single, true);
  if (!loop) return null;
  let left: Node | null = null;
  let right: Node | null = null;
  if (loop.type === 'for_statement') {
    left = loop.childForFieldName('left');
    right = loop.childForFieldName('right');
  } else if (loop.type !== 'while_statement') {
    const clause = loop.namedChildren.find((c) => c?.type === 'for_in_clause') ?? null;
    left = clause?.childForFieldName('left') ?? null;
    right = clause?.childForFieldName('right') ?? null;
  }
  if (!left || !right) return null;
  const names = targetNames(left);
  const isRange = right.type === 'call' && right.childForFieldName('function')?.text === 'range' && facts.isBuiltin('range', right);
  if (sliceIndex !== null) return names.includes(sliceIndex) && isRange ? sample.text : null;
  if (sample.type === 'identifier') return names.includes(sample.text) && !isRange ? right.text : null;
  if (sample.type === 'subscript') {
    const index = sample.childForFieldName('subscript');
    const value = sample.childForFieldName('value');
    if (index?.type === 'identifier' && names.includes(index.text) && isRange && value) return value.text;
  }
  return null;
}
