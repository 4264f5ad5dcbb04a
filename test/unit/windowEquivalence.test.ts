// pandas-rolling-apply's fix, run against real pandas (/usr/bin/python3): `rolling(...).apply(lambda ...)` (before)
// and the native window method (after) on generated Series (float, NaN, int, bool, empty, one value, constant,
// mixed magnitudes, a non-default index with a duplicate). Safe fixes must agree bit for bit everywhere; unsafe
// ones may differ only as their reason says.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyFixes } from '../../server/fixes/apply';
import { FIXTURES, compilePython, getEngine } from '../helpers/engine';

const HARNESS = path.join(FIXTURES, 'equivalence', 'windows.py');

const CASES: { before: string; after: string; safety: 'safe' | 'unsafe'; differs?: RegExp; reason?: RegExp }[] = [
  { before: 's.rolling(3).apply(lambda x: x.max())', after: 's.rolling(3).max()', safety: 'safe' },
  { before: 's.rolling(3, min_periods=1).apply(lambda x: np.min(x))', after: 's.rolling(3, min_periods=1).min()', safety: 'safe' },
  { before: 's.rolling(3).apply(lambda x: x.median())', after: 's.rolling(3).median()', safety: 'safe' },
  { before: 's.expanding().apply(lambda x: x.max())', after: 's.expanding().max()', safety: 'safe' },
  // A NumPy reduction passed itself is the lambda that calls it.
  { before: 's.rolling(3).apply(np.amax)', after: 's.rolling(3).max()', safety: 'safe' },
  { before: 's.rolling(3).apply(np.median)', after: 's.rolling(3).median()', safety: 'safe' },
  {
    before: 's.rolling(3, min_periods=1).apply(np.median)',
    after: 's.rolling(3, min_periods=1).median()',
    safety: 'unsafe',
    differs: /^values$/,
    reason: /np\.median` turns each window into an array/,
  },
  {
    before: 's.rolling(3, min_periods=1).apply(lambda x: np.median(x))',
    after: 's.rolling(3, min_periods=1).median()',
    safety: 'unsafe',
    differs: /^values$/,
    reason: /np\.median` turns each window into an array/,
  },
  { before: 's.rolling(3).apply(lambda x: x.max(), raw=True)', after: 's.rolling(3).max()', safety: 'safe' },
  // raw=True with min_periods: the ndarray's max propagates NaN, the native max skips it.
  {
    before: 's.rolling(3, min_periods=1).apply(lambda x: x.max(), raw=True)',
    after: 's.rolling(3, min_periods=1).max()',
    safety: 'unsafe',
    differs: /^values$/,
    reason: /raw=True.*NaN/,
  },
  // Running totals: last-digit differences only.
  { before: 's.rolling(3).apply(lambda x: x.mean())', after: 's.rolling(3).mean()', safety: 'unsafe', differs: /^last digits$/, reason: /running total/ },
  { before: 's.rolling(4).apply(lambda x: x.sum())', after: 's.rolling(4).sum()', safety: 'unsafe', differs: /^last digits$/, reason: /running total/ },
  {
    before: 's.rolling(3).apply(lambda x: x.std())',
    after: 's.rolling(3).std()',
    safety: 'unsafe',
    differs: /^(last digits|values)$/,
    reason: /constant window gives exactly 0/,
  },
  // np.std is ddof=0, as is ndarray.var under raw=True. std/var of a constant window: native 0, the lambda 1e-17.
  {
    before: 's.rolling(3).apply(lambda x: np.std(x))',
    after: 's.rolling(3).std(ddof=0)',
    safety: 'unsafe',
    differs: /^(last digits|values)$/,
    reason: /constant window gives exactly 0/,
  },
  {
    before: 's.rolling(3).apply(lambda x: x.var(), raw=True)',
    after: 's.rolling(3).var(ddof=0)',
    safety: 'unsafe',
    differs: /^(last digits|values)$/,
    reason: /constant window gives exactly 0/,
  },
  // The window's last rank (review55): the same values on every input; unsafe only because windows rank from pandas 1.4.
  { before: 's.rolling(3).apply(lambda x: x.rank(pct=True).iloc[-1])', after: 's.rolling(3).rank(pct=True)', safety: 'unsafe', reason: /pandas 1\.4/ },
  {
    before: 's.rolling(4, min_periods=1).apply(lambda x: x.rank(method="max", ascending=False).iloc[-1], raw=False)',
    after: 's.rolling(4, min_periods=1).rank(method="max", ascending=False)',
    safety: 'unsafe',
    reason: /pandas 1\.4/,
  },
  { before: 's.expanding().apply(lambda x: x.rank().iloc[-1])', after: 's.expanding().rank()', safety: 'unsafe', reason: /pandas 1\.4/ },
  // A window's autocorrelation at lag k is the rolling correlation of the n - k pairs k apart (review55): running sums,
  // and a constant window (0.1 ten times) is NaN natively where autocorr's rounding residue made it 1.0.
  {
    before: 's.rolling(4).apply(lambda x: x.autocorr(lag=1))',
    after: 's.rolling(3).corr(s.shift(1))',
    safety: 'unsafe',
    differs: /^(last digits|values)$/,
    reason: /running sums.*constant window gives NaN/,
  },
  {
    before: 's.rolling(5).apply(lambda x: x.autocorr(2))',
    after: 's.rolling(3).corr(s.shift(2))',
    safety: 'unsafe',
    differs: /^(last digits|values)$/,
    reason: /running sums.*constant window gives NaN/,
  },
];

function program(expr: string): string {
  return ['import numpy as np', 'import pandas as pd', '', '', 'def compute(s):', `    return ${expr}`, ''].join('\n');
}

describe('pandas-rolling-apply fix: equivalence with the lambda under real pandas', function () {
  this.timeout(300000);

  for (const c of CASES) {
    it(`${c.before} → ${c.after} (${c.safety})`, async () => {
      const before = program(c.before);
      const engine = await getEngine();
      const findings = engine.lintText(before, { select: ['pandas-rolling-apply'] }).findings;
      assert.equal(findings.length, 1, before);
      const fix = findings[0].fix;
      assert.ok(fix, 'no fix offered');
      assert.equal(fix.safety, c.safety);
      if (c.reason) assert.match(fix.reason ?? '', c.reason);
      const after = applyFixes(before, findings, { unsafe: true }).text;
      assert.equal(after, program(c.after));
      assert.equal(compilePython(after).status, 0);
      const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-win-'));
      writeFileSync(path.join(dir, 'before.py'), before);
      writeFileSync(path.join(dir, 'after.py'), after);
      const r = spawnSync('/usr/bin/python3', [HARNESS, path.join(dir, 'before.py'), path.join(dir, 'after.py')], { encoding: 'utf8', timeout: 120000 });
      assert.equal(r.status, 0, r.stderr);
      const diff = Object.entries(JSON.parse(r.stdout) as Record<string, string>).filter(([, v]) => v !== 'same');
      if (!c.differs) assert.deepEqual(diff, []);
      else {
        assert.ok(diff.length > 0, 'an unsafe fix whose difference was not reproduced');
        for (const [input, what] of diff) assert.match(what, c.differs, input);
      }
    });
  }
});
