import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { FileFacts, isDataLoaderCall, keywordArgument, keywordValue, positionalArguments, valuesAssignedTo } from '../../server/analysis';
import { removeArgument, replaceNode } from '../../server/fixes';

export default defineRule({
  id: 'torch-dataloader-shuffle-with-sampler',
  title: 'DataLoader with shuffle=True and a sampler',
  category: 'pytorch',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pytorch-data-loading',
  requires: ['torch'],
  message: '`shuffle=True` together with `sampler=` raises ValueError; the sampler decides the order',
  docs: {
    why:
      '`DataLoader` raises `ValueError: sampler option is mutually exclusive with shuffle` (and likewise for ' +
      '`batch_sampler`) as soon as both are given and the sampler is not None. A sampler such as ' +
      '`DistributedSampler` or `WeightedRandomSampler` already controls the order, and shuffles on its own.',
    instead:
      'Drop `shuffle=True`, or write `shuffle=(sampler is None)` when the sampler is optional. Shuffle through ' +
      'the sampler instead (`DistributedSampler(ds, shuffle=True)`).',
    example: {
      before: 'DataLoader(ds, sampler=sampler, shuffle=True)',
      after: 'DataLoader(ds, sampler=sampler, shuffle=(sampler is None))',
    },
  },
  fix: { safety: 'safe', title: 'Let the sampler decide the order' },
  query: `
(call
  function: [(identifier) @fn (attribute attribute: (identifier) @fn)]
  arguments: (argument_list
    (keyword_argument name: (identifier) @kw value: (true)) @shuffle)
  (#eq? @kw "shuffle")
  (#match? @fn "(Loader|^DL)$")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const facts = ctx.facts;
    if (!isDataLoaderCall(call, facts)) return;
    const key = keywordArgument(call, 'sampler') ? 'sampler' : keywordArgument(call, 'batch_sampler') ? 'batch_sampler' : null;
    const sampler = key ? keywordValue(call, key) : (positionalArguments(call)[3] ?? positionalArguments(call)[4] ?? null);
    if (!sampler || sampler.type === 'none') return;
    const shuffle = m.need('shuffle');
    const value = shuffle.childForFieldName('value')!;
    // A name that may hold None (`sampler = DistributedSampler(ds) if ddp else None`) keeps shuffling then.
    const maybeNone = sampler.type === 'identifier' && mayBeNone(sampler, facts);
    const edit = maybeNone
      ? replaceNode(value, `(${sampler.text} is None)`)
      : sampler.type === 'identifier' || sampler.type === 'call'
        ? removeArgument(ctx.text, call, shuffle)
        : null;
    ctx.report({
      node: shuffle,
      message: `\`shuffle=True\` with \`${key ?? 'sampler'}=${sampler.text.length > 30 ? '...' : sampler.text}\` raises ValueError when the sampler is set; ${maybeNone ? `use \`shuffle=(${sampler.text} is None)\`` : 'drop `shuffle`'}`,
      edits: edit ? [edit] : undefined,
      fixTitle: maybeNone ? `Set shuffle=(${sampler.text} is None)` : 'Remove shuffle=True',
    });
  },
});

/** The name is a parameter, or some assignment to it could yield None (not a plain sampler construction). */
function mayBeNone(name: Node, facts: FileFacts): boolean {
  const values = valuesAssignedTo(name.text, name, facts);
  if (values.length === 0) return true;
  return values.some((v) => v.type !== 'call' || facts.calleeName(v) === null);
}
