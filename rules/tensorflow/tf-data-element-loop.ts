import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { identifiersSpelled, isLiteralDataset, onlyDisplayedAfter, targetNames, tfDataPipeline, unwrapIterable } from '../../server/analysis';

/** Steps that group elements into batches. */
const BATCHING = new Set(['batch', 'padded_batch', 'ragged_batch']);
/** List methods that collect the element. */
const COLLECT = new Set(['append', 'extend']);

export default defineRule({
  id: 'tf-data-element-loop',
  title: 'A Python loop copies a tf.data dataset into lists one element at a time',
  category: 'tensorflow',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'tf-data-pipelines',
  requires: ['tensorflow', 'tensorflow_datasets'],
  message: 'This loop copies an unbatched tf.data dataset into lists one element at a time; batch it and convert whole batches, or load the split at once',
  docs: {
    why:
      'Iterating a `tf.data.Dataset` from Python costs an eager iterator step per element, and every element kept is an ' +
      '`EagerTensor` that a later `np.array(...)` converts one by one again. Over a whole split (tens of thousands of ' +
      'examples) this takes seconds to minutes, where batches of a thousand take a fraction of it.',
    instead:
      'Iterate batches and collect arrays: `for b in ds.batch(1024).as_numpy_iterator(): xs.append(b["image"])`, then ' +
      '`np.concatenate(xs)`; for a TFDS split, `tfds.as_numpy(tfds.load(name, split=split, batch_size=-1))` returns ' +
      'the whole split as arrays. Loops that do more than collect the elements (train, print, branch) are left alone.',
    example: {
      before:
        'import tensorflow_datasets as tfds\n\n\ndef split_arrays(name):\n    ds = tfds.load(name, split="train")\n    xs = []\n    for e in ds:\n        xs.append(e["image"])\n    return xs',
      after:
        'import tensorflow_datasets as tfds\n\n\ndef split_arrays(name):\n    data = tfds.as_numpy(tfds.load(name, split="train", batch_size=-1))\n    return data["image"]',
    },
  },
  query: `(for_statement left: (_) @target right: (_) @iter body: (block) @body) @loop`,
  check(m, ctx) {
    const facts = ctx.facts;
    const { inner } = unwrapIterable(m.need('iter'), facts);
    const pipeline = tfDataPipeline(inner, facts);
    if (!pipeline || isLiteralDataset(pipeline, facts) || !perElement(pipeline.methods)) return;
    // `for x in ds.take(3)`: a look at a few elements.
    if (pipeline.methods.includes('take')) return;
    const lists = collectedLists(m.need('body'), targetNames(m.need('target')));
    if (lists.length === 0) return;
    // `labels = []; for i, item in enumerate(ds): labels.append(item[1].numpy())` then `print(len(labels), ...)`: a look at
    // what the pipeline yields (its shuffle, its split sizes), where a raw-array load would show something else. Judged
    // wrong in a blind review (python-machine-learning-book's Iris split check).
    if (lists.every((name) => onlyDisplayedAfter(name, m.need('loop'), facts))) return;
    // `tfds.load(..., batch_size=-1)` gives the split as stored: right only when the loop walks the split untransformed.
    const tfds = facts.calleeName(pipeline.source) === 'tensorflow_datasets.load' && pipeline.methods.length === 0;
    ctx.report({
      node: m.need('iter'),
      message:
        'This loop copies an unbatched tf.data dataset into lists one element at a time (an eager step and an EagerTensor each); ' +
        (tfds
          ? 'if every element has the same shape, load the split as arrays at once: `tfds.as_numpy(tfds.load(..., batch_size=-1))`'
          : 'if every element has the same shape, iterate `ds.batch(1024).as_numpy_iterator()` and concatenate the batches'),
    });
  },
});

/** No batching step, or an `unbatch` after the last one: the loop sees one example per iteration. */
function perElement(methods: readonly string[]): boolean {
  let lastBatch = -1;
  methods.forEach((x, i) => {
    if (BATCHING.has(x)) lastBatch = i;
  });
  return lastBatch < 0 || methods.indexOf('unbatch', lastBatch) > lastBatch;
}

/**
 * The lists the loop fills when its body only appends to lists (`xs.append(e["image"])`, `x.extend(...)`), at least once a
 * value of the loop target, and otherwise only ticks a progress bar (`pbar.update()`): a loop that collects the elements
 * and does nothing else. Empty otherwise.
 */
function collectedLists(body: Node, names: readonly string[]): string[] {
  const lists: string[] = [];
  for (const stmt of body.namedChildren) {
    if (!stmt || stmt.type === 'comment') continue;
    const call = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (!call || !method) return [];
    if (COLLECT.has(method)) {
      const args = call.childForFieldName('arguments');
      const list = fn!.childForFieldName('object');
      if (args && list && names.some((n) => identifiersSpelled(args, n).length > 0)) lists.push(list.text);
      continue;
    }
    if (method !== 'update' || (call.childForFieldName('arguments')?.namedChildCount ?? 0) > 1) return [];
  }
  return lists;
}
