// Round 50: library findings blind reviews judged wrong, each with the near miss that keeps its advice.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function findings(ruleId: string, source: string, filePath = '/project/pkg/features.py') {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'all' }).findings.filter((f) => f.ruleId === ruleId);
}

describe('numpy-python-loop: a fancy-index assignment says what it assumes about the positions', () => {
  // fchollet's multi-hot encoding: each element of `sequences` is a list of word indices, of any length.
  const encode = (setup: string) =>
    `import numpy as np\n\n\ndef encode(sequences, dimension):\n${setup}    results = np.zeros((len(sequences), dimension))\n` +
    `    for i, sequence in enumerate(sequences):\n        results[i, sequence] = 1.0\n    return results\n`;

  it('names the source whose elements may be rows of positions', async () => {
    const [f] = await findings('numpy-python-loop', encode(''));
    assert.match(f?.message ?? '', /if `sequences` holds one position per pass \(1-D\), one fancy-index assignment/);
  });

  it('near miss: a source known to be 1-D gets the advice without the condition', async () => {
    const [f] = await findings('numpy-python-loop', encode('    sequences = np.ravel(sequences)\n'));
    assert.match(f?.message ?? '', /read from `sequences`; one fancy-index assignment/);
  });
});
