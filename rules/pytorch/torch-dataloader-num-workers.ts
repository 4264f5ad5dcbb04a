import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { DATALOADER_CALL_QUERY, dataLoaderArgument, FileFacts, isJudgeableDataLoaderCall, keywordArgument, valuesAssignedTo } from '../../server/analysis';
import { appendArgument, replaceNode } from '../../server/fixes';

export default defineRule({
  id: 'torch-dataloader-num-workers',
  title: 'DataLoader has no num_workers, or num_workers=0',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pytorch-data-loading',
  requires: ['torch'],
  message: '`DataLoader` loads every batch in the main process (num_workers=0); set `num_workers` > 0 to load in parallel',
  docs: {
    why:
      'With the default `num_workers=0`, the training process itself reads, decodes and collates every batch, ' +
      'so the GPU sits idle while the next batch is prepared. Worker processes prepare batches in parallel ' +
      'and keep a queue ready (`prefetch_factor` batches per worker).',
    instead:
      'Pass `num_workers=N` (start near the number of CPU cores per GPU and measure), and `persistent_workers=True` ' +
      'to keep workers alive between epochs. In-memory `TensorDataset`s gain little and are not flagged.',
    example: {
      before: 'loader = DataLoader(ds, batch_size=64, shuffle=True)',
      after: 'loader = DataLoader(ds, batch_size=64, shuffle=True, num_workers=4, persistent_workers=True)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Load batches in 4 worker processes (num_workers=4)',
    reason:
      'workers need a picklable dataset and, under the spawn start method, an `if __name__ == "__main__":` guard; ' +
      'an IterableDataset must shard its data per worker or batches repeat',
  },
  query: DATALOADER_CALL_QUERY,
  check(m, ctx) {
    const call = m.need('call');
    if (!isJudgeableDataLoaderCall(call, ctx.facts)) return;
    if (isInMemoryDataset(dataLoaderArgument(call, 'dataset'), ctx.facts)) return;

    const value = dataLoaderArgument(call, 'num_workers');
    if (value) {
      if (!isLiteralZero(value)) return;
      ctx.report({
        node: keywordArgument(call, 'num_workers') ?? value,
        message: '`num_workers=0` loads every batch in the main process, so the GPU waits for data; use worker processes',
        edits: [replaceNode(value, '4')],
      });
      return;
    }
    const edit = appendArgument(ctx.text, call, 'num_workers=4');
    ctx.report({
      node: call.childForFieldName('function') ?? call,
      edits: edit ? [edit] : undefined,
    });
  },
});

const IN_MEMORY = new Set(['torch.utils.data.TensorDataset', 'torch.utils.data.dataset.TensorDataset']);

/** A `TensorDataset` (already tensors in memory): worker processes only add start-up and IPC cost. */
function isInMemoryDataset(dataset: Node | null, facts: FileFacts): boolean {
  if (!dataset) return false;
  if (dataset.type === 'call') return IN_MEMORY.has(facts.calleeName(dataset) ?? '');
  if (dataset.type !== 'identifier') return false;
  return valuesAssignedTo(dataset.text, dataset, facts).some((v) => v.type === 'call' && IN_MEMORY.has(facts.calleeName(v) ?? ''));
}

function isLiteralZero(value: Node): boolean {
  return value.type === 'integer' && Number(value.text.replace(/_/g, '')) === 0;
}
