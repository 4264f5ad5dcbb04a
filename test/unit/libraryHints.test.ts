// Library rules' hints in `impact = "auto"` mode (issue 24): blind reviews judged almost all of them noise, so auto mode
// does not report them; `impact = "all"` still does, and a loaded profile that shows their code hot raises them.
import * as assert from 'node:assert/strict';
import { functionSpans, profileFindings } from '../../server/profiles';
import type { ProfiledFile, ProfileIndex } from '../../server/profiles/types';
import { LineIndex } from '../../server/syntax/text';
import type { LintOptions } from '../../server/engine/options';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

// A row loop over a frame passed in, in a function no loop calls: the quiet pandas rule ranks it a hint outside hot code.
// The unclosed file beside it is a general rule's finding in the same place, ranked a hint by its own reason.
const SOURCE = `import pandas as pd


def summarize(df: pd.DataFrame):
    total = 0
    for _, row in df.iterrows():
        total += row["a"] * row["b"]
    return total


def settings(path):
    return open(path).read()
`;
const ITERROWS = 'pandas-iterrows';

async function lint(options: LintOptions) {
  const engine = await getEngine();
  return engine.lintText(SOURCE, { select: [ITERROWS, 'open-without-with'], filePath: '/proj/pkg/report.py', ...options }).findings;
}
const of = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.ruleId === rule);

describe('library hints in auto mode (issue 24)', () => {
  it('a library rule finding that auto mode ranks a hint is not reported', async () => {
    assert.deepEqual(of(await lint({ impact: 'auto' }), ITERROWS), []);
  });

  it('impact = "all" still reports it at its full severity', async () => {
    const [f] = of(await lint({ impact: 'all' }), ITERROWS);
    assert.equal(f?.severity, 'warning');
    assert.equal(f.impact?.ifHot, undefined);
  });

  it('kept for a profile (keepHints): a hint marked ifHot, with the severity a hot profile gives back', async () => {
    const [f] = of(await lint({ impact: 'auto', keepHints: true }), ITERROWS);
    assert.equal(f?.severity, 'hint');
    assert.equal(f.impact?.ifHot, true);
    assert.equal(f.impact?.demotedFrom, 'warning');
  });

  it('near miss: a general rule hint in the same code is still reported as a hint, unmarked', async () => {
    const general = of(await lint({ impact: 'auto' }), 'open-without-with');
    assert.equal(general.length, 1);
    assert.equal(general[0].severity, 'hint');
    assert.equal(general[0].impact?.ifHot, undefined);
  });

  it('near miss: a severity the user set for the library rule is kept, hint or not', async () => {
    const [f] = of(await lint({ impact: 'auto', severity: { [ITERROWS]: 'hint' } }), ITERROWS);
    assert.equal(f?.severity, 'hint');
  });

  it('near miss: a library finding auto mode shows (a row loop called per item of a loop) stays', async () => {
    const engine = await getEngine();
    const hot = `${SOURCE}

def run(paths):
    for p in paths:
        summarize(p)
`;
    const [f] = engine.lintText(hot, { select: [ITERROWS], filePath: '/proj/pkg/report.py', impact: 'auto' }).findings;
    assert.equal(f?.severity, 'warning');
    assert.equal(f.impact?.ifHot, undefined);
  });
});

describe('library hints kept for a profile', () => {
  /** The kept findings under a profile that gives `summarize` (lines 4-8) this share of the run. */
  async function profiled(share: number) {
    const engine = await getEngine();
    const findings = await lint({ impact: 'auto', keepHints: true });
    const file: ProfiledFile = { lines: new Map(), functions: [{ name: 'summarize', defLine: 4, share: { self: share, total: share, own: share } }] };
    const index: ProfileIndex = { format: 'cProfile', unit: 'time', files: new Map([['pkg/report.py', file]]) };
    const tree = engine.parse(SOURCE);
    try {
      const lines = new LineIndex(SOURCE);
      return profileFindings(findings, (o) => lines.positionAt(o).line + 1, functionSpans(tree), file, { index, label: 'test' });
    } finally {
      tree.delete();
    }
  }

  it('hot: the library hint is reported at the severity ranking took away', async () => {
    const [f] = of(await profiled(0.6), ITERROWS);
    assert.equal(f?.severity, 'warning');
    assert.equal(f.profile?.heat, 'hot');
  });

  it('near miss: warm or never reached, it is left out, and the general hint stays', async () => {
    for (const share of [0.01, 0]) {
      const out = await profiled(share);
      assert.deepEqual(of(out, ITERROWS), [], `share ${share}`);
      assert.equal(of(out, 'open-without-with').length, 1, `share ${share}`);
    }
  });

  it('a file the profile does not cover: left out as well', async () => {
    const findings = await lint({ impact: 'auto', keepHints: true });
    const index: ProfileIndex = { format: 'cProfile', unit: 'time', files: new Map() };
    const out = profileFindings(findings, () => 1, [], undefined, { index, label: 'test' });
    assert.deepEqual(of(out, ITERROWS), []);
    assert.equal(of(out, 'open-without-with').length, 1);
  });
});
