// Round 93 (issue 24, review69): `groupby(y).apply(lambda x: x.sample(frac=0.7, random_state=seed))` is a seeded,
// stratified split. The groupby's own `sample` is faster but draws other rows for the same seed, so users' reproducible
// splits would change: the finding ranks low and says why. An unseeded draw keeps its rank.
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

const RULE = 'pandas-groupby-apply-transform';

async function findings(source: string): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { select: [RULE], filePath: '/proj/pkg/split.py', impact: 'all' }).findings.filter((f) => f.ruleId === RULE);
}

const split = (args: string) => `import pandas as pd


def split_df(path, y, ratio):
    dt = pd.read_csv(path)
    train = dt.groupby(y, group_keys=False).apply(lambda x: x.sample(${args})).sort_index()
    return train
`;

describe('pandas-groupby-apply-transform: a seeded per-group sample (round 93, review69)', () => {
  it('ranks a seeded draw low and says the seed would draw other rows', async () => {
    const [f] = await findings(split('frac=ratio, random_state=7'));
    assert.ok(f);
    assert.equal(f.impact?.level, 'low');
    assert.match(f.impact!.reasons.join(';'), /draws other rows for the same seed/);
  });

  it('keeps the rank of an unseeded draw (near miss)', async () => {
    const [f] = await findings(split('frac=ratio'));
    assert.ok(f);
    assert.notEqual(f.impact?.level, 'low');
  });
});
