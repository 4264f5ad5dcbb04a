// Round 40, lead: numba-prange-without-parallel on a held-out blind review (pyts): 65 findings in the default output, none
// useful. The project writes prange throughout and never parallel=True (its parallelism is joblib's n_jobs); many
// findings were inner pranges (serial even with parallel=True) or loops that would race under threads.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'numba-prange-without-parallel';
const FUNCTION = (name: string) => `@njit\ndef ${name}(a):\n    for i in prange(a.shape[0]):\n        a[i] = a[i] * 2\n    return a\n\n\n`;
const HEADER = 'from numba import njit, prange\n\n\n';

async function findings(source: string) {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine
    .lintText(source, { select: [RULE], filePath: '/proj/pkg/kernels.py', impact: 'auto', keepHints: true })
    .findings.filter((f) => f.ruleId === RULE);
}

describe('numba-prange-without-parallel: serial prange as a house style', () => {
  it('keeps its severity for a single compiled function with prange', async () => {
    const [f] = await findings(HEADER + FUNCTION('scale'));
    assert.equal(f?.severity, 'warning');
  });

  it('is a hint, saying why, when the file writes prange in several functions and parallel=True in none', async () => {
    const found = await findings(HEADER + FUNCTION('scale') + FUNCTION('shift'));
    assert.equal(found.length, 2);
    for (const f of found) {
      assert.equal(f.severity, 'hint');
      assert.match(f.impact!.reasons.join(' '), /prange` in 2 compiled functions and `parallel=True` in none/);
    }
  });

  it('keeps its severity when the file uses parallel=True elsewhere (near miss: the flag was forgotten here)', async () => {
    const other = '@njit(parallel=True)\ndef fast(a):\n    for i in prange(a.shape[0]):\n        a[i] += 1\n    return a\n\n\n';
    const found = await findings(HEADER + other + FUNCTION('scale') + FUNCTION('shift'));
    assert.deepEqual(
      found.map((f) => f.severity),
      ['warning', 'warning'],
    );
  });

  it('counts the other prange loops of the function in one finding', async () => {
    const src =
      HEADER + '@njit\ndef two(a, b):\n    for i in prange(a.shape[0]):\n        a[i] = 1\n    for j in prange(b.shape[0]):\n        b[j] = 2\n    return a\n';
    const found = await findings(src);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /nor do its 1 other `prange` loops/);
  });
});

describe('numpy-as-strided: a view returned to callers, or copied on the next line', () => {
  const lint = async (body: string) => {
    const engine = await getEngine();
    const src = `import numpy as np\nfrom numpy.lib.stride_tricks import as_strided\n\n\ndef windows(a, w):\n${body}`;
    return engine.lintText(src, { select: ['numpy-as-strided'], filePath: '/proj/pkg/windows.py', impact: 'all' }).findings;
  };
  const SHAPE = 'shape=(a.shape[0] - w + 1, w), strides=(a.strides[0], a.strides[0])';

  it('is a hint that names the callers when the writable view is returned at once', async () => {
    const [f] = await lint(`    return as_strided(a, ${SHAPE})\n`);
    assert.equal(f?.severity, 'hint');
    assert.match(f!.message, /returned to callers; if none writes through it, pass `writeable=False`/);
  });

  it('keeps its warning for a writable view kept in a name and written through (near miss)', async () => {
    const [f] = await lint(`    v = as_strided(a, ${SHAPE})\n    v[0, 0] = 1\n    return a\n`);
    assert.equal(f?.severity, 'warning');
  });

  it('is a hint when the next statement replaces the view by its copy', async () => {
    for (const copy of ['np.copy(v)', 'v.copy()', 'np.array(v)']) {
      const [f] = await lint(`    v = as_strided(a, ${SHAPE})\n    v = ${copy}\n    return v\n`);
      assert.equal(f?.severity, 'hint', copy);
    }
  });

  it("is silent inside a numba-compiled function, where as_strided is numba's and takes no writeable=", async () => {
    const engine = await getEngine();
    const src = `import numpy as np\nfrom numpy.lib.stride_tricks import as_strided\nfrom numba import njit\n\n\n@njit()\ndef windows(a, w):\n    return as_strided(a, ${SHAPE})\n`;
    assert.deepEqual(engine.lintText(src, { select: ['numpy-as-strided'], filePath: '/proj/pkg/windows.py', impact: 'all' }).findings, []);
  });
});
