// pandas-apply-simple-lambda over a frame cut to a few rows (`df = df.head(n)`) costs little wherever it stands: it is
// hot-code-only advice there (a hint outside a loop over data). A blind review judged four such findings noise (a
// vocabulary lookup over the 25 top-weighted words).
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'pandas-apply-simple-lambda';
const source = (cut: string) =>
  'import pandas as pd\n\n\ndef top_words(weights: pd.DataFrame, vocab, n):\n    words = weights[weights["weight"] > 0]\n' +
  `    words = words${cut}\n    words["word"] = words["feature_ind"].apply(lambda x: x * 2)\n    return words\n`;

/** The impact reasons of each finding, hints kept. */
async function reasonsOf(text: string): Promise<string[][]> {
  const engine = await getEngine();
  return engine
    .lintText(text, { select: [RULE], filePath: '/proj/pkg/drift.py', impact: 'auto', keepHints: true })
    .findings.filter((f) => f.ruleId === RULE)
    .map((f) => f.impact?.reasons ?? []);
}

async function severities(text: string): Promise<string[]> {
  const engine = await getEngine();
  return (
    engine
      // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
      .lintText(text, { select: [RULE], filePath: '/proj/pkg/drift.py', impact: 'auto', keepHints: true })
      .findings.filter((f) => f.ruleId === RULE)
      .map((f) => f.severity)
  );
}

describe('pandas rules on a few top rows', () => {
  it('is a hint over a frame last assigned `.head(n)`, `.tail(n)` or `.nlargest(n, col)`', async () => {
    for (const cut of ['.head(n)', '.tail(25)', '.nlargest(n, "weight")']) {
      assert.deepEqual(await severities(source(cut)), ['hint'], cut);
      assert.match((await reasonsOf(source(cut)))[0].join(';'), /`words` is /, cut);
    }
  });

  it('gives no few-rows reason over the whole frame, or a sorted one (near misses)', async () => {
    // pandas-apply-simple-lambda is a hint outside hot code wherever its frame comes from (issue 24): the reason differs.
    for (const cut of ['.sort_values("weight")', '.dropna()']) {
      const reasons = await reasonsOf(source(cut));
      assert.equal(reasons.length, 1, cut);
      assert.ok(!reasons[0].some((r) => /^`[^`]+` is /.test(r)), `${cut}: ${JSON.stringify(reasons)}`);
    }
    assert.equal((await severities(source('.sort_values("weight")'))).length, 1);
  });
});

describe('pandas-apply-simple-lambda: an np.where suggestion says the index is lost', () => {
  it('names the Series whose index to keep (a blind review judged a bare np.where wrong where the result is aligned later)', async () => {
    const engine = await getEngine();
    const text =
      'import pandas as pd\n\n\ndef labels(data: pd.DataFrame, threshold):\n    pos_preds = data["p"]\n    return pos_preds.apply(lambda x: 0 if x >= threshold else 1)\n';
    const [f] = engine.lintText(text, { select: [RULE], filePath: '/proj/pkg/m.py', impact: 'all' }).findings.filter((x) => x.ruleId === RULE);
    assert.match(f!.message, /np\.where\(pos_preds >= threshold, 0, 1\)/);
    assert.match(f!.message, /wrap it in `pd\.Series\(\.\.\., index=pos_preds\.index\)` where the index matters/);
  });

  it('says nothing of an index for forms that keep it (`.map`)', async () => {
    const engine = await getEngine();
    const text =
      'import pandas as pd\n\nCODES = {"a": 1, "b": 2}\n\n\ndef codes(data: pd.DataFrame):\n    col = data["c"]\n    return col.apply(lambda x: CODES[x])\n';
    const found = engine.lintText(text, { select: [RULE], filePath: '/proj/pkg/m.py', impact: 'all' }).findings.filter((x) => x.ruleId === RULE);
    assert.equal(found.length, 1);
    assert.doesNotMatch(found[0]!.message, /index/);
  });
});
