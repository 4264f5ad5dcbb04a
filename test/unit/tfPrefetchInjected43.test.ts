// tf.data has added a final prefetch by itself since TensorFlow 2.12 when a pipeline's last step is synchronous (the
// `inject_prefetch` optimisation: off by default in the 2.10 documentation, on in 2.12's). Blind reviews judged none of 37
// tf-data-missing-prefetch findings useful (review8-11). So the rule speaks in full only where the project allows an
// older TensorFlow or where the file turns the optimisation off. A last step that is already parallel computes ahead of its
// consumer by itself: no finding there (review17's reviewers judged all 13 such findings noise or wrong).
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../common/types';
import { getEngine, tempRepository } from '../helpers/engine';

const RULE = 'tf-data-missing-prefetch';

async function prefetchFindings(source: string, project: Record<string, string> | null): Promise<Finding[]> {
  const top = project ? tempRepository({ ...project, 'pkg/train.py': source }, 'perflens-tf43-') : null;
  try {
    const engine = await getEngine();
    const filePath = top ? path.join(top, 'pkg', 'train.py') : '/proj/pkg/train.py';
    return engine.lintText(source, { select: [RULE], filePath, impact: 'all' }).findings.filter((f) => f.ruleId === RULE);
  } finally {
    if (top) rmSync(top, { recursive: true, force: true });
  }
}

const train = (pipeline: string, setup = '') =>
  `import tensorflow as tf\n\n\ndef parse(r):\n    return tf.io.parse_single_example(r, {"x": tf.io.FixedLenFeature([4], tf.float32)})\n\n\n` +
  `def train(model, files):\n${setup}    ds = ${pipeline}\n    model.fit(ds, epochs=10)\n`;
const SYNC_LAST = 'tf.data.TFRecordDataset(files).map(parse, num_parallel_calls=tf.data.AUTOTUNE).batch(32)';

describe('tf-data-missing-prefetch: TensorFlow 2.12+ adds the prefetch itself after a synchronous last step', () => {
  it('is silent where the project requires TensorFlow 2.12 or later (any of its pip names)', async () => {
    for (const req of ['tensorflow>=2.12\n', 'tensorflow==2.15.0\n', 'tensorflow-gpu>=2.13\n', 'tensorflow~=2.16\nnumpy\n']) {
      assert.deepEqual(await prefetchFindings(train(SYNC_LAST), { 'requirements.txt': req }), [], req);
    }
  });

  it('is a hint that says why where the project does not state its TensorFlow', async () => {
    for (const project of [null, { 'requirements.txt': 'tensorflow\nnumpy\n' }]) {
      const [f] = await prefetchFindings(train(SYNC_LAST), project);
      assert.equal(f?.severity, 'hint', JSON.stringify(project));
      assert.match(f.message, /TensorFlow 2\.12 and later add this prefetch themselves after a synchronous last step like `batch`/);
      assert.ok(f.fix, 'the prefetch is still offered');
    }
  });

  it('near misses: an older TensorFlow allowed, or the optimisation turned off, keep the finding', async () => {
    const full = /^This tf\.data pipeline is passed to `fit\(\)` without `\.prefetch\(tf\.data\.AUTOTUNE\)`: loading and training take turns/;
    for (const req of ['tensorflow>=2.4\n', 'tensorflow>=2.12,<2.12.1\ntensorflow-cpu<2.11\n', 'tensorflow==2.10.1\n']) {
      const [f] = await prefetchFindings(train(SYNC_LAST), { 'requirements.txt': req });
      assert.equal(f?.severity, 'info', req);
      assert.match(f.message, full, req);
    }
    const off = '    options = tf.data.Options()\n    options.experimental_optimization.inject_prefetch = False\n';
    const [optionsOff] = await prefetchFindings(train(SYNC_LAST, off), { 'requirements.txt': 'tensorflow>=2.12\n' });
    assert.equal(optionsOff?.severity, 'info');
  });

  it('a parallel last step already computes ahead of the consumer: no finding, whatever TensorFlow the project allows', async () => {
    for (const project of [null, { 'requirements.txt': 'tensorflow>=2.4\n' }]) {
      const found = await prefetchFindings(train('tf.data.TFRecordDataset(files).batch(32).map(parse, num_parallel_calls=tf.data.AUTOTUNE)'), project);
      assert.deepEqual(found, [], JSON.stringify(project));
    }
  });
});
