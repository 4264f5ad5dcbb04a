// pandas-apply-simple-lambda over a frame cut to a few rows (`df = df.head(n)`) costs little wherever it stands: it is
// hot-code-only advice there (a hint outside a loop over data). A blind review judged four such findings noise (a
// vocabulary lookup over the 25 top-weighted words).
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'pandas-apply-simple-lambda';
const source = (cut: string) =>
  'import pandas as pd\n\n\ndef top_words(weights: pd.DataFrame, vocab, n):\n    words = weights[weights["weight"] > 0]\n' +
  `    words = words${cut}\n    words["word"] = words["feature_ind"].apply(lambda x: x * 2)\n    return words\n`;

async function severities(text: string): Promise<string[]> {
  const engine = await getEngine();
  return engine
    .lintText(text, { select: [RULE], filePath: '/proj/pkg/drift.py', impact: 'auto' })
    .findings.filter((f) => f.ruleId === RULE)
    .map((f) => f.severity);
}

describe('pandas rules on a few top rows', () => {
  it('is a hint over a frame last assigned `.head(n)`, `.tail(n)` or `.nlargest(n, col)`', async () => {
    for (const cut of ['.head(n)', '.tail(25)', '.nlargest(n, "weight")']) assert.deepEqual(await severities(source(cut)), ['hint'], cut);
  });

  it('keeps its severity over the whole frame, or a sorted one (near misses)', async () => {
    for (const cut of ['.sort_values("weight")', '.dropna()']) assert.notDeepEqual(await severities(source(cut)), ['hint'], cut);
    assert.equal((await severities(source('.sort_values("weight")'))).length, 1);
  });
});
