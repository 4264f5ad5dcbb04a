// Issue 26 + 24, round 55: numpy-python-loop's full scans per value.
import * as assert from 'node:assert/strict';
import type { LintOptions } from '../../server/engine/options';
import { getEngine, runPython } from '../helpers/engine';

const RULE = 'numpy-python-loop';

/** The rule's findings as the hosts' defaults show them (impact auto, preview off), in a library module. */
async function shown(source: string, options: LintOptions = {}) {
  const engine = await getEngine();
  const lint: LintOptions = { select: [RULE], filePath: '/proj/pkg/features.py', projectRoot: '/proj', impact: 'auto', preview: false, ...options };
  return engine.lintText(source, lint).findings.filter((f) => f.ruleId === RULE);
}

// mlforecast's fit-time features: the whole of `bucket` compared with each key of a dict.
const ITEMS =
  'import numpy as np\n\n\nclass Pooled:\n    def fill(self, bucket: np.ndarray, times: np.ndarray, per_bucket):\n' +
  '        out = np.full(len(bucket), np.nan)\n        for bid, vals in per_bucket.items():\n            mask = bucket == bid\n' +
  '            out[mask] = vals[np.searchsorted(vals, times[mask])]\n        return out\n';

describe('numpy-python-loop: full scans per value (round 55)', () => {
  // Round 72 (review47): how many keys the dict has is not shown, and with a handful each pass is one vectorised scan, so
  // it is a hint that says so, as the other scans over values the file does not show to be one per element.
  it("is a hint over a dict's keys, saying the number of values decides", async () => {
    assert.deepEqual(await shown(ITEMS, { preview: true }), []);
    const [f] = await shown(ITEMS, { preview: true, impact: 'all' });
    assert.equal(f?.severity, 'hint');
    assert.match(f.message, /worth it only with many values/);
  });

  it("ranks a scan over the scanned array's own elements high wherever it stands", async () => {
    const src = ITEMS.replace('for bid, vals in per_bucket.items():', 'for i, bid in enumerate(bucket):\n            vals = per_bucket[i]');
    const [f] = await shown(src, { preview: true });
    assert.equal(f?.severity, 'warning');
    assert.equal(f.impact?.level, 'high');
  });
});

/** A per-value loop `mask |= labels == v` over `values`, after `setup` (the values' binding), in a function. */
function unionLoop(setup: string, values = 'rare', params = 'labels: np.ndarray'): string {
  return (
    `import numpy as np\n\n\ndef drop(${params}):\n${setup}    mask = np.zeros(len(labels), dtype=bool)\n` +
    `    for v in ${values}:\n        mask |= labels == v\n    return mask\n`
  );
}

/** The backticked `np.isin(...)` expression of the finding's advice (inside a mask write, its index). */
function isinAdvice(message: string): string {
  const call = /`(?:\w+\[)?(np\.isin\([^`]*?\))(?:\] = [^`]*)?`/.exec(message);
  assert.ok(call, message);
  return call[1];
}

/** Runs the loop and the advised expression on the same labels under Debian's NumPy: does the advice give the loop's mask? */
function adviceAgrees(setup: string, advice: string): boolean {
  const program = [
    'import numpy as np',
    'labels = np.array([1, 2, 3, 2, 5, 1, 7])',
    setup.replace(/^ {4}/gm, ''),
    'mask = np.zeros(len(labels), dtype=bool)',
    'for v in rare:',
    '    mask |= labels == v',
    `print(mask.tolist() == (${advice}).tolist())`,
    '',
  ].join('\n');
  const run = runPython(program, '/usr/bin/python3');
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim() === 'True';
}

describe("numpy-python-loop's np.isin advice over a set or a dict (issue 24, round 55)", function () {
  this.timeout(60000);

  const OBJECTS: [string, string][] = [
    ['    rare = set(labels[labels > 4])\n', 'np.isin(labels, list(rare))'],
    ['    rare = {1: "a", 5: "b"}\n', 'np.isin(labels, list(rare))'],
    ['    rare = {v for v in labels if v > 4}\n', 'np.isin(labels, list(rare))'],
    ['    rare = {1: 0, 5: 0}.keys()\n', 'np.isin(labels, list(rare))'],
  ];
  for (const [setup, expected] of OBJECTS) {
    it(`advises ${expected} after ${setup.trim()}, which gives the loop's mask under NumPy`, async () => {
      const [f] = await shown(unionLoop(setup), { impact: 'all' });
      const advice = isinAdvice(f.message);
      assert.equal(advice, expected);
      assert.doesNotMatch(f.message, /if it is a set or a dict/);
      assert.equal(adviceAgrees(setup, advice), true);
      // What the advice said before: numpy takes the set or dict as one object, and the mask is wrong.
      assert.equal(adviceAgrees(setup, 'np.isin(labels, rare)'), false);
    });
  }

  it('passes a parameter annotated as a set through list() too', async () => {
    const [f] = await shown(unionLoop('', 'rare', 'labels: np.ndarray, rare: set[int]'), { impact: 'all' });
    assert.equal(isinAdvice(f.message), 'np.isin(labels, list(rare))');
  });

  it('keeps the values as they are when the file shows a list, a range or an array, with no caveat', async () => {
    for (const [setup, values] of [
      ['    rare = [1, 5]\n', 'rare'],
      ['', 'range(4, 9)'],
      ['    rare = np.where(labels > 4)[0]\n', 'rare'],
    ]) {
      const [f] = await shown(unionLoop(setup, values), { impact: 'all' });
      assert.equal(isinAdvice(f.message), `np.isin(labels, ${values})`, setup);
      assert.doesNotMatch(f.message, /if it is a set or a dict/, setup || values);
    }
    assert.equal(adviceAgrees('    rare = [1, 5]\n', 'np.isin(labels, rare)'), true);
  });

  it('says what to do with a set or a dict when the values are of unknown kind', async () => {
    const [f] = await shown(unionLoop('', 'rare', 'labels: np.ndarray, rare'), { impact: 'all' });
    assert.equal(isinAdvice(f.message), 'np.isin(labels, rare)');
    assert.match(f.message, /\(`list\(rare\)` if it is a set or a dict, which numpy would take as one object\) \(worth it only with many values/);
  });

  it('writes the mask-union form with list() over a set too', async () => {
    const source =
      'import numpy as np\n\n\ndef perturbed(segments: np.ndarray, row: np.ndarray):\n    zeros = set(np.where(row == 0)[0])\n' +
      '    mask = np.zeros(segments.shape, dtype=bool)\n    for z in zeros:\n        mask[segments == z] = True\n    return mask\n';
    const [f] = await shown(source, { impact: 'all' });
    // Round 72: over values the file does not show to be many, a hint with the same advice (np.isin compares a handful
    // one by one too).
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /one mask of all the values does it in one pass: `np\.isin\(segments, list\(zeros\)\)`/);
  });
});
