import { defineRule } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import {
  enclosingLoops,
  FileFacts,
  findDescendants,
  isDataLoaderCall,
  isNestedScope,
  keywordValue,
  scopeBody,
  targetNames,
  unwrapIterable,
} from '../../server/analysis';
import { indentAt, insertAt, lineStartOf } from '../../server/fixes';

const SAMPLERS = new Set(['torch.utils.data.DistributedSampler', 'torch.utils.data.distributed.DistributedSampler']);

export default defineRule({
  id: 'torch-sampler-set-epoch',
  title: 'DistributedSampler used without set_epoch(epoch)',
  category: 'pytorch',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-distributed',
  requires: ['torch'],
  message: '`DistributedSampler` without `set_epoch(epoch)` shuffles every epoch in the same order',
  docs: {
    why:
      '`DistributedSampler` seeds its shuffle with `seed + epoch`, and the epoch only changes when you call ' +
      '`sampler.set_epoch(epoch)`. Without it every epoch visits the samples in exactly the same order on every ' +
      'rank, which quietly weakens the shuffling that SGD relies on.',
    instead: 'Call `sampler.set_epoch(epoch)` at the start of each epoch, before iterating the DataLoader.',
    example: {
      before: 'sampler = DistributedSampler(ds)\nloader = DataLoader(ds, sampler=sampler)\nfor epoch in range(E):\n    for x, y in loader: ...',
      after:
        'sampler = DistributedSampler(ds)\nloader = DataLoader(ds, sampler=sampler)\nfor epoch in range(E):\n    sampler.set_epoch(epoch)\n    for x, y in loader: ...',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Call set_epoch(epoch) at the start of each epoch',
    reason: 'from the second epoch on, samples come in a different order than before (the intended shuffle, but results change)',
  },
  query: `
(assignment
  left: (identifier) @name
  right: (call
    function: [(identifier) @fn (attribute attribute: (identifier) @fn)]) @ctor)`,
  check(m, ctx) {
    const ctor = m.need('ctor');
    const facts = ctx.facts;
    const fn = m.need('fn');
    // Attribute form by name; bare names by import binding, so any alias works (a map lookup).
    if (fn.parent?.type === 'attribute' ? fn.text !== 'DistributedSampler' : !facts.binding(fn.text)) return;
    if (!SAMPLERS.has(facts.calleeName(ctor) ?? '')) return;
    // shuffle=False: the order is fixed on purpose (evaluation), set_epoch changes nothing.
    if (keywordValue(ctor, 'shuffle')?.type === 'false') return;
    // Any set_epoch call in the file (sampler.set_epoch, loader.sampler.set_epoch, ...) counts as handled.
    if (/\.set_epoch\s*\(/.test(ctx.text)) return;
    const sampler = m.need('name').text;
    const scope = scopeBody(ctor);

    // The DataLoaders that draw from this sampler, and the epoch loops that iterate them.
    const loaders = findDescendants(scope, (n) => n.type === 'call' && keywordValue(n, 'sampler')?.text === sampler, isNestedScope).filter((c) =>
      isDataLoaderCall(c, facts),
    );
    const epoch = loaders.map((l) => epochLoopFor(l, scope, facts)).find((e) => e !== null);
    if (!epoch) return;
    const fix = setEpochEdit(ctx.text, epoch.loop, sampler);
    ctx.report({
      node: ctor,
      message: `\`${sampler}\` is never told the epoch: call \`${sampler}.set_epoch(${epoch.variable ?? 'epoch'})\` at the start of each epoch, or every epoch repeats the same order`,
      edits: fix && epoch.variable ? [fix(epoch.variable)] : undefined,
    });
  },
});

/**
 * The outer (epoch) loop around the iteration of `loader`: the loader is iterated (directly, or
 * through the name it is assigned to) by a for loop nested in another loop of the same function.
 */
function epochLoopFor(loader: Node, scope: Node, facts: FileFacts): { loop: Node; variable: string | null } | null {
  const assigned =
    loader.parent?.type === 'assignment' && loader.parent.childForFieldName('right')?.equals(loader) ? loader.parent.childForFieldName('left') : null;
  const loaderName = assigned?.type === 'identifier' ? assigned.text : null;
  for (const loop of findDescendants(scope, (n) => n.type === 'for_statement', isNestedScope)) {
    const right = loop.childForFieldName('right');
    if (!right) continue;
    const { inner } = unwrapIterable(right, facts);
    const iterates = inner.equals(loader) || (loaderName !== null && inner.type === 'identifier' && inner.text === loaderName);
    if (!iterates) continue;
    const outer = enclosingLoops(loop)[0];
    // A loader created inside the epoch loop (iterated once per epoch) is also fine: the loop is `outer`.
    if (!outer) continue;
    let variable: string | null = null;
    if (outer.type === 'for_statement') {
      const left = outer.childForFieldName('left');
      const names = left ? targetNames(left) : [];
      variable = left?.type === 'identifier' && !/^_+$/.test(left.text) ? left.text : (names.find((n) => /epoch/i.test(n)) ?? null);
    }
    return { loop: outer, variable };
  }
  return null;
}

function setEpochEdit(text: string, loop: Node, sampler: string): ((variable: string) => ReturnType<typeof insertAt>) | null {
  const body = loop.childForFieldName('body');
  const first = body?.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? null;
  if (!body || !first) return null;
  // A one-line body (`for e in r: f()`) has no line of its own to insert into.
  if (lineStartOf(text, first.startIndex) === lineStartOf(text, loop.startIndex)) return null;
  const indent = indentAt(text, first.startIndex);
  const at = lineStartOf(text, first.startIndex);
  return (variable) => insertAt(at, `${indent}${sampler}.set_epoch(${variable})${detectEol(text)}`);
}
