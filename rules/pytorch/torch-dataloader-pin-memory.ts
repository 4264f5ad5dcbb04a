import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  batchTransfers,
  classIndex,
  type ClassInfo,
  DATALOADER_CALL_QUERY,
  dataLoaderArgument,
  FileFacts,
  isCudaDestination,
  isJudgeableDataLoaderCall,
  isTestCode,
  isTestFile,
  keywordArgument,
  loopsOverLoader,
  transferDeviceTypes,
  valuesAssignedTo,
} from '../../server/analysis';
import { appendArgument, replaceNode } from '../../server/fixes';

/** DataLoader(dataset, batch_size, shuffle, sampler, batch_sampler, num_workers, collate_fn, pin_memory, ...) */

const cudaCache = new WeakMap<FileFacts, boolean>();
/** `.cuda()`, `"cuda"` / `"cuda:0"` device strings, `device="cuda"`: the file moves tensors to a CUDA GPU. */
function movesToCuda(facts: FileFacts): boolean {
  let v = cudaCache.get(facts);
  if (v === undefined) {
    v = /\.cuda\s*\(|["']cuda(:\d+)?["']/.test(facts.text);
    cudaCache.set(facts, v);
  }
  return v;
}

/** Text in a dataset method that puts its samples on a GPU (pinning them would raise). */
const GPU_SAMPLES = /\.cuda\s*\(|\bdevice\b|["']cuda/;
/** The methods that produce a dataset's samples. */
const SAMPLE_METHODS = ['__getitem__', '__getitems__', '__iter__'];

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
  message: 'This file moves batches to CUDA but the `DataLoader` does not pin memory; pass `pin_memory=True` for faster host-to-GPU copies',
  docs: {
    why:
      'A copy from ordinary (pageable) host memory to the GPU is staged through a pinned buffer by the driver, ' +
      'which is slower and cannot overlap with computation. With `pin_memory=True` the DataLoader puts each ' +
      'batch in page-locked memory, so `.to(device)` copies faster and can run asynchronously with ' +
      '`non_blocking=True`. Only files that move data to CUDA are checked. The quick fix is unsafe (pinning initialises ' +
      'CUDA and takes page-locked memory) and is offered only for a loader whose batches this file visibly sends to a ' +
      'CUDA device, outside tests.',
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
    if (!isJudgeableDataLoaderCall(call, ctx.facts) || !movesToCuda(ctx.facts)) return;
    // A dataset built from tensors already on the GPU cannot be pinned (pinning would raise).
    const dataset = dataLoaderArgument(call, 'dataset');
    if (dataset && /\.cuda\s*\(|\bdevice\b|["']cuda/.test(dataset.text)) return;
    // `pin_memory_device=` means the author configured pinning explicitly.
    if (keywordArgument(call, 'pin_memory_device')) return;
    const samples = datasetSamples(dataset, ctx.facts);
    if (samples === 'gpu') return;
    // The fix only where this file visibly sends the batches to a CUDA GPU, never in tests (CPU-only
    // machines run them: pinning there only warns) or when some dataset of the file may yield GPU tensors.
    const fixable = samples === 'cpu' && !isTestFile(ctx.filePath) && !isTestCode(call) && batchesGoToCuda(call, ctx.facts);

    const value = dataLoaderArgument(call, 'pin_memory');
    if (value) {
      if (value.type !== 'false') return;
      ctx.report({
        node: keywordArgument(call, 'pin_memory') ?? value,
        message: '`pin_memory=False` in a file that moves batches to CUDA: pinned batches copy to the GPU faster',
        edits: fixable ? [replaceNode(value, 'True')] : undefined,
      });
      return;
    }
    const edit = fixable ? appendArgument(ctx.text, call, 'pin_memory=True') : null;
    ctx.report({ node: call.childForFieldName('function') ?? call, edits: edit ? [edit] : undefined });
  },
});

/** A loop of this file iterates the loader and sends a batch to a CUDA device (`.cuda()`, `.to("cuda")`, `.to(device)` with a CUDA device). */
function batchesGoToCuda(loader: Node, facts: FileFacts): boolean {
  return loopsOverLoader(loader, facts).some((loop) => batchTransfers(loop, facts).some((t) => isCudaDestination(transferDeviceTypes(t, facts))));
}

/**
 * Where the dataset's samples live: 'gpu' when its class (defined in this file) makes them on a GPU,
 * 'unknown' when it cannot be told and some dataset class of the file does, else 'cpu'.
 */
function datasetSamples(dataset: Node | null | undefined, facts: FileFacts): 'gpu' | 'cpu' | 'unknown' {
  const index = classIndex(facts);
  const cls = dataset ? datasetClass(dataset, facts) : null;
  if (cls) return lineage(cls, facts).some(makesGpuSamples) ? 'gpu' : 'cpu';
  return index.classes.some(makesGpuSamples) ? 'unknown' : 'cpu';
}

/** The class of this file a dataset expression builds: `MyDataset(...)`, or a name assigned from that. */
function datasetClass(dataset: Node, facts: FileFacts): ClassInfo | null {
  const values = dataset.type === 'identifier' ? valuesAssignedTo(dataset.text, dataset, facts) : [dataset];
  const index = classIndex(facts);
  const classes = values.map((v) => {
    const fn = v.type === 'call' ? v.childForFieldName('function') : null;
    return fn?.type === 'identifier' ? index.byClassName(fn.text) : null;
  });
  return classes.length === 1 ? classes[0] : null;
}

function lineage(cls: ClassInfo, facts: FileFacts): ClassInfo[] {
  const index = classIndex(facts);
  return index.knownLineage(cls) ?? [cls, ...cls.bases.map((b) => index.resolve(b)).filter((c): c is ClassInfo => c !== null)];
}

function makesGpuSamples(cls: ClassInfo): boolean {
  return SAMPLE_METHODS.some((name) => GPU_SAMPLES.test(cls.methods.get(name)?.text ?? ''));
}
