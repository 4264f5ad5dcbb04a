// Round 50: library findings blind reviews judged wrong, each with the near miss that keeps its advice.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function findings(ruleId: string, source: string, filePath = '/project/pkg/features.py') {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'all' }).findings.filter((f) => f.ruleId === ruleId);
}

describe('numpy-python-loop: a fancy-index assignment needs positions known to be one per pass', () => {
  // fchollet's multi-hot encoding: each element of `sequences` is a list of word indices, of any length.
  const encode = (setup: string) =>
    `import numpy as np\n\n\ndef encode(sequences, dimension):\n${setup}    results = np.zeros((len(sequences), dimension))\n` +
    `    for i, sequence in enumerate(sequences):\n        results[i, sequence] = 1.0\n    return results\n`;

  it('is silent where each element may be a row of positions (review70: flasc, the fifth such finding judged wrong)', async () => {
    assert.deepEqual(await findings('numpy-python-loop', encode('')), []);
    const flasc =
      'import numpy as np\n\n\ndef matrix(turbines_impacted, n):\n    m = np.zeros((len(turbines_impacted), n), dtype=bool)\n' +
      '    for ii, turbines_impacted_onewd in enumerate(turbines_impacted):\n        m[ii, turbines_impacted_onewd] = True\n    return m\n';
    assert.deepEqual(await findings('numpy-python-loop', flasc), []);
  });

  it('near miss: an element named as one position (one-hot encoding) keeps the advice, saying what it assumes', async () => {
    const onehot =
      'import numpy as np\n\n\ndef one_hot(y, k):\n    m = np.zeros((len(y), k))\n    for i, label in enumerate(y):\n        m[i, label] = 1\n    return m\n';
    const [f] = await findings('numpy-python-loop', onehot);
    assert.match(f?.message ?? '', /if `y` holds one position per pass \(1-D\), one fancy-index assignment/);
  });

  it('near miss: a source known to be 1-D gets the advice without the condition', async () => {
    const [f] = await findings('numpy-python-loop', encode('    sequences = np.ravel(sequences)\n'));
    assert.match(f?.message ?? '', /read from `sequences`; one fancy-index assignment/);
  });
});
