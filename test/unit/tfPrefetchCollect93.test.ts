// Round 93 (issue 24, review68): a tf.data pipeline iterated by a loop that only copies each element into NumPy
// (basenji's `Dataset.numpy()` and its statistics pass) gives a prefetch nothing to overlap with: the finding is a hint
// that says so. A loop that does real work per element (a model call, a project function, an inner Python loop) keeps
// the usual finding (here a hint too, for another reason: the test project does not say which TensorFlow it runs, and
// 2.12 adds the prefetch itself).
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

const RULE = 'tf-data-missing-prefetch';

async function findings(source: string): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { select: [RULE], filePath: '/proj/pkg/data.py', impact: 'all' }).findings.filter((f) => f.ruleId === RULE);
}

/** A TFRecord pipeline read into arrays; `body` is the loop's body, indented by eight spaces. */
const reader = (body: string) => `import numpy as np
import tensorflow as tf


def parse(record):
    return tf.io.parse_single_example(record, {"x": tf.io.FixedLenFeature([], tf.string)})


def read_arrays(files, model, length):
    seqs = []
    total = 0
    ds = tf.data.TFRecordDataset(files).map(parse).batch(1)
    for seq_raw, targets_raw in ds:
${body}
    return np.stack(seqs), total
`;

describe('tf-data-missing-prefetch: a loop that only copies elements into NumPy (round 93, review68)', () => {
  it('ranks a collecting loop as a hint and says there is little to overlap', async () => {
    const [f] = await findings(
      reader(`        seq = seq_raw.numpy().reshape((length, -1)).astype("float16")
        total += int((targets_raw.numpy() != 0).sum())
        seqs.append(np.asarray(seq))`),
    );
    assert.ok(f);
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /only copies its elements into NumPy/);
    assert.match(f.message, /little work for loading to overlap with/);
  });

  it('keeps the warning when the loop runs a model on each element (near miss)', async () => {
    const [f] = await findings(
      reader(`        seq = seq_raw.numpy().reshape((length, -1))
        seqs.append(model.predict_on_batch(seq))`),
    );
    assert.ok(f);
    assert.doesNotMatch(f.message, /only copies|little work/);
  });

  it('keeps the warning when the loop walks each element in Python (near miss)', async () => {
    const [f] = await findings(
      reader(`        seq = seq_raw.numpy().reshape((length, -1))
        for base in seq:
            total += int(base.sum())
        seqs.append(seq)`),
    );
    assert.ok(f);
    assert.doesNotMatch(f.message, /only copies|little work/);
  });

  it('keeps the warning when the loop hands elements to a function of the project (near miss)', async () => {
    const [f] = await findings(reader(`        seqs.append(parse(seq_raw.numpy()))`));
    assert.ok(f);
    assert.doesNotMatch(f.message, /only copies|little work/);
  });
});
