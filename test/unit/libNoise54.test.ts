// Round 54 (issue 24): library-rule findings at every level (what `--impact all --preview` shows), from blind reviews of
// review27-30. Cases a fixture file cannot hold (a notebook's path), each with the near miss that must still fire.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function findings(ruleId: string, source: string, filePath: string) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'all', preview: true, keepHints: true }).findings.filter((f) => f.ruleId === ruleId);
}

describe('builtin-reduction-on-ndarray: a notebook cell that reduces an array once', () => {
  const CELL = `import numpy as np

X = np.random.randn(200_000)
mean = sum(X) / len(X)
`;

  it('is not reported at the top of a notebook cell', async () => {
    assert.deepEqual(await findings('builtin-reduction-on-ndarray', CELL, '/proj/1.2 SDE simulations.ipynb'), []);
  });

  it('near misses: in a loop or a function of the notebook, a lambda, or at the top of a module, it still fires', async () => {
    const inLoop = CELL + 'for path in paths:\n    total = sum(np.asarray(path))\n';
    const inDef = CELL.replace('mean = sum(X) / len(X)', 'def mean(a: np.ndarray):\n    return sum(a) / len(a)');
    const inLambda = CELL.replace('mean = sum(X) / len(X)', 'mean = lambda: sum(X) / len(X)');
    assert.equal((await findings('builtin-reduction-on-ndarray', inLoop, '/proj/sim.ipynb')).length, 1);
    assert.equal((await findings('builtin-reduction-on-ndarray', inDef, '/proj/sim.ipynb')).length, 1);
    assert.equal((await findings('builtin-reduction-on-ndarray', inLambda, '/proj/sim.ipynb')).length, 1);
    assert.equal((await findings('builtin-reduction-on-ndarray', CELL, '/proj/pkg/sim.py')).length, 1);
  });
});
