import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  batchTransfers,
  DATALOADER_CALL_QUERY,
  dataLoaderArgument,
  datasetInfo,
  DEVICE_TEXT,
  enclosingLoop,
  FileFacts,
  fewBatchesPerPass,
  fileFunctionDef,
  identifiersSpelledInFile,
  integerValueOf,
  isCudaDestination,
  ownReturnStatements,
  isJudgeableDataLoaderCall,
  isTestCode,
  isTestFile,
  iteratorBatchTransfers,
  keywordArgument,
  loopsOverLoader,
  methodCallsIn,
  smallImageDataset,
  transferDeviceTypes,
} from '../../server/analysis';
import { appendArgument, replaceNode } from '../../server/fixes';

const PINNING_REASON =
  'pinning has costs of its own: without a CUDA device PyTorch warns on every loader, it initialises CUDA in the ' +
  'parent process (a later fork-based CUDA worker then fails), and each batch takes page-locked memory; it raises ' +
  'if the dataset already returns CUDA tensors';

export default defineRule({
  id: 'torch-dataloader-pin-memory',
  title: 'GPU training DataLoader has no pin_memory=True',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-data-loading',
  requires: ['torch'],
  // A pinned copy saves a little on each batch: over a long training run, not in an example, a course notebook or a book chapter.
  paysOffAtScale: true,
  message: 'The batches of this `DataLoader` go to the GPU but are not pinned; pass `pin_memory=True` for faster host-to-GPU copies',
  docs: {
    why:
      'A copy from ordinary (pageable) host memory to the GPU is staged through a pinned buffer by the driver, ' +
      'which is slower and cannot overlap with computation. With `pin_memory=True` the DataLoader puts each ' +
      'batch in page-locked memory, so `.to(device)` copies faster and can run asynchronously with ' +
      '`non_blocking=True`. Only loaders whose batches a loop visibly sends to a CUDA device or the current accelerator ' +
      '(a for loop over it, or `next()` on an iterator over it inside a loop; in the same function, or where a builder of the file that returns the loader is called) are checked, outside tests, and never when the dataset already puts its samples on the GPU (pinning would raise). ' +
      'Small copies are left alone: in-memory tensor datasets, MNIST-sized images and `batch_size=1`. Copies that gain ' +
      'little rank low (a hint): CIFAR- and SVHN-sized images, batches of 32 samples or fewer, a pass of a few batches, and ' +
      'a loader without worker processes, whose main process pins each batch itself.',
    instead: 'Pass `pin_memory=True` to the DataLoader (and `non_blocking=True` to the `.to(device)` calls on its batches).',
    example: {
      before: 'loader = DataLoader(ds, batch_size=64, num_workers=4)\nfor x, y in loader:\n    x = x.to("cuda")',
      after: 'loader = DataLoader(ds, batch_size=64, num_workers=4, pin_memory=True)\nfor x, y in loader:\n    x = x.to("cuda", non_blocking=True)',
    },
  },
  fix: { safety: 'unsafe', title: 'Pin batch memory (pin_memory=True)', reason: PINNING_REASON },
  query: DATALOADER_CALL_QUERY,
  check(m, ctx) {
    const call = m.need('call');
    const facts = ctx.facts;
    if (!isJudgeableDataLoaderCall(call, facts)) return;
    // Tests run on CPU-only machines, where pinning only warns.
    if (isTestFile(ctx.filePath) || isTestCode(call)) return;
    // `pin_memory_device=` means the author configured pinning explicitly.
    if (keywordArgument(call, 'pin_memory_device')) return;
    // Samples the dataset already puts on a GPU cannot be pinned (pinning raises).
    const dataset = dataLoaderArgument(call, 'dataset');
    const info = datasetInfo(dataset, facts);
    if (info.onDevice || (dataset && /\.cuda\s*\(|\bdevice\b|["']cuda/.test(dataset.text))) return;
    // ...and so can a batch the collate function builds on the GPU (F5-TTS' benchmark: `collate_fn=lambda x:
    // data_collator(x, ...)`, whose `ref_audio.to("cuda")` makes the batch; review51 judged the advice wrong twice).
    if (collatesOnDevice(call)) return;
    // Pinning pays off on large batches: not on tensors already in memory (move the whole set to the GPU once
    // instead), 28x28 digits, or one sample per batch, where it saves microseconds per copy.
    if (info.kind === 'memory' || info.tinySamples || isOneSampleBatch(call)) return;
    // Only a loader whose batches a loop of this file sends to a CUDA GPU (or the current accelerator).
    const destination = batchDestination(call, facts);
    if (destination === 'none') return;
    const fixable = destination === 'cuda';
    const lowImpact = smallCopies(call, dataset, facts) ?? undefined;

    const value = dataLoaderArgument(call, 'pin_memory');
    if (value) {
      if (value.type !== 'false') return;
      ctx.report({
        node: keywordArgument(call, 'pin_memory') ?? value,
        message: '`pin_memory=False` on a loader whose batches go to the GPU: pinned batches copy to the GPU faster',
        edits: fixable ? [replaceNode(value, 'True')] : undefined,
        lowImpact,
      });
      return;
    }
    const edit = fixable ? appendArgument(ctx.text, call, 'pin_memory=True') : null;
    ctx.report({ node: call.childForFieldName('function') ?? call, edits: edit ? [edit] : undefined, lowImpact });
  },
});

/**
 * The loader's `collate_fn` is a function of this file (by name, or called by the lambda given) whose body moves tensors
 * to a device: its batches are on the GPU already, where pinning raises.
 */
function collatesOnDevice(call: Node): boolean {
  const collate = dataLoaderArgument(call, 'collate_fn');
  if (!collate) return false;
  const names = collate.type === 'identifier' ? [collate] : collate.type === 'lambda' ? calledNames(collate) : [];
  return names.some((name) => {
    const def = fileFunctionDef(name, call);
    return def !== null && DEVICE_TEXT.test(def.text);
  });
}

/** The bare names a lambda calls: `data_collator` in `lambda x: data_collator(x, vocab)`. */
function calledNames(lambda: Node): Node[] {
  return lambda
    .descendantsOfType('call')
    .map((c) => c?.childForFieldName('function'))
    .filter((f): f is Node => f?.type === 'identifier');
}

/**
 * A loader a builder of this file returns (`return DataLoader(...)`, or through a name): the loops over it at
 * the builder's call sites (`for x, y in make_loader(ds)`, or `loader = make_loader(ds)` then `for ... in loader`).
 */
function loopsOverReturnedLoader(loader: Node, facts: FileFacts): Node[] {
  let def: Node | null = loader.parent;
  while (def && def.type !== 'function_definition' && def.type !== 'lambda' && def.type !== 'class_definition') def = def.parent;
  const fname = def?.type === 'function_definition' ? def.childForFieldName('name') : null;
  if (!def || !fname || !isReturned(loader, def)) return [];
  const loops: Node[] = [];
  for (const id of identifiersSpelledInFile(facts, fname.text)) {
    const call = id.parent;
    if (call?.type === 'call' && call.childForFieldName('function')?.equals(id)) loops.push(...loopsOverLoader(call, facts));
  }
  return loops;
}

/** `return DataLoader(...)`, or `loader = DataLoader(...)` and `return loader` (the only value that name gets) in def. */
function isReturned(loader: Node, def: Node): boolean {
  if (loader.parent?.type === 'return_statement') return true;
  const assignment = loader.parent;
  const name = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(loader) ? assignment.childForFieldName('left') : null;
  if (name?.type !== 'identifier') return false;
  return ownReturnStatements(def).some((r) => r.namedChild(0)?.type === 'identifier' && r.namedChild(0)?.text === name.text);
}

/** Batches of at most this many samples copy in about a millisecond, pinned or not, unless each sample is large. */
const SMALL_BATCH = 32;

/**
 * Why pinning this loader's batches saves little, as a clause for the hover, or null. A blind review judged all 16 such
 * findings of a review set not worth a change: 32x32 CIFAR and SVHN batches, loaders without workers, batches of 20.
 * - torchvision's CIFAR and SVHN images (32x32, transforms that keep them so): a batch is a few megabytes at most.
 * - A pass of a few batches (a small `Subset`, a loop that breaks early).
 * - No worker processes (`num_workers` absent or 0): the main process pins each batch itself, a host copy about as long
 *   as the one pinning saves, unless the loop overlaps the copy with `non_blocking=True`.
 * - A literal batch of at most SMALL_BATCH samples.
 */
function smallCopies(call: Node, dataset: Node | null, facts: FileFacts): string | null {
  const small = smallImageDataset(dataset, facts);
  if (small?.staysSmall) return `\`${small.name}\` batches are of 32x32 images, a few megabytes at most: they copy in microseconds, pinned or not`;
  const batchSize = dataLoaderArgument(call, 'batch_size');
  const few = fewBatchesPerPass(call, facts, dataset, batchSize);
  if (few) return `${few}: pinning saves a little on each copy, too few copies to matter`;
  const workers = dataLoaderArgument(call, 'num_workers');
  if ((workers === null || integerValueOf(workers, facts) === 0) && !overlapsCopies(call, facts)) {
    return 'the loader has no worker processes, so the main process pins each batch itself: a host copy about as long as the one it saves (set `num_workers` first)';
  }
  const samples = batchSize ? integerValueOf(batchSize, facts) : null;
  if (samples !== null && samples <= SMALL_BATCH) return `batches of ${samples} samples copy in about a millisecond, pinned or not`;
  if (onePassWithoutTraining(call, facts))
    return 'its batches feed one pass that trains nothing (no backward or optimizer step in the loop): an evaluation, whose copies are a few seconds of a run';
  return null;
}

/**
 * Every loop over the loader is one pass (no loop around it in its function) whose body neither backpropagates nor steps
 * an optimizer: EfficientAT's `evaluate` reads its test set once per run (review61: judged noise by both reviewers, where
 * the same project's training loaders were judged worth pinning).
 */
function onePassWithoutTraining(loader: Node, facts: FileFacts): boolean {
  const loops = loaderLoops(loader, facts);
  return (
    loops.length > 0 &&
    loops.every((loop) => enclosingLoop(loop) === null && methodCallsIn(loop, 'backward').length === 0 && methodCallsIn(loop, 'step').length === 0)
  );
}

/** A loop over the loader copies its batches with `non_blocking=True`: pinning lets those copies overlap the computation. */
function overlapsCopies(loader: Node, facts: FileFacts): boolean {
  return loaderBatchTransfers(loader, facts).some((transfer) => /\bnon_blocking\s*=\s*True\b/.test(transfer.text));
}

/**
 * The `.to(...)` / `.cuda()` calls on this loader's batches: in loops over it (here or where a builder of the file
 * returns it), and after each `next(it)` of a loop that fetches from an iterator over it.
 */
function loaderBatchTransfers(loader: Node, facts: FileFacts): Node[] {
  return [...loaderLoops(loader, facts).flatMap((loop) => batchTransfers(loop, facts)), ...iteratorBatchTransfers(loader, facts)];
}

/** The for loops over this loader: in its own scope, and where a builder of the file that returns it is called. */
function loaderLoops(loader: Node, facts: FileFacts): Node[] {
  return [...loopsOverLoader(loader, facts), ...loopsOverReturnedLoader(loader, facts)];
}

/** `batch_size=1`: each copy is one sample. */
function isOneSampleBatch(call: Node): boolean {
  return dataLoaderArgument(call, 'batch_size')?.text === '1';
}

/**
 * Where a loop of this file sends this loader's batches: 'cuda' (`.cuda()`, `.to("cuda")`, `.to(device)` with a
 * CUDA device), 'accelerator' (`torch.accelerator.current_accelerator()`), else 'none'.
 */
function batchDestination(loader: Node, facts: FileFacts): 'cuda' | 'accelerator' | 'none' {
  let out: 'cuda' | 'accelerator' | 'none' = 'none';
  for (const transfer of loaderBatchTransfers(loader, facts)) {
    const types = transferDeviceTypes(transfer, facts);
    if (isCudaDestination(types)) return 'cuda';
    if (types?.has('accelerator')) out = 'accelerator';
  }
  return out;
}
