import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  DATALOADER_CALL_QUERY,
  dataLoaderArgument,
  datasetInfo,
  FileFacts,
  contains,
  enclosingDef,
  enclosingLoop,
  identifiersSpelledInFile,
  isJudgeableDataLoaderCall,
  isTestCode,
  isTestFile,
} from '../../server/analysis';
import { appendArgument } from '../../server/fixes';

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
      'to keep workers alive between epochs. Only datasets that read or decode per sample are flagged: in-memory data, ' +
      'IterableDatasets, tests, an explicit `num_workers=0` and a loader that is never read are left alone.',
    example: {
      before: 'ds = ImageFolder(root)\nloader = DataLoader(ds, batch_size=64, shuffle=True)\nfor x, y in loader:\n    ...',
      after:
        'ds = ImageFolder(root)\nloader = DataLoader(ds, batch_size=64, shuffle=True, num_workers=4, persistent_workers=True)\nfor x, y in loader:\n    ...',
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
    const facts = ctx.facts;
    if (!isJudgeableDataLoaderCall(call, facts)) return;
    // Tests and a one-batch peek (`next(iter(DataLoader(...)))`) read too little for workers to pay off.
    if (isTestFile(ctx.filePath) || isTestCode(call) || isOneBatchPeek(call, facts) || isNeverRead(call, facts)) return;
    // Only a dataset that reads or decodes per sample gains from workers: in-memory data gains little, and an
    // IterableDataset (an environment, a policy, a stream) repeats itself in every worker unless it shards.
    const dataset = datasetInfo(dataLoaderArgument(call, 'dataset'), facts);
    // A dataset that puts samples on the GPU cannot run in forked workers (torch-dataset-to-device says so).
    if (dataset.kind !== 'io' || dataset.onDevice) return;

    // Any explicit `num_workers`, 0 included, is a decision of the author's (a 0 is often there on purpose:
    // a dataset that is not picklable, a file handle that does not survive fork, debugging): respect it.
    if (dataLoaderArgument(call, 'num_workers')) return;
    const edit = appendArgument(ctx.text, call, 'num_workers=4');
    ctx.report({
      node: call.childForFieldName('function') ?? call,
      edits: edit ? [edit] : undefined,
    });
  },
});

/**
 * `test_loader = DataLoader(...)` and the name is never read afterwards (or only measured with `len`, or peeked at
 * with `next(iter(test_loader))`): no more than one batch is loaded. A read counts when it comes after the
 * assignment, sits in a loop around it, or is in a function (which may run later, whatever its place in the file).
 */
function isNeverRead(call: Node, facts: FileFacts): boolean {
  const assignment = call.parent;
  const target = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  if (!assignment || target?.type !== 'identifier') return false;
  const loop = enclosingLoop(assignment);
  const home = enclosingDef(assignment);
  return identifiersSpelledInFile(facts, target.text).every((id) => {
    if (id.equals(target) || isLenArgument(id, facts) || isPeek(id, facts)) return true;
    const readLater = id.startIndex > assignment.endIndex || (loop !== null && contains(loop, id));
    const inOtherFunction = enclosingDef(id) !== null && !enclosingDef(id)!.equals(home ?? id);
    return !readLater && !inOtherFunction;
  });
}

function isLenArgument(id: Node, facts: FileFacts): boolean {
  const call = id.parent?.type === 'argument_list' ? id.parent.parent : null;
  return call?.type === 'call' && call.childForFieldName('function')?.text === 'len' && facts.isBuiltin('len', call);
}

/** `next(iter(loader))`: the name read for one batch. */
function isPeek(id: Node, facts: FileFacts): boolean {
  const iterCall = id.parent?.type === 'argument_list' && id.parent.namedChildCount === 1 ? id.parent.parent : null;
  if (iterCall?.type !== 'call' || iterCall.childForFieldName('function')?.text !== 'iter' || !facts.isBuiltin('iter', iterCall)) return false;
  const nextCall = iterCall.parent?.type === 'argument_list' ? iterCall.parent.parent : null;
  return nextCall?.type === 'call' && nextCall.childForFieldName('function')?.text === 'next' && facts.isBuiltin('next', nextCall);
}

/** `next(iter(DataLoader(...)))`: one batch, to look at it. */
function isOneBatchPeek(call: Node, facts: FileFacts): boolean {
  const iterCall = call.parent?.type === 'argument_list' ? call.parent.parent : null;
  if (iterCall?.type !== 'call' || iterCall.childForFieldName('function')?.text !== 'iter' || !facts.isBuiltin('iter', iterCall)) return false;
  const nextCall = iterCall.parent?.type === 'argument_list' ? iterCall.parent.parent : null;
  return nextCall?.type === 'call' && nextCall.childForFieldName('function')?.text === 'next';
}
