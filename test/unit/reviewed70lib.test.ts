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

describe('a library function named test_* that is no pytest test', () => {
  const RULE = 'pandas-apply-axis1';
  const HEAD = 'import pandas as pd\n\n\n';
  // A public API that tests a caller against a table: a parameter with a default (no fixture has one), or a result handed back.
  const body = '    codes = {"a": 0, "b": 1}\n    calls["code"] = calls.apply(lambda r: codes[r.cnv], axis=1)\n';

  it('is ranked as library code when it takes a parameter with a default', async () => {
    await assertOneShown(RULE, HEAD + `def test_caller(calls: pd.DataFrame, out=None):\n${body}`);
  });

  it('is ranked as library code when it returns a value', async () => {
    await assertOneShown(RULE, HEAD + `def test_caller(calls: pd.DataFrame):\n${body}    return calls\n`);
  });

  for (const [what, src] of [
    ['a test that returns nothing', `def test_caller(calls: pd.DataFrame):\n${body}`],
    ['a test that returns None', `def test_caller(calls: pd.DataFrame):\n${body}    return None\n`],
    ['a module that imports pytest', `import pytest\n\n\ndef test_caller(calls: pd.DataFrame, out=None):\n${body}    return calls\n`],
    [
      'a Test class',
      `class TestCaller:\n    def test_caller(self, calls: pd.DataFrame, out=None):\n    ${body.replace(/\n {4}/g, '\n        ')}        return calls\n`,
    ],
  ]) {
    it(`stays low in ${what}`, async () => {
      const found = await all(RULE, HEAD + src);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0].impact?.level, 'low');
      assert.deepEqual(await shown(RULE, HEAD + src), []);
    });
  }
});
