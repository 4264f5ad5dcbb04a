// The tf.data rules spell AUTOTUNE the way the file's TensorFlow has it: `tf.data.AUTOTUNE` came with TensorFlow 2.4,
// so TensorFlow 1 code (BERT's TPUEstimator input functions) gets `tf.data.experimental.AUTOTUNE`, which every release has.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { autotuneName } from '../../server/analysis';
import { applyFixes } from '../../server/fixes/apply';
import { getEngine, tempRepository } from '../helpers/engine';

const PIPELINE = (header: string) =>
  `import tensorflow as tf\n${header}\n\ndef train(model, files):\n    ds = tf.data.TFRecordDataset(files)\n    ds = ds.map(parse)\n    ds = ds.batch(32)\n    model.fit(ds)\n\n\ndef parse(r):\n    return tf.io.parse_single_example(r, {})\n`;

async function fixed(source: string, requirements?: string): Promise<{ text: string; messages: string[] }> {
  const top = requirements ? tempRepository({ 'requirements.txt': requirements, 'pkg/data.py': source }, 'perflens-autotune-') : null;
  try {
    const engine = await getEngine();
    const findings = engine.lintText(source, {
      select: ['tf-data-missing-prefetch', 'tf-data-map-sequential'],
      filePath: top ? path.join(top, 'pkg', 'data.py') : '/proj/pkg/data.py',
      impact: 'all',
    }).findings;
    return { text: applyFixes(source, findings, { unsafe: true }).text, messages: findings.map((f) => f.message) };
  } finally {
    if (top) rmSync(top, { recursive: true, force: true });
  }
}

describe('tf.data rules: AUTOTUNE as the file’s TensorFlow spells it', () => {
  it('names TensorFlow 1 code by its APIs, and follows a file that already spells the long name', () => {
    assert.equal(autotuneName('import tensorflow as tf\nflags = tf.flags\n'), 'experimental.AUTOTUNE');
    assert.equal(autotuneName('import tensorflow.compat.v1 as tf\n'), 'experimental.AUTOTUNE');
    assert.equal(autotuneName('est = tf.estimator.tpu.TPUEstimator(model_fn)\n'), 'experimental.AUTOTUNE');
    assert.equal(autotuneName('ds = ds.map(f, num_parallel_calls=tf.data.experimental.AUTOTUNE)\n'), 'experimental.AUTOTUNE');
    // near misses: TensorFlow 2 code, a file that spells both, a word that merely contains an API's name
    assert.equal(autotuneName('import tensorflow as tf\nmodel = tf.keras.Sequential()\n'), 'AUTOTUNE');
    assert.equal(autotuneName('a = tf.data.experimental.AUTOTUNE\nb = tf.data.AUTOTUNE\n'), 'AUTOTUNE');
    assert.equal(autotuneName('x = my_tf.estimators\n'), 'AUTOTUNE');
  });

  it('fixes TensorFlow 1 code with tf.data.experimental.AUTOTUNE, and TensorFlow 2 code with tf.data.AUTOTUNE', async () => {
    const tf1 = await fixed(PIPELINE('flags = tf.flags'));
    assert.match(tf1.text, /ds\.map\(parse, num_parallel_calls=tf\.data\.experimental\.AUTOTUNE\)/);
    assert.match(tf1.text, /ds\.batch\(32\)\.prefetch\(tf\.data\.experimental\.AUTOTUNE\)/);
    assert.ok(
      tf1.messages.every((m) => m.includes('tf.data.experimental.AUTOTUNE')),
      tf1.messages.join('\n'),
    );
    const tf2 = await fixed(PIPELINE(''));
    assert.match(tf2.text, /num_parallel_calls=tf\.data\.AUTOTUNE\)/);
    assert.match(tf2.text, /\.prefetch\(tf\.data\.AUTOTUNE\)/);
  });

  // Round 93 (review69): proteinfer's code reads like TensorFlow 2 but its requirements pin tensorflow-gpu==1.15.4.
  it('uses the long name where the project pins TensorFlow below 2.4, and the short one from 2.4 (near miss)', async () => {
    const pinned = await fixed(PIPELINE(''), 'tensorflow-gpu==1.15.4\nnumpy\n');
    assert.match(pinned.text, /num_parallel_calls=tf\.data\.experimental\.AUTOTUNE\)/);
    assert.ok(pinned.messages.length > 0 && pinned.messages.every((m) => !m.includes('tf.data.AUTOTUNE')), pinned.messages.join('\n'));
    const recent = await fixed(PIPELINE(''), 'tensorflow==2.4.1\n');
    assert.match(recent.text, /num_parallel_calls=tf\.data\.AUTOTUNE\)/);
  });
});
