import { defineRule, GENERIC_LOOP_RULES } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  chainRoot,
  enclosingTrainingLoop,
  enclosingTrainStep,
  FileFacts,
  findDescendants,
  isNestedScope,
  isTestCode,
  isUnderLoggingGuard,
  targetNames,
  type TrainingLoop,
  usesAccelerator,
} from '../../server/analysis';

const SYNC_METHODS = new Set(['item', 'cpu', 'numpy', 'tolist']);

const WHAT: Record<string, string> = {
  item: 'copies a scalar to the host and waits for the GPU',
  cpu: 'copies to the host and waits for the GPU',
  numpy: 'copies to the host and waits for the GPU',
  tolist: 'copies to the host and waits for the GPU',
};

export default defineRule({
  id: 'torch-sync-in-training-loop',
  title: '.item(), .cpu(), .numpy() or .tolist() on every step of a training loop',
  category: 'pytorch',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency',
  requires: ['torch'],
  // A loop that syncs per step is about the sync, not about a comprehension or sum() over the same steps.
  supersedes: GENERIC_LOOP_RULES,
  message: 'A host sync (`.item()`/`.cpu()`) on every training step stalls the GPU queue; accumulate on the device and sync every N steps',
  docs: {
    why:
      'CUDA kernels run asynchronously: the Python loop normally queues the next step while the GPU is still busy. ' +
      '`.item()`, `.cpu()`, `.numpy()` and `.tolist()` on a GPU tensor must wait until every queued kernel has ' +
      'finished and then copy the value back, so calling one on every step drains the queue and the GPU idles ' +
      'while Python catches up.',
    instead:
      'Accumulate on the device (`running_loss += loss.detach()`) and call `.item()` once per epoch, or inside a ' +
      'logging guard such as `if step % 100 == 0:`. Calls under such guards are not flagged.',
    example: {
      before:
        'running_loss = 0.0\nfor x, y in loader:\n    loss = loss_fn(model(x.to(device)), y.to(device))\n    loss.backward()\n    optimizer.step()\n    running_loss += loss.item()',
      after:
        'running_loss = torch.zeros((), device=device)\nfor x, y in loader:\n    loss = loss_fn(model(x.to(device)), y.to(device))\n    loss.backward()\n    optimizer.step()\n    running_loss += loss.detach()\nprint(running_loss.item())',
    },
  },
  query: `
(call
  function: (attribute object: (_) @recv attribute: (identifier) @method)
  arguments: (argument_list) @args
  (#any-of? @method "item" "cpu" "numpy" "tolist")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const recv = m.need('recv');
    const method = m.need('method').text;
    const facts = ctx.facts;
    if (!usesAccelerator(facts)) return;
    if (isTestCode(call)) return;
    // `arr.item(0)`, `x.tolist(...)` with positional arguments are NumPy's signatures, not a tensor's.
    if (m.need('args').namedChildren.some((a) => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument')) return;

    const loop = enclosingTrainingLoop(call, facts);
    const step = loop ? null : enclosingTrainStep(call, facts);
    if (loop ? loop.framework !== 'torch' : step?.framework !== 'torch' || step.compiled) return;
    // Full-batch training (`for epoch in range(n_epochs)`): one iteration is an epoch, so a sync is once per epoch.
    if (loop?.perEpoch) return;
    if (isUnderLoggingGuard(call, loop ? loop.node : step!.node)) return;
    if (chainHasEarlierSync(recv)) return;
    if (!mayBeDeviceTensor(recv, loop, facts)) return;

    const shown = recv.text.length > 40 ? `${recv.text.slice(0, 37)}...` : recv.text;
    const where = loop ? 'on every training step' : `on every call of train step \`${step!.name}\``;
    ctx.report({
      start: m.need('method').startIndex,
      end: call.endIndex,
      construct: loop?.node,
      message: `\`${shown}.${method}()\` ${WHAT[method]} ${where}; keep it on the device and sync every N steps`,
    });
  },
});

/** `x.cpu().numpy()`: only the first sync in a chain is reported. */
function chainHasEarlierSync(recv: Node): boolean {
  for (let n: Node | null = recv; n;) {
    if (n.type === 'call') {
      const fn: Node | null = n.childForFieldName('function');
      if (fn?.type === 'attribute' && SYNC_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) return true;
      n = fn;
    } else if (n.type === 'attribute') {
      n = n.childForFieldName('object');
    } else if (n.type === 'subscript') {
      n = n.childForFieldName('value');
    } else if (n.type === 'parenthesized_expression') {
      n = n.namedChild(0);
    } else {
      return false;
    }
  }
  return false;
}

/**
 * False for receivers that are surely not GPU tensors: the raw batch from the DataLoader (still on
 * the host until moved), the loop index, or a value from another imported library (`np.*`).
 */
function mayBeDeviceTensor(recv: Node, loop: TrainingLoop | null, facts: FileFacts): boolean {
  const root = chainRoot(recv, { throughCalls: true }); // `out` for `out.logits.argmax(-1)`
  if (!root) return true;
  const binding = facts.binding(root.text);
  if (binding && !binding.target.startsWith('torch')) return false;
  if (!loop) return true;
  if (root.text === loop.indexName) return false;
  if (loop.batchNames.includes(root.text) && !reassignedIn(loop.node, root.text)) return false;
  return true;
}

function reassignedIn(loop: Node, name: string): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return findDescendants(body, (n) => n.type === 'assignment' || n.type === 'augmented_assignment', isNestedScope).some((a) => {
    const left = a.childForFieldName('left');
    return left !== null && targetNames(left).includes(name);
  });
}
