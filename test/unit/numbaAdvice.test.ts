// What numba-jit-candidate says about a recurrence, judged blind on ta (review of session 40): Wilder's smoothing
// `trs[i] = trs[i - 1] - trs[i - 1] / w + d[i]` was reported as a loop "numpy cannot vectorise", which is false (a
// linear recurrence with constant coefficients is an IIR filter: `scipy.signal.lfilter`, pandas `ewm(adjust=False)`),
// and numba was suggested to a project that installs numpy and pandas only, without saying so.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { declaresPackage } from '../../server/analysis/projectPins';
import { NODE_FILES } from '../../server/project/fileProbe';
import { getEngine, moduleInRepository } from '../helpers/engine';

const made: string[] = [];

/** A repository with `files` in a temporary folder; returns the path of `pkg/mod.py` in it. */
const project = (files: Record<string, string>) => moduleInRepository(files, 'mod.py', made);

const WILDER = [
  'import numpy as np',
  '',
  '',
  'class ADX:',
  '    def __init__(self, n, window):',
  '        self._window = window',
  '        self._trs = np.zeros(n)',
  '',
  '    def _run(self, diff: np.ndarray):',
  '        for i in range(1, len(self._trs) - 1):',
  '            self._trs[i] = self._trs[i - 1] - (self._trs[i - 1] / float(self._window)) + diff[self._window + i]',
  '',
].join('\n');

const KAMA = [
  'import numpy as np',
  '',
  '',
  'class KAMA:',
  '    def __init__(self, n):',
  '        self._kama = np.zeros(n)',
  '',
  '    def _run(self, sc: np.ndarray, close: np.ndarray):',
  '        for i in range(1, len(self._kama)):',
  '            self._kama[i] = self._kama[i - 1] + sc[i] * (close[i] - self._kama[i - 1])',
  '',
].join('\n');

const IIR = ['def iir(y, a):', '    for k in range(2, y.size):', '        y[k] = y[k] + a * y[k - 1] - 0.5 * y[k - 2]', '    return y', ''].join('\n');
const CUSUM = ['def cusum(x, k):', '    for i in range(1, x.shape[0]):', '        x[i] = max(0.0, x[i - 1] + x[i] - k)', '    return x', ''].join('\n');

describe('numba-jit-candidate advice', () => {
  // `made` holds the temporary top folders themselves.
  after(() => made.forEach((top) => rmSync(top, { recursive: true, force: true })));

  async function messages(source: string, files: Record<string, string> = {}): Promise<string[]> {
    const engine = await getEngine();
    const saved = engine.files;
    try {
      engine.files = NODE_FILES;
      const filePath = project({ 'pyproject.toml': '[project]\ndependencies = ["numpy", "numba>=0.58"]\n', ...files });
      return engine.lintText(`import numpy as np\n${source}`, { select: ['numba-jit-candidate'], filePath }).findings.map((f) => f.message);
    } finally {
      engine.files = saved;
    }
  }

  it('names the linear filter for a constant-coefficient recurrence instead of claiming numpy cannot do it', async () => {
    for (const source of [WILDER, IIR]) {
      const [message, ...rest] = await messages(source);
      assert.equal(rest.length, 0);
      assert.match(message, /linear recurrence .* constant coefficients/);
      assert.match(message, /scipy\.signal\.lfilter/);
      assert.doesNotMatch(message, /cannot be vectorised/);
    }
  });

  it('keeps "cannot be vectorised" for time-varying and non-linear recurrences', async () => {
    for (const source of [KAMA, CUSUM]) {
      const [message] = await messages(source);
      assert.match(message, /cannot be vectorised with numpy/);
      assert.doesNotMatch(message, /lfilter/);
    }
  });

  // Round 57 (issue 24): blind reviews judged all 11 findings that advised numba to a project without it noise.
  it('is silent when the project does not install numba, and only then', async () => {
    const without = { 'pyproject.toml': '', 'setup.py': 'setup(install_requires=["numpy", "pandas"])\n' };
    assert.deepEqual(await messages(KAMA, without), []);
    const [declared] = await messages(KAMA);
    assert.match(declared, /@numba\.njit/);
    assert.doesNotMatch(declared, /not among/);
    // The linear filter needs no numba: no caveat on the method's advice.
    const [linear] = await messages(WILDER, without);
    assert.doesNotMatch(linear, /numba/);
  });

  it('reads whether a project declares a package', () => {
    assert.equal(declaresPackage('numba', project({ 'setup.py': 'install_requires=["numpy", "pandas"]' }), NODE_FILES), false);
    assert.equal(declaresPackage('numba', project({ 'requirements.txt': 'numpy\nnumba==0.59.1\n' }), NODE_FILES), true);
    assert.equal(declaresPackage('numba', project({ 'pyproject.toml': 'fast = ["numba"]\n' }), NODE_FILES), true);
    // Another package whose name starts the same is not numba.
    assert.equal(declaresPackage('numba', project({ 'requirements.txt': 'numba-cuda\nnumbagg\n' }), NODE_FILES), false);
    assert.equal(declaresPackage('numba', project({}), NODE_FILES), null);
  });
});

describe('numba-jit-candidate: a linear recurrence at the top level of a script or notebook cell', () => {
  const ema = (stop: string) =>
    [
      'import numpy as np',
      '',
      'prices = np.cumsum(np.random.standard_normal(5000))',
      'ema = np.zeros(len(prices))',
      'alpha = 0.1',
      `for t in range(1, ${stop}):`,
      '    ema[t] = alpha * prices[t] + (1 - alpha) * ema[t - 1]',
      '',
    ].join('\n');
  const lint = async (source: string, impact: 'auto' | 'all') =>
    (await getEngine()).lintText(source, { select: ['numba-jit-candidate'], filePath: '/proj/pkg/script.py', impact }).findings;

  it('gets the lfilter advice, ranked as code that runs once: a hint, not in the default output', async () => {
    const [f] = await lint(ema('len(prices)'), 'all');
    assert.match(f?.message ?? '', /`ema\[t\]` is a linear recurrence .*scipy\.signal\.lfilter/);
    assert.equal(f.fix, undefined);
    assert.deepEqual(await lint(ema('len(prices)'), 'auto'), []);
  });

  it('stays silent on a range of a few literal steps', async () => {
    assert.deepEqual(await lint(ema('12'), 'all'), []);
  });
});
