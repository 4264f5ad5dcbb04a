// Round 61 (l61b): library-rule findings a blind review judged wrong (issue 24), rebuilt from their descriptions.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function lint(rule: string, source: string, filePath = '/proj/pkg/mod.py') {
  const engine = await getEngine();
  return engine.lintText(source, { select: [rule], filePath, impact: 'all', keepHints: true }).findings.filter((f) => f.ruleId === rule);
}

describe('pandas-column-loop-reduction: the suggested frame call is what the loop computes', () => {
  const RULE = 'pandas-column-loop-reduction';
  it('names iloc at the row the loop reads, not always the last row', async () => {
    const src =
      'import pandas as pd\n\n\ndef first(summary):\n    out = {}\n    for col in summary.table.columns:\n        out[col] = summary.table[col].iloc[0]\n    return out\n';
    const [f] = await lint(RULE, src);
    assert.match(f!.message, /`summary\.table\.iloc\[0\]`/);
    assert.doesNotMatch(f!.message, /iloc\[-1\]/);
  });

  it('never suggests the frame-wide dropna', async () => {
    const src =
      'import pandas as pd\n\n\ndef means(df: pd.DataFrame):\n    out = {}\n    for c in df.columns:\n        out[c] = df[c].dropna().mean()\n    return out\n';
    const [f] = await lint(RULE, src);
    assert.match(f!.message, /`df\.mean\(\)`/);
    assert.doesNotMatch(f!.message, /dropna/);
  });
});
