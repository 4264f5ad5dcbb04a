import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  batchNamesOf,
  dataLoaderArgument,
  enclosingLoops,
  endsAfterFirstPass,
  FileFacts,
  findDescendants,
  hasSplatArguments,
  hostCopiesEachPass,
  identifiersSpelledInFile,
  isCudaDestination,
  isDataLoaderCall,
  isDataLoaderExpr,
  isNestedScope,
  ownReturnStatements,
  keywordArgument,
  keywordValue,
  positionalArguments,
  receiverRoot,
  transferDeviceTypes,
  unwrapIterable,
  valuesAssignedTo,
} from '../../server/analysis';
import { appendArgument } from '../../server/fixes';

const DEVICE_NAME = /device|(^|_)dev($|_)|gpu|cuda|rank/i;
/** A condition that tests which kind of device this is: a branch under it is blocking on purpose. */
const DEVICE_TYPE_TEST = /\.type\b|\bis_cuda\b|\bis_mps\b|["'](?:cuda|mps|cpu|xpu|xla|hpu|npu|meta)(?::\d+)?["']|\bmps\b|\bnon_blocking\b/;

const NOT_CUDA_REASON =
  'the destination is not visibly a CUDA GPU: on other accelerators a non-blocking copy is not ordered the same way ' +
  'with later host code, and on Apple MPS a known PyTorch issue makes non-blocking copies return wrong values';
const NOT_PINNED_REASON =
  "the loader's pin_memory=True is not visible in this loop (it is built elsewhere), so the copy may come from " +
  'pageable memory, where non_blocking gains nothing; check the loader pins memory and the device is a CUDA GPU';

export default defineRule({
  id: 'torch-to-device-blocking',
  title: 'Batch .to(device) in the data loop has no non_blocking=True',
  category: 'pytorch',
  severity: 'hint',
  // Opt-in (issue 24, round 57): blind reviews of review27-review32 judged all 31 of its findings noise, 0 useful. The copy a
  // batch loop makes is consumed by the forward pass at once, a batch of one or a per-step `.item()` leaves nothing to overlap,
  // and what non_blocking saves is too little to find by reading code. Asked for with `--select`, it still flags them.
  enabledByDefault: false,
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
      'flagged; see `torch-dataloader-pin-memory` for the rest. A branch that tests the device type (`if device.type != ' +
      '"cuda":`) is left blocking on purpose. The fix is safe only for a visibly CUDA destination in a loop over a ' +
      'DataLoader built with `pin_memory=True`.',
    example: {
      before: 'loader = DataLoader(ds, batch_size=64, pin_memory=True)\nfor x, y in loader:\n    x, y = x.to(device), y.to(device)',
      after:
        'loader = DataLoader(ds, batch_size=64, pin_memory=True)\nfor x, y in loader:\n    x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Copy asynchronously (non_blocking=True)',
    forms: [
      { safety: 'unsafe', when: 'when the device may not be a CUDA GPU (a parameter, an attribute, `"mps"`)', reason: NOT_CUDA_REASON },
      { safety: 'unsafe', when: "when the loop's DataLoader is built elsewhere (pinning inferred from the file)", reason: NOT_PINNED_REASON },
    ],
  },
  query: `
(call
  function: (attribute object: (_) @recv attribute: (identifier) @method)
  arguments: (argument_list)
  (#any-of? @method "to" "cuda")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const method = m.need('method').text;
    const facts = ctx.facts;
    // `async=True` is the pre-0.4 spelling of `non_blocking=True` (tree-sitter still parses it as a keyword):
    // the copy is already asynchronous on the PyTorch the code was written for.
    if (keywordArgument(call, 'non_blocking') || keywordArgument(call, 'async')) return;
    if (!isDeviceTransfer(call, method)) return;
    const root = receiverRoot(m.need('recv'));
    if (!root) return;
    const loop = dataLoop(call, root.text, facts);
    if (!loop) return;
    if (inDeviceTypeBranch(call, loop.loop)) return;
    // Nothing for an asynchronous copy to overlap with: vits' `evaluate` takes one batch and breaks, and a pass that copies
    // a result to the host (`test_loss += F.nll_loss(out, y).item()`) leaves the device idle for the next pass's copy.
    // Blind reviews judged all 13 such findings noise.
    if (endsAfterFirstPass(loop.loop) || syncsEachPass(loop.loop, facts)) return;
    const edit = appendArgument(ctx.text, call, 'non_blocking=True');
    const reason = !isCudaDestination(transferDeviceTypes(call, facts)) ? NOT_CUDA_REASON : loop.pinning === 'inferred' ? NOT_PINNED_REASON : undefined;
    ctx.report({
      start: m.need('method').startIndex,
      end: call.endIndex,
      message: `\`${root.text}\` from \`${loop.loader.text}\` is copied to the GPU synchronously; add \`non_blocking=True\` (effective with pinned memory)`,
      edits: edit ? [edit] : undefined,
      safety: reason ? 'unsafe' : 'safe',
      reason,
    });
  },
});

