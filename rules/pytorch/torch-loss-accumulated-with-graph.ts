import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingLoop, FileFacts, findDescendants, isNestedScope, isNumberLiteral, isTestCode, scopeOf, valuesAssignedTo } from '../../server/analysis';
import { replaceNode } from '../../server/fixes';

const FIX_REASON =
  'the total no longer requires grad: printing it shows no `grad_fn`, and code that later differentiated through it (a ' +
  'backward pass on the sum) would need the graph back';

export default defineRule({
  id: 'torch-loss-accumulated-with-graph',
  title: "A training loop sums its loss tensors without `.detach()`, keeping every step's autograd graph",
  category: 'pytorch',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pytorch-gpu-efficiency#summing-losses-without-their-graphs',
  requires: ['torch'],
  message: "`total += loss` links every step's autograd graph into the running total; add `.detach()` to sum the values only",
  docs: {
    why:
      'A loss that `backward()` runs on is a tensor with autograd history. Added to a running total that starts as a Python ' +
      'number, it turns the total into a tensor that requires grad, and each later `+=` adds a node that points at that ' +
      "step's graph. None of those graphs can be freed until the loop ends, so memory grows with every step and the loop " +
      'slows down as it goes; the total is only ever read as a number.',
    instead:
      'Add `loss.detach()`: the same value, on the same device, without the history, and without the wait for the GPU that ' +
      '`loss.item()` would add on every step. Call `.item()` on the total once, when it is printed or logged. A total that ' +
      'the code later calls `backward()` on (gradient accumulation written as one sum) needs the graph and is not reported.',
    example: {
      before:
        'total_loss = 0.0\nfor x, y in loader:\n    loss = loss_fn(model(x), y)\n    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    total_loss += loss',
      after:
        'total_loss = 0.0\nfor x, y in loader:\n    loss = loss_fn(model(x), y)\n    optimizer.zero_grad()\n    loss.backward()\n    optimizer.step()\n    total_loss += loss.detach()',
    },
  },
  fix: { safety: 'unsafe', title: 'Add .detach() to the loss', reason: FIX_REASON },
  query: `
(augmented_assignment
  left: (identifier) @total
  operator: "+="
  right: (identifier) @loss) @sum`,
  check(m, ctx) {
    const sum = m.need('sum');
    const total = m.need('total').text;
    const loss = m.need('loss');
    const loop = enclosingLoop(sum);
    if (!loop || isTestCode(sum, ctx.facts)) return;
    // archai's `for _ in range(gradient_accumulation_steps)`: the micro-batches of one optimizer step, a handful, each
    // already through backward() (which frees its saved activations), so the sum keeps a few small autograd nodes alive
    // until the step returns (a blind review judged the claimed build-up wrong there).
    if (overAccumulationSteps(loop)) return;
    const scope = scopeOf(sum);
    // The loss is what this loop differentiates: `loss.backward()` (directly, or through a grad scaler, Accelerate or
    // Fabric) on the same name, in the same loop and before the sum.
    const backward = findDescendants(loop, (n) => n.startIndex < sum.startIndex && isBackwardOn(n, loss.text), isNestedScope)[0];
    if (!backward) return;
    // The name still holds that tensor: not rebound between the backward pass and the sum (`loss = loss.item()`).
    if (reboundBetween(loop, loss.text, backward, sum)) return;
    // The total starts as a Python number before the loop (`total_loss = 0`): a number summed from tensors, not a tensor
    // the code meant to differentiate.
    if (!startsAsNumber(total, loop, ctx.facts)) return;
    // A total the code differentiates later (`total.backward()`) needs the graph.
    if (findDescendants(scope, (n) => isBackwardOn(n, total), isNestedScope).length > 0) return;
    ctx.report({
      node: sum,
      message:
        `\`${total} += ${loss.text}\` links every step's autograd graph into \`${total}\`, so none is freed before the loop ends; ` +
        `add \`.detach()\` to sum the values only`,
      edits: [replaceNode(loss, `${loss.text}.detach()`)],
    });
  },
});

/** The loop is `for _ in range(<gradient accumulation steps>)`: the few micro-batches of one optimizer step. */
function overAccumulationSteps(loop: Node): boolean {
  if (loop.type !== 'for_statement') return false;
  const iter = loop.childForFieldName('right');
  if (iter?.type !== 'call' || iter.childForFieldName('function')?.text !== 'range') return false;
  const args = iter.childForFieldName('arguments')?.namedChildren.filter((a) => a !== null && a.type !== 'comment') ?? [];
  return args.length === 1 && /accum/i.test(args[0]!.text);
}

/** `name.backward()` or `x.backward(name)` / `scaler.scale(name).backward()` / `accelerator.backward(name)`. */
function isBackwardOn(n: Node, name: string): boolean {
  if (n.type !== 'call') return false;
  const fn = n.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'backward') return false;
  const owner = fn.childForFieldName('object');
  if (owner?.type === 'identifier' && owner.text === name) return true;
  // `scaler.scale(loss).backward()`
  if (owner?.type === 'call' && owner.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'identifier' && a.text === name)) return true;
  // `accelerator.backward(loss)`, `fabric.backward(loss)`
  const first = n.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'comment');
  return first?.type === 'identifier' && first.text === name;
}

/** An assignment to `name` in the loop after its backward call and before the sum. */
function reboundBetween(loop: Node, name: string, backward: Node, sum: Node): boolean {
  return (
    findDescendants(
      loop,
      (n) =>
        (n.type === 'assignment' || n.type === 'augmented_assignment') &&
        n.startIndex > backward.endIndex &&
        n.endIndex <= sum.startIndex &&
        n.childForFieldName('left')?.text === name,
      isNestedScope,
    ).length > 0
  );
}

/** The last value assigned to `name` before `loop` in its scope is a number literal (`total_loss = 0`, `= 0.0`). */
function startsAsNumber(name: string, loop: Node, facts: FileFacts): boolean {
  const before = valuesAssignedTo(name, loop, facts).filter((v) => v.endIndex <= loop.startIndex);
  const last = before[before.length - 1];
  return !!last && isNumberLiteral(last);
}
