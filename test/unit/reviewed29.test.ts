// Blind review29 (issue 26): a general finding judged wrong, with its near misses.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

describe('eval-exec-untrusted: a packaging script running its own version file (review29)', () => {
  const SETUP = `import os

here = os.path.abspath(os.path.dirname(__file__))
about = {}
with open(os.path.join(here, "fclib", "__version__.py")) as f:
    exec(f.read(), about)
`;
  const found = async (source: string, filePath: string) => {
    const engine = await getEngine();
    return engine.lintText(source, { select: ['eval-exec-untrusted'], filePath, projectRoot: '/proj', impact: 'all', preview: true }).findings;
  };

  it('is silent in setup.py', async () => {
    assert.deepEqual(await found(SETUP, '/proj/setup.py'), []);
  });

  it('near misses: the same code in a module, and setup.py executing text that is not a file read', async () => {
    assert.equal((await found(SETUP, '/proj/fclib/loader.py')).length, 1);
    const argv = 'import sys\nexec(sys.argv[1])\n';
    assert.equal((await found(argv, '/proj/setup.py')).length, 1);
  });
});