/**
 * The loop's body copies a computed value to the host on every pass (`loss.item()`, `pred.eq(y).cpu()`). A copy of a batch
 * the loader gave (`y.cpu()`) does not count: that tensor may still be on the host, where the copy waits for nothing.
 */
function syncsEachPass(loop: Node, facts: FileFacts): boolean {
  const batches = batchNamesOf(loop, facts);
  return hostCopiesEachPass(loop).some((copy) => {
    const recv = copy.childForFieldName('function')?.childForFieldName('object');
    const root = recv ? receiverRoot(recv) : null;
    return !root || !batches.includes(root.text);
  });
}

/**
 * The call sits in a branch (between it and the loop) whose condition tests the device type:
 * `if device.type != "cuda": x = x.to(device)` keeps other accelerators blocking on purpose.
 */
function inDeviceTypeBranch(call: Node, loop: Node): boolean {
  for (let n = call.parent; n && !n.equals(loop); n = n.parent) {
    if (n.type === 'if_statement' || n.type === 'elif_clause' || n.type === 'conditional_expression') {
      const cond = n.type === 'conditional_expression' ? n.namedChild(1) : n.childForFieldName('condition');
      if (cond && !cond.equals(call) && DEVICE_TYPE_TEST.test(cond.text)) return true;
    }
  }
  return false;
}

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
function dataLoop(call: Node, name: string, facts: FileFacts): { loop: Node; loader: Node; pinning: Pinning } | null {
  for (const loop of enclosingLoops(call)) {
    if (loop.type !== 'for_statement') continue;
    const right = loop.childForFieldName('right');
    if (!right) continue;
    const { inner } = unwrapIterable(right, facts);
    if (!isDataLoaderExpr(inner, facts)) continue;
    if (!batchNamesOf(loop, facts).includes(name)) return null;
    const pinning = pinned(inner, facts);
    if (!pinning) return null;
    return { loop, loader: inner, pinning };
  }
  return null;
}

/**
 * `train_loader, test_loader = prepare_dataset()` with `prepare_dataset` a function of the file ending in
 * `return train_loader, test_loader`: the values that function assigns to the returned name at that position.
 */
