import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { chainRoot, dataLoaderArgument, enclosingLoops, FileFacts, isDataLoaderCall, isDataLoaderExpr, keywordArgument, keywordValue, positionalArguments, targetNames, unwrapIterable, valuesAssignedTo } from '../../server/analysis';
import { appendArgument } from '../../server/fixes';

const DEVICE_NAME = /device|(^|_)dev($|_)|gpu|cuda|rank/i;

export default defineRule({
  id: 'torch-to-device-blocking',
  title: 'Batch .to(device) in the data loop has no non_blocking=True',
  category: 'pytorch',
  severity: 'hint',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency',
  requires: ['torch'],
  message: 'The batch is copied to the GPU synchronously; with a pinned-memory DataLoader, `non_blocking=True` overlaps the copy with compute',
  docs: {
    why:
      'A plain `.to(device)` of a host tensor blocks the Python thread until the copy has finished. When the ' +
      'DataLoader pins its batches (`pin_memory=True`), `non_blocking=True` makes the copy asynchronous on the ' +
      'current CUDA stream, so Python can queue the forward pass while the data is still in flight. Without ' +
      'pinned memory it gains little; PyTorch notes that pinning a tensor by hand just to copy it once can even be slower.',
    instead:
      'Write `x.to(device, non_blocking=True)` for batches that come from a DataLoader created with `pin_memory=True`. ' +
      'Only loops whose DataLoader pins memory (or, when it is built elsewhere, files that use `pin_memory=True`) are ' +
      'flagged; see `torch-dataloader-pin-memory` for the rest.',
    example: {
      before: 'loader = DataLoader(ds, batch_size=64, pin_memory=True)\nfor x, y in loader:\n    x, y = x.to(device), y.to(device)',
      after:
        'loader = DataLoader(ds, batch_size=64, pin_memory=True)\nfor x, y in loader:\n    x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)',
    },
  },
  fix: { safety: 'safe', title: 'Copy asynchronously (non_blocking=True)' },
  query: `
(call
  function: (attribute object: (_) @recv attribute: (identifier) @method)
  arguments: (argument_list)
  (#any-of? @method "to" "cuda")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const method = m.need('method').text;
    const facts = ctx.facts;
    if (keywordArgument(call, 'non_blocking')) return;
    if (!isDeviceTransfer(call, method)) return;
    const root = chainRoot(m.need('recv'));
    if (!root) return;
    const loop = dataLoop(call, root.text, facts);
    if (!loop) return;
    const edit = appendArgument(ctx.text, call, 'non_blocking=True');
    ctx.report({
      start: m.need('method').startIndex,
      end: call.endIndex,
      message: `\`${root.text}\` from \`${loop.loader.text}\` is copied to the GPU synchronously; add \`non_blocking=True\` (effective with pinned memory)`,
      edits: edit ? [edit] : undefined,
    });
  },
});

/** `.to(device)`, `.to("cuda")`, `.to(device=..., dtype=...)`, `.cuda()`, `.cuda(rank)`; not `.to(torch.float16)`. */
function isDeviceTransfer(call: Node, method: string): boolean {
  const positional = positionalArguments(call);
  if (method === 'cuda') return positional.length <= 1;
  const device = keywordValue(call, 'device') ?? positional[0];
  if (!device) return false;
  if (device.type === 'string') return /^[rbuRBU]*['"]cuda/.test(device.text);
  if (device.type === 'call') return /(^|\.)device$/.test(device.childForFieldName('function')?.text ?? '');
  const last = device.type === 'attribute' ? device.childForFieldName('attribute')?.text : device.type === 'identifier' ? device.text : null;
  return last !== null && last !== undefined && DEVICE_NAME.test(last);
}

/**
 * The enclosing for loop over a DataLoader whose target binds `name`, unless that DataLoader is
 * visible in this file and does not pin memory.
 */
function dataLoop(call: Node, name: string, facts: FileFacts): { loop: Node; loader: Node } | null {
  for (const loop of enclosingLoops(call)) {
    if (loop.type !== 'for_statement') continue;
    const left = loop.childForFieldName('left');
    const right = loop.childForFieldName('right');
    if (!left || !right) continue;
    const { inner, enumerated } = unwrapIterable(right, facts);
    if (!isDataLoaderExpr(inner, facts)) continue;
    const bound = enumerated && left.namedChildCount >= 2 ? left.namedChildren.slice(1).flatMap((c) => (c ? targetNames(c) : [])) : targetNames(left);
    if (!bound.includes(name)) return null;
    if (!pinned(inner, facts)) return null;
    return { loop, loader: inner };
  }
  return null;
}

/**
 * Whether the batches are (probably) pinned: a DataLoader for this loader visible in the scope with
 * `pin_memory=True`; otherwise, when the construction is not visible or forwards `**kwargs`, any
 * `pin_memory=True` (or `'pin_memory': True`) in the file.
 */
function pinned(loader: Node, facts: FileFacts): boolean {
  const calls = loader.type === 'call' ? [loader] : loader.type === 'identifier' ? valuesAssignedTo(loader.text, loader, facts) : [];
  const loaders = calls.filter((c) => c.type === 'call' && isDataLoaderCall(c, facts));
  const visible = loaders.filter((c) => !c.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'dictionary_splat'));
  if (visible.length > 0 && visible.length === loaders.length) {
    return visible.some((c) => dataLoaderArgument(c, 'pin_memory')?.type === 'true');
  }
  return /pin_memory['"]?\s*[:=]\s*True/.test(facts.text);
}
