// Round 70 (r70a, issue 24): worth-changing library findings that the impact ranking hid (review45's recall hunt), each
// with the signal that shows it and near-misses that stay hints.
import * as assert from 'node:assert/strict';
import { assertOneShown, libraryFindingsAll as all, libraryFindingsShown as shown } from '../helpers/engine';

/** The rule finds the source once (impact all) and the default output leaves it out: a hint. */
async function assertOneHint(rule: string, source: string): Promise<void> {
  assert.equal((await all(rule, source)).length, 1);
  assert.deepEqual(await shown(rule, source), []);
}

describe('pandas-iterrows: a scan of a whole column per row, behind a progress bar', () => {
  const RULE = 'pandas-iterrows';
  const HEAD = 'import pandas as pd\nfrom tqdm import tqdm\n\n\n';
  // A stream network's up- and downstream maps: every row filters the whole frame by one of its fields.
  const SCAN =
    'def neighbours(net: pd.DataFrame, verbose=False):\n    down = {}\n' +
    '    for _, row in tqdm(net.iterrows(), disable=not verbose, total=len(net)):\n' +
    '        down[row["id"]] = net.loc[net["from_node"] == row["to_node"], "id"].tolist()\n    return down\n';

  it('is shown, ranked high, as it is without the bar', async () => {
    const found = await shown(RULE, HEAD + SCAN);
    assert.equal(found.length, 1);
    assert.match(found[0].impact!.reasons[0], /each row compares `net\["from_node"\]` with one of its fields/);
  });

  it('stays a hint when the rows are only read, bar or not', async () => {
    await assertOneHint(
      RULE,
      HEAD + 'def names(net: pd.DataFrame):\n    out = []\n    for _, row in tqdm(net.iterrows()):\n        out.append(row["id"])\n    return out\n',
    );
  });

  it('stays a hint when the row is compared with a name of unknown kind, behind the bar', async () => {
    await assertOneHint(
      RULE,
      HEAD +
        'def kept(net: pd.DataFrame, limit):\n    out = []\n    for _, row in tqdm(net.iterrows(), total=len(net)):\n        out.append(net.loc[limit == row["v"]])\n    return out\n',
    );
  });

  it('is shown for the plain loop too (unchanged)', async () => {
    await assertOneShown(RULE, HEAD + SCAN.replace('tqdm(net.iterrows(), disable=not verbose, total=len(net))', 'net.iterrows()'));
  });
});
