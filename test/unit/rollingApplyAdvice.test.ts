// What pandas-rolling-apply says about a window function that only does NumPy arithmetic (blind review of session 46,
// qlib's expression operators): `engine="numba"` was advised for a lambda made on every call of the operator, which pandas
// compiles again each time, in a project that does not install numba. Both reviewers called the argmax lambdas' advice
// wrong. The finding now asks for a module-level function where it is made per call, and, where numba would be a new
// dependency, advises NumPy's sliding windows instead, which need nothing new.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { NODE_FILES } from '../../server/project/fileProbe';
import { getEngine, moduleInRepository } from '../helpers/engine';

const made: string[] = [];

/** A repository whose pyproject.toml installs `deps`; returns the path of `pkg/ops.py` in it. */
const projectWith = (deps: string[]) =>
  moduleInRepository({ 'pyproject.toml': `[project]\ndependencies = [${deps.map((d) => `"${d}"`).join(', ')}]\n` }, 'ops.py', made);

const OPERATOR = [
  'import numpy as np',
  'import pandas as pd',
  '',
  '',
  'def _spread(x):',
  '    return x.max() - x.min()',
  '',
  '',
  'class IdxMax:',
  '    def __init__(self, n):',
  '        self.n = n',
  '',
  '    def load(self, series: pd.Series):',
  '        return series.rolling(self.n).apply(lambda x: x.argmax() + 1, raw=True)',
  '',
  '    def spread(self, series: pd.Series):',
  '        return series.rolling(self.n).apply(_spread, raw=True)',
  '',
  '    def spread_so_far(self, series: pd.Series):',
  '        return series.expanding().apply(_spread, raw=True)',
  '',
  '    def mad(self, series: pd.Series):',
  '        def mad(x):',
  '            return np.mean(np.abs(x - x.mean()))',
  '',
  '        return series.rolling(self.n).apply(mad, raw=True)',
  '',
].join('\n');