function unpackedFromHelper(name: Node, facts: FileFacts): Node[] {
  let scope: Node | null = name.parent;
  while (scope && scope.type !== 'function_definition' && scope.type !== 'module') scope = scope.parent;
  if (!scope) return [];
  const out: Node[] = [];
  const unpackings = findDescendants(
    scope,
    (n) => n.type === 'assignment' && n.childForFieldName('left')?.type === 'pattern_list' && n.childForFieldName('right')?.type === 'call',
    (n) => !n.equals(scope) && isNestedScope(n),
  );
  for (const assignment of unpackings) {
    const position = assignment.childForFieldName('left')!.namedChildren.findIndex((t) => t?.type === 'identifier' && t.text === name.text);
    const fn = assignment.childForFieldName('right')!.childForFieldName('function');
    if (position < 0 || fn?.type !== 'identifier') continue;
    const def = identifiersSpelledInFile(facts, fn.text).find(
      (id) => id.parent?.type === 'function_definition' && id.parent.childForFieldName('name')?.equals(id),
    )?.parent;
    if (!def) continue;
    for (const ret of ownReturnStatements(def)) {
      const value = ret.namedChild(0);
      const element = value?.type === 'expression_list' || value?.type === 'tuple' ? value.namedChildren[position] : null;
      if (element?.type === 'identifier') out.push(...valuesAssignedTo(element.text, element, facts));
      else if (element?.type === 'call') out.push(element);
    }
  }
  return out;
}

/** 'visible': the loop's DataLoader call is in view with pin_memory=True; 'inferred': only the file says so. */
type Pinning = 'visible' | 'inferred' | null;

/**
 * Whether the batches are (probably) pinned: a DataLoader for this loader visible in the scope with
 * `pin_memory=True`; otherwise, when the construction is not visible or forwards `**kwargs`, any
 * `pin_memory=True` (or `'pin_memory': True`) in the file.
 */
function pinned(loader: Node, facts: FileFacts): Pinning {
  const calls = loader.type === 'call' ? [loader] : loader.type === 'identifier' ? valuesAssignedTo(loader.text, loader, facts) : [];
  const loaders = calls.filter((c) => c.type === 'call' && isDataLoaderCall(c, facts));
  const visible = loaders.filter((c) => !c.childForFieldName('arguments')?.namedChildren.some((a) => a?.type === 'dictionary_splat'));
  if (visible.length > 0 && visible.length === loaders.length) {
    const pins = (c: Node) => dataLoaderArgument(c, 'pin_memory')?.type === 'true';
    // Every construction must pin for the copy to be from pinned memory for sure.
    return visible.every(pins) ? 'visible' : visible.some(pins) ? 'inferred' : null;
  }
  // A parameter of this function: a call site of the file that passes a visibly unpinned loader settles it.
  if (loader.type === 'identifier' && passedUnpinnedLoader(loader, facts)) return null;
  return /pin_memory['"]?\s*[:=]\s*True/.test(facts.text) ? 'inferred' : null;
}

/**
 * `def evaluate(model, loader): for x in loader: ...` called somewhere in the file with a DataLoader
 * built in view without `pin_memory=True` (`evaluate(model, test_loader)`): those batches are not pinned.
 */
function passedUnpinnedLoader(param: Node, facts: FileFacts): boolean {
  let def: Node | null = param.parent;
  while (def && def.type !== 'function_definition') def = def.parent;
  const fname = def?.childForFieldName('name');
  const params = (def?.childForFieldName('parameters')?.namedChildren ?? []).filter((p): p is Node => p !== null);
  const index = params.findIndex((p) => (p.type === 'identifier' ? p.text : p.childForFieldName('name')?.text) === param.text);
  if (!def || !fname || index < 0) return false;
  for (const id of identifiersSpelledInFile(facts, fname.text)) {
    const call = id.parent;
    if (call?.type !== 'call' || !call.childForFieldName('function')?.equals(id)) continue;
    const arg = keywordValue(call, param.text) ?? positionalArguments(call)[index];
    const built = !arg ? [] : arg.type === 'identifier' ? [...valuesAssignedTo(arg.text, arg, facts), ...unpackedFromHelper(arg, facts)] : [arg];
    const unpinned = (c: Node) =>
      c.type === 'call' && isDataLoaderCall(c, facts) && !hasSplatArguments(c) && dataLoaderArgument(c, 'pin_memory')?.type !== 'true';
    if (built.some(unpinned)) return true;
  }
  return false;
}
