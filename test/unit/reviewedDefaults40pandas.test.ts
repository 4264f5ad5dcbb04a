// Round 40, pandas: the ranking of row loops and `.str` comprehensions, from the blind review of 19 repositories
// (review6). Row loops (pandas-iterrows, pandas-row-loop-indexing) are hints outside hot code because a frame's row
// count is unknown; where the code shows the rows are a data set's own (a file read in the function, a recurrence over
// a series' history) they count wherever they stand (ta's NVI `.iloc` loop, LAVIS' iterrows over a 2M-row CSV: both
// judged useful but left as hints). A comprehension rewritten with `.str` methods is not faster on object columns.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function lint(rule: string, src: string, filePath = '/proj/pkg/indicators.py', impact: 'auto' | 'all' = 'auto') {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine.lintText(src, { select: [rule], filePath, impact, keepHints: true }).findings.filter((f) => f.ruleId === rule);
}

const NVI = `import numpy as np
import pandas as pd


class NVI:
    def __init__(self, close, volume):
        self._close = close
        self._volume = volume

    def _run(self):
        change = self._close.pct_change()
        down = self._volume.shift(1) > self._volume
        self._nvi = pd.Series(data=np.nan, index=self._close.index, dtype="float64")
        self._nvi.iloc[0] = 1000
        for i in range(1, len(self._nvi)):
            if down.iloc[i]:
                self._nvi.iloc[i] = self._nvi.iloc[i - 1] * (1.0 + change.iloc[i])
            else:
                self._nvi.iloc[i] = self._nvi.iloc[i - 1]
`;

const RECORDS = `import pandas as pd


class AudioSet:
    def __init__(self, path):
        df = pd.read_csv(path)
        self.annotation = [row.to_dict() for i, row in df.iterrows()]
`;

describe('pandas row loops over a whole data set', () => {
  it('shows a recurrence over a series in a function at full severity', async () => {
    const [f] = await lint('pandas-row-loop-indexing', NVI);
    assert.equal(f?.severity, 'warning');
    assert.match(f!.impact!.reasons.join(';'), /a recurrence over every element of `self._nvi`/);
  });

  it('keeps a row loop that reads no earlier row a hint (near miss)', async () => {
    const src = NVI.replace('self._nvi.iloc[i - 1] * (1.0 + change.iloc[i])', 'change.iloc[i]').replace('= self._nvi.iloc[i - 1]\n', '= 0.0\n');
    const [f] = await lint('pandas-row-loop-indexing', src);
    assert.equal(f?.severity, 'hint');
  });

  it('keeps a recurrence in a test file low (near miss)', async () => {
    const [f] = await lint('pandas-row-loop-indexing', NVI, '/proj/tests/test_nvi.py');
    assert.ok(!f || f.severity === 'hint');
  });

  it('shows iterrows over a frame read from a file in the function, and names to_dict("records")', async () => {
    const [f] = await lint('pandas-iterrows', RECORDS);
    assert.equal(f?.severity, 'warning');
    assert.match(f!.message, /df\.to_dict\("records"\)/);
    assert.match(f!.impact!.reasons.join(';'), /every row of the file `df` is read from \(`pd\.read_csv`\)/);
  });

  it('keeps iterrows over a frame of unknown origin a hint (near miss)', async () => {
    const [f] = await lint('pandas-iterrows', RECORDS.replace('df = pd.read_csv(path)', 'df = self.load(path)'));
    assert.equal(f?.severity, 'hint');
  });

  it('keeps iterrows over a file read at module level (a one-off script) a hint (near miss)', async () => {
    const src = 'import pandas as pd\n\ndf = pd.read_csv("pairs.csv")\nrows = [row.to_dict() for i, row in df.iterrows()]\n';
    const [f] = await lint('pandas-iterrows', src, '/proj/scripts/make_pairs.py');
    assert.ok(!f || f.severity === 'hint');
  });

  it('keeps iterrows over a table that ships beside the code a hint (near miss)', async () => {
    const src = RECORDS.replace('pd.read_csv(path)', 'pd.read_csv(Path(__file__).parent / "labels.csv")').replace(
      'import pandas as pd',
      'from pathlib import Path\n\nimport pandas as pd',
    );
    const [f] = await lint('pandas-iterrows', src);
    assert.equal(f?.severity, 'hint');
  });
});

describe('pandas-comprehension-over-series: .str methods are not faster', () => {
  const src = (body: string) => `import pandas as pd\n\n\ndef clean(df: pd.DataFrame):\n    return ${body}\n`;

  it('ranks a .str rewrite low, with the reason', async () => {
    const [f] = await lint('pandas-comprehension-over-series', src('[c.lower() for c in df["caption"]]'));
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons.join(';'), /tidier, not faster/);
  });

  it('keeps arithmetic and .dt rewrites at their severity (near miss)', async () => {
    for (const body of ['[x * 2 for x in df["a"]]', '[t.year for t in df["ts"]]']) {
      const [f] = await lint('pandas-comprehension-over-series', src(body));
      assert.equal(f?.severity, 'info', body);
    }
  });
});
