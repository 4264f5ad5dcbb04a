import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  findDescendants,
  isNestedScope,
  ownReturnStatements,
  isTestCode,
  isTestFile,
  keywordArgument,
  positionalArguments,
  topLevelFunction,
  type FileFacts,
} from '../../server/analysis';

/** Keras's own modules: `fit` on a model of one of them. */
const KERAS_MODULES = ['tensorflow', 'keras', 'tf_keras'];
/** Arguments that show the input pipeline was already thought about (parallel workers, a queue). */
const PARALLEL_ARGS = ['workers', 'use_multiprocessing', 'max_queue_size'];
/** Calls in a per-sample loop that only collect or shape what is already in memory: no work worth a worker. */
const CHEAP_CALLS = new Set(['append', 'extend', 'len', 'range', 'enumerate', 'zip', 'min', 'max', 'int', 'float', 'list', 'tuple', 'print']);

export default defineRule({
  id: 'tf-keras-fit-python-generator',
  title: 'Keras trains from a plain Python generator that prepares each batch in the training thread',
  category: 'tensorflow',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'tf-data-pipelines',
  requires: ['tensorflow', 'keras', 'tf_keras'],
  message: 'Every batch of this generator is prepared in the training thread while the model waits; use a `keras.utils.Sequence` with workers, or tf.data',
  docs: {
    why:
      'A Python generator passed to `fit` is pulled one batch at a time, on the thread that drives ' +
      'training: loading, augmenting and encoding each sample of the batch runs while the accelerator waits, then ' +
      'training runs while no batch is being prepared. A plain generator cannot be shared by several workers safely, ' +
      'so Keras cannot overlap the two.',
    instead:
      'Turn the generator into a `keras.utils.Sequence` (`__len__` and `__getitem__(i)` return batch i) and pass ' +
      '`workers=` with `use_multiprocessing=True`, or build a `tf.data` pipeline (`Dataset.from_generator` or a parallel ' +
      '`map`) that ends with `prefetch`. Generators that only slice arrays already in memory are not flagged, nor those ' +
      'whose loop yields a whole batch on every pass (a batch sliced and converted at once, with no per-sample loop), nor ' +
      '`fit_generator`, which already runs its generator on a background thread.',
    example: {
      before:
        'def batches(paths, size):\n    while True:\n        images = []\n        for p in paths[:size]:\n            images.append(load_image(p))\n' +
        '        yield np.array(images), np.zeros(size)\n\nmodel.fit(batches(paths, 32), steps_per_epoch=100, epochs=10)',
      after:
        'class Batches(keras.utils.Sequence):\n    def __init__(self, paths, size):\n        self.paths, self.size = paths, size\n\n' +
        '    def __len__(self):\n        return len(self.paths) // self.size\n\n    def __getitem__(self, i):\n' +
        '        part = self.paths[i * self.size:(i + 1) * self.size]\n        return np.array([load_image(p) for p in part]), np.zeros(self.size)\n\n' +
        'model.fit(Batches(paths, 32), epochs=10, workers=4, use_multiprocessing=True)',
    },
  },
  // Not `fit_generator`: Keras runs its generator on a background enqueuer thread (`workers=1` by default), so its
  // batches are already prepared while the model trains. Blind reviews judged all four such findings noise (keras-yolo3).
  calls: { names: ['fit'] },
  query: `
(call
  function: (attribute attribute: (identifier) @method)
  arguments: (argument_list . (call function: (identifier) @gen) @data)
  (#eq? @method "fit")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const facts = ctx.facts;
    if (!KERAS_MODULES.some((lib) => facts.importsModule(lib))) return;
    if (isTestFile(ctx.filePath) || isTestCode(call, facts)) return;
    if (PARALLEL_ARGS.some((name) => keywordArgument(call, name))) return;
    if (!positionalArguments(call)[0]?.equals(m.need('data'))) return;
    const generator = generatorBehind(m.need('gen').text, facts, 0);
    if (!generator) return;
    const name = generator.childForFieldName('name')!.text;
    ctx.report({
      node: m.need('data'),
      message:
        `\`${name}\` prepares each batch sample by sample in the training thread, and a plain generator cannot be spread over workers; ` +
        'make it a `keras.utils.Sequence` and pass `workers=` (or build a tf.data pipeline with a parallel `map` and `prefetch`)',
    });
  },
});

/**
 * The top-level generator function `name` of this file stands for, when it builds each batch in a per-sample loop that
 * does work (loads, augments, encodes): the function itself, or the generator a wrapper returns (`return gen(...)`).
 */
function generatorBehind(name: string, facts: FileFacts, depth: number): Node | null {
  const def = topLevelFunction(name, facts);
  const body = def?.childForFieldName('body');
  if (!def || !body || depth > 1) return null;
  const yields = findDescendants(body, (n) => n.type === 'yield', isNestedScope);
  if (yields.length > 0) return preparesPerSample(body, facts) ? def : null;
  // `def wrapper(...): ...; return data_generator(...)`: every return hands out one generator of this file.
  const returns = ownReturnStatements(body)
    .map((r) => r.namedChild(0))
    .filter((v): v is Node => v !== null && v.type !== 'none');
  const inner = returns.map((v) =>
    v.type === 'call' && v.childForFieldName('function')?.type === 'identifier' ? v.childForFieldName('function')!.text : null,
  );
  if (inner.length === 0 || inner.some((n) => n === null || n !== inner[0])) return null;
  return generatorBehind(inner[0]!, facts, depth + 1);
}

/**
 * A `for` loop in the generator that builds a batch sample by sample and calls something per sample beyond collecting
 * it (`load_image(p)`, `augment(x)`). A loop that yields a batch on every iteration (`yield` a statement of its own body)
 * steps over batches, not samples: slicing a whole batch out of an array and converting it (autorec's
 * `A[i:j].toarray()`) is vectorised work, judged wrong when called per-sample in review19. Calls inside a nested loop
 * are that loop's to judge.
 */
function preparesPerSample(body: Node, facts: FileFacts): boolean {
  const loops = findDescendants(body, (n) => n.type === 'for_statement', isNestedScope);
  return loops.some((loop) => {
    const block = loop.childForFieldName('body')!;
    if (yieldsEveryIteration(block)) return false;
    return findDescendants(block, (n) => n.type === 'call', isNestedScope).some((c) => {
      if (!nearestFor(c, loop)) return false;
      const fn = c.childForFieldName('function');
      const last = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
      if (!last || CHEAP_CALLS.has(last)) return false;
      // NumPy's own array calls on data in memory (`np.random.shuffle`, `np.array`) are not per-sample preparation.
      return !/^numpy\./.test(facts.calleeName(c) ?? '');
    });
  });
}

/** The block yields as one of its own statements (`yield x, y`, `yield from batches`): once on every pass through it. */
function yieldsEveryIteration(block: Node): boolean {
  return block.namedChildren.some((stmt) => stmt?.type === 'expression_statement' && stmt.namedChild(0)?.type === 'yield');
}

/** The `for` loop nearest above the call is `loop` (not a loop nested in it). */
function nearestFor(call: Node, loop: Node): boolean {
  for (let n = call.parent; n; n = n.parent) {
    if (n.type === 'for_statement') return n.equals(loop);
  }
  return false;
}