describe('pandas-rolling-apply advice for NumPy window functions', () => {
  after(() => made.forEach((top) => rmSync(top, { recursive: true, force: true })));

  async function findings(deps: string[]) {
    const engine = await getEngine();
    const saved = engine.files;
    try {
      engine.files = NODE_FILES;
      const filePath = projectWith(deps);
      return engine.lintText(OPERATOR, { select: ['pandas-rolling-apply'], filePath }).findings;
    } finally {
      engine.files = saved;
    }
  }

  it('asks for a module-level function where the lambda or def is made on every call, and not for a module-level def', async () => {
    const [lambda, spread, , mad, ...rest] = await findings(['numpy', 'pandas', 'numba>=0.58']);
    assert.equal(rest.length, 0);
    for (const f of [lambda, mad]) {
      assert.match(f.message, /define it once at module level/);
      assert.equal(f.severity, 'warning');
    }
    assert.doesNotMatch(spread.message, /module level/);
    assert.match(spread.message, /engine="numba"/);
    assert.equal(spread.severity, 'warning');
  });

  it('advises sliding windows instead of numba where the project does not install numba', async () => {
    const all = await findings(['numpy', 'pandas']);
    assert.equal(all.length, 4);
    for (const f of all) {
      assert.equal(f.severity, 'warning');
      assert.match(f.message, /not among this project's dependencies/);
      assert.doesNotMatch(f.message, /module level/);
    }
    // An expanding window has no fixed length: its NumPy form is cumulative, not a sliding window.
    assert.deepEqual(
      all.map((f) => /sliding_window_view/.test(f.message)),
      [true, true, false, true],
    );
    assert.match(all[2].message, /cumulative NumPy operations/);
  });

  // An argmax has no native window method, so no composition of them computes it: the advice is numba or NumPy's
  // sliding windows only. A max - min spread and a mean absolute deviation keep the native-composition alternative.
  for (const deps of [
    ['numpy', 'pandas'],
    ['numpy', 'pandas', 'numba'],
  ]) {
    it(`offers no native-method rewrite for an argmax (${deps.join(', ')})`, async () => {
      const [argmax, spread, spreadSoFar, mad] = await findings(deps);
      assert.match(argmax.message, /no native window method for its `argmax`/);
      assert.doesNotMatch(argmax.message, /transformed column/);
      for (const f of [spread, spreadSoFar, mad]) {
        assert.match(f.message, /transformed column/);
        assert.doesNotMatch(f.message, /no native window method/);
      }
    });
  }

  it('asks for a module-level function in the raw=True hint only where the lambda is made on every call', async () => {
    const engine = await getEngine();
    const source = [
      'import pandas as pd',
      '',
      's = pd.Series(range(100))',
      'top = s.rolling(5).apply(lambda x: sorted(x)[1])',
      '',
      '',
      'def second(series: pd.Series):',
      '    return series.rolling(5).apply(lambda x: sorted(x)[1])',
      '',
    ].join('\n');
    const [atTop, inDef, ...rest] = engine.lintText(source, { select: ['pandas-rolling-apply'] }).findings;
    assert.equal(rest.length, 0);
    for (const f of [atTop, inDef]) assert.equal(f.severity, 'hint');
    assert.match(atTop.message, /\(or `engine="numba"` with it\)/);
    assert.match(inDef.message, /defined once at module level, `engine="numba"`/);
    // Near miss (round 52): `x.iloc[0]` needs the window as a Series, so `raw=True` would raise; no advice at all.
    const positional = source.replace(/sorted\(x\)\[1\]/g, 'x.iloc[0]');
    assert.deepEqual(engine.lintText(positional, { select: ['pandas-rolling-apply'] }).findings, []);
  });
});

// gs-quant's report measures (review27 F154, F155: `rolling(...).apply(lambda x: stats.kurtosis(x, fisher=True,
// bias=False))`, judged useful) got the raw=True hint, which auto mode never reports for a library rule; F159 (a lambda
// reading `a.index[-1]`) was judged wrong: raw=True hands the function an ndarray, and it would raise.
describe('pandas-rolling-apply on SciPy statistics of the window (review27 F154, F155, F159)', () => {
  /** The 1-based line of a finding. */
  const lineOf = (f: { start: number }) => MEASURES.slice(0, f.start).split('\n').length;
  const MEASURES = [
    'import pandas as pd',
    'from scipy import stats',
    'from scipy.stats import percentileofscore',
    '',
    '',
    'def kurtosis(pnl: pd.Series, n: int):',
    '    return pnl.rolling(window=n).apply(lambda x: stats.kurtosis(x, fisher=True, bias=False), raw=False)',
    '',
    '',
    'def skewness(pnl: pd.Series, n: int):',
    '    return pnl.rolling(window=n).apply(lambda x: stats.skew(x), raw=False)',
    '',
    '',
    'def percentile(x: pd.Series, y: pd.Series, n: int):',
    '    return x.rolling(n).apply(lambda a: percentileofscore(a, y[a.index[-1] :].iloc[0], kind="mean"))',
    '',
  ].join('\n');

  it('suggests the native .kurt() where the statistic is the same, raw=True otherwise, at info', async () => {
    const engine = await getEngine();
    const found = engine.lintText(MEASURES, { select: ['pandas-rolling-apply'], filePath: '/proj/pkg/measures.py' }).findings;
    assert.deepEqual(
      found.map((f) => [lineOf(f), f.severity]),
      [
        [7, 'info'],
        [11, 'info'],
      ],
    );
    assert.match(found[0].message, /bias-corrected kurtosis with `stats\.kurtosis`; `\.kurt\(\)` computes it natively/);
    assert.match(found[1].message, /only hands it to `stats\.skew`, which takes NumPy arrays: pass `raw=True` \(or `\.skew\(\)`/);
  });

  it('reaches the editor in auto mode (a preview hint while the rule has no proven record), not dropped as a library hint', async () => {
    const engine = await getEngine();
    const found = engine.lintText(MEASURES, { select: ['pandas-rolling-apply'], filePath: '/proj/pkg/measures.py', impact: 'auto', preview: false }).findings;
    assert.deepEqual(found.map(lineOf), [7, 11]);
    const shown = engine.lintText(MEASURES, { select: ['pandas-rolling-apply'], filePath: '/proj/pkg/measures.py', impact: 'auto', preview: true }).findings;
    assert.deepEqual(
      shown.map((f) => f.severity),
      ['info', 'info'],
    );
  });

  it('near miss (F159): a lambda reading the window labels gets no raw=True advice', async () => {
    const engine = await getEngine();
    const found = engine.lintText(MEASURES, { select: ['pandas-rolling-apply'], filePath: '/proj/pkg/measures.py' }).findings;
    assert.ok(found.every((f) => lineOf(f) !== 15));
  });
});
