import { defineRule } from '../../server/engine/rule';
import { DATALOADER_CALL_QUERY, dataLoaderArgument, FileFacts, isJudgeableDataLoaderCall, keywordArgument } from '../../server/analysis';
import { appendArgument, replaceNode } from '../../server/fixes';

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
      '`non_blocking=True`. Only files that move data to CUDA are checked.',
    instead: 'Pass `pin_memory=True` to the DataLoader (and `non_blocking=True` to the `.to(device)` calls on its batches).',
    example: {
      before: 'loader = DataLoader(ds, batch_size=64, num_workers=4)\nfor x, y in loader:\n    x = x.to("cuda")',
      after: 'loader = DataLoader(ds, batch_size=64, num_workers=4, pin_memory=True)\nfor x, y in loader:\n    x = x.to("cuda", non_blocking=True)',
    },
  },
  fix: { safety: 'safe', title: 'Pin batch memory (pin_memory=True)' },
  query: DATALOADER_CALL_QUERY,
  check(m, ctx) {
    const call = m.need('call');
    if (!isJudgeableDataLoaderCall(call, ctx.facts) || !movesToCuda(ctx.facts)) return;
    // A dataset built from tensors already on the GPU cannot be pinned (pinning would raise).
    const dataset = dataLoaderArgument(call, 'dataset');
    if (dataset && /\.cuda\s*\(|\bdevice\b|["']cuda/.test(dataset.text)) return;
    // `pin_memory_device=` means the author configured pinning explicitly.
    if (keywordArgument(call, 'pin_memory_device')) return;

    const value = dataLoaderArgument(call, 'pin_memory');
    if (value) {
      if (value.type !== 'false') return;
      ctx.report({
        node: keywordArgument(call, 'pin_memory') ?? value,
        message: '`pin_memory=False` in a file that moves batches to CUDA: pinned batches copy to the GPU faster',
        edits: [replaceNode(value, 'True')],
      });
      return;
    }
    const edit = appendArgument(ctx.text, call, 'pin_memory=True');
    ctx.report({ node: call.childForFieldName('function') ?? call, edits: edit ? [edit] : undefined });
  },
});
