// Round 42: findings a blind review of review10 judged wrong, each with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

/** One rule's findings on `source` saved as `rel` in a checkout with `project` files, as the default output ranks them. */
function ranked(ruleId: string, source: string, project: Record<string, string> = {}, rel = 'pkg/utils.py') {
  return rankedInRepository(ruleId, source, project, rel, 'perflens-r42-');
}

describe('numpy-as-strided: what the author already decided, and what the supported NumPy has', () => {
  // empyrical's rolling_window: the view's writability is set on the next line, read-only unless the caller asks.
  const ROLLING = `import numpy as np
from numpy.lib.stride_tricks import as_strided


def rolling_window(array, length, mutable=False):
    new_shape = (array.shape[0] - length + 1, length) + array.shape[1:]
    new_strides = (array.strides[0],) + array.strides
    out = as_strided(array, new_shape, new_strides)
    out.setflags(write=mutable)
    return out
`;
  const WRITABLE = ROLLING.replace('    out.setflags(write=mutable)\n', '');
  const NEW_NUMPY = { 'setup.py': 'from setuptools import setup\nsetup(name="x", install_requires=["numpy>=1.21"])\n' };
  const OLD_NUMPY = { 'setup.py': 'from setuptools import setup\nsetup(name="x", install_requires=["numpy>=1.9.2"])\n' };

  it('a view whose writability the next statement sets is a hint', async () => {
    const [f] = await ranked('numpy-as-strided', ROLLING, NEW_NUMPY);
    assert.equal(f?.severity, 'hint');
  });

  it('near miss: a writable view returned as is stays a warning', async () => {
    const findings = await ranked('numpy-as-strided', WRITABLE, NEW_NUMPY);
    assert.ok(
      findings.some((f) => f.severity === 'warning'),
      JSON.stringify(findings),
    );
  });

  it('a project that supports NumPy before 1.20 gets a hint that says sliding_window_view is out of reach', async () => {
    const [f] = await ranked('numpy-as-strided', WRITABLE, OLD_NUMPY);
    assert.equal(f?.severity, 'hint');
    assert.match(f.message, /needs NumPy 1\.20, and this project supports NumPy 1\.9/);
  });
});

describe('tf.data tuning pays off at scale: a hint in teaching material, shown in a project', () => {
  const TRAIN = `import tensorflow as tf


def parse(record):
    return tf.io.parse_single_example(record, {"x": tf.io.FixedLenFeature([4], tf.float32)})


def train(model, paths):
    ds = tf.data.TFRecordDataset(paths).map(parse).batch(32)
    model.fit(ds, epochs=10)
`;
  for (const rule of ['tf-data-missing-prefetch', 'tf-data-map-sequential']) {
    it(`${rule}: a book chapter's pipeline is a hint, the same code in a package is shown`, async () => {
      // A project that supports TensorFlow older than 2.12, where tf.data does not add the final prefetch itself.
      const oldTf = { 'requirements.txt': 'tensorflow>=2.4\n' };
      const [chapter] = await ranked(rule, TRAIN, oldTf, 'ch14/ch14_part3.py');
      assert.equal(chapter?.severity, 'hint', JSON.stringify(chapter));
      const [pkg] = await ranked(rule, TRAIN, oldTf, 'pkg/train.py');
      assert.equal(pkg?.severity, 'info', JSON.stringify(pkg));
    });
  }
});

describe('numpy-python-loop: np.add.at advice says what it assumes about the positions', () => {
  const grad = (setup: string) =>
    `import numpy as np\n\n\ndef grad(dLdy, X, W):\n    dW = np.zeros_like(W)\n${setup}    for ix, v_ids in enumerate(X):\n        dW[v_ids] += dLdy[ix]\n    return dW\n`;

  it('names the source whose dimensions are out of view', async () => {
    const [f] = await ranked('numpy-python-loop', grad(''), {}, 'pkg/layers.py');
    assert.match(f?.message ?? '', /if `X` holds one position per pass \(1-D\), `np\.add\.at\(dW, np\.asarray\(X\), dLdy\[:len\(X\)\]\)`/);
  });

  it('near miss: a source known to be 1-D gets the advice without the condition', async () => {
    const [f] = await ranked('numpy-python-loop', grad('    X = np.ravel(X)\n'), {}, 'pkg/layers.py');
    assert.match(f?.message ?? '', /; `np\.add\.at\(dW, X,/);
  });
});
