// pandas-apply-simple-lambda on parsed dates: `s.apply(lambda x: pd.Timestamp(x).date())` becomes
// `pd.to_datetime(s).dt.date`; the fixed program parses and prints what the original printed.
import * as assert from 'node:assert/strict';
import { applyFixes } from '../../server/fixes/apply';
import { getEngine, runPython } from '../helpers/engine';

const PROGRAM = `import pandas as pd

df = pd.DataFrame({"raw": ["2024-01-05 10:00", "2024-03-02 23:59", "2024-11-30 00:01"]})
df["day"] = df["raw"].apply(lambda x: pd.Timestamp(x).date())
df["month"] = df["raw"].apply(lambda x: pd.to_datetime(x).month)
df["hour"] = df["raw"].map(lambda x: pd.Timestamp(x).hour)
print(df.to_string())
`;

describe('pandas-apply-simple-lambda: parsed dates', () => {
  it('rewrites to pd.to_datetime(...).dt and the program prints the same', async function () {
    this.timeout(120000);
    const engine = await getEngine();
    const findings = engine.lintText(PROGRAM, { select: ['pandas-apply-simple-lambda'] }).findings;
    assert.equal(findings.length, 3);
    const fixed = applyFixes(PROGRAM, findings, { unsafe: true }).text;
    assert.match(fixed, /df\["day"\] = pd\.to_datetime\(df\["raw"\]\)\.dt\.date\n/);
    assert.match(fixed, /df\["hour"\] = pd\.to_datetime\(df\["raw"\]\)\.dt\.hour\n/);
    const tree = engine.parse(fixed);
    try {
      assert.ok(!tree.rootNode.hasError);
    } finally {
      tree.delete();
    }
    const before = runPython(PROGRAM, '/usr/bin/python3');
    const after = runPython(fixed, '/usr/bin/python3');
    assert.equal(before.status, 0, before.stderr);
    assert.equal(after.stdout, before.stdout);
  });
});
