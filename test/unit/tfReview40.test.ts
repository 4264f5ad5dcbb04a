// Round 40, r-tf3: TensorFlow findings the blind review of /work/review6 judged. tf-data-map-sequential over a lambda that
// only does arithmetic or casts (tensorflow_similarity's `lambda z: [[z] * examples_per_class]` and its 0/1 selector over a
// counter) was judged noise: such findings are low impact (a hint by default); a named function (`.map(load_fn)`) stays shown.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'tf-data-map-sequential';

async function levels(body: string): Promise<string[]> {
  const engine = await getEngine();
  const source = `import tensorflow as tf\n\n\ndef pipeline(ds: tf.data.Dataset, load_fn, n: int, warmup: int):\n${body}`;
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  const { findings } = engine.lintText(source, { select: [RULE], filePath: '/proj/pkg/samplers.py', impact: 'auto', keepHints: true });
  return findings.filter((f) => f.ruleId === RULE).map((f) => `${f.severity} ${f.impact?.reasons.join('; ') ?? ''}`);
}

describe('tf-data-map-sequential: cheap lambdas are low impact', () => {
  it('is a hint over a lambda that only builds lists or compares and casts', async () => {
    for (const body of [
      '    return tf.data.Dataset.range(n).shuffle(n).map(lambda z: [[z] * warmup])\n',
      '    return tf.data.Dataset.counter().map(lambda x: tf.cast(0, dtype=tf.int64) if x < warmup else tf.cast(1, dtype=tf.int64))\n',
      '    return ds.map(lambda x, y: (x / 255.0, y))\n',
    ]) {
      const [found] = await levels(body);
      assert.match(found!, /^hint .*arithmetic, comparisons or casts/, body);
    }
  });

  it('stays shown over a lambda that decodes in a batched pipeline (near miss)', async () => {
    const [found] = await levels('    return ds.map(lambda p: tf.io.decode_jpeg(tf.io.read_file(p))).batch(32)\n');
    assert.match(found!, /^info /);
  });

  // Round 67 (issue 24): a function out of view, or a pipeline the file does not batch, shuffle, repeat or prefetch, shows
  // no hot input pipeline (review36-40: 0 of 24 findings judged useful).
  it('is a hint over a function out of view, or a decoding map the file does not batch (round 67)', async () => {
    for (const body of ['    return ds.map(load_fn).batch(32)\n', '    return ds.map(lambda p: tf.io.decode_jpeg(tf.io.read_file(p)))\n']) {
      const [found] = await levels(body);
      assert.match(found!, /^hint .*does not show a training input pipeline/, body);
    }
  });
});
