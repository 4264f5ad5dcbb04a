// pandas-chained-inplace: the evidence behind its unsafe label, run with Debian's pandas. The fix
// turns `df["a"].fillna(v, inplace=True)` into `df["a"] = df["a"].fillna(v)`; these tests apply it
// and compare what the frame and a Series taken from it earlier hold, with Copy-on-Write off and on.
import * as assert from 'node:assert/strict';
import { applyFixes } from '../../server/fixes/apply';
import { getEngine, runPython } from '../helpers/engine';

/** A program that fills column a in place; `cow` sets pandas' Copy-on-Write mode where it exists. */
const program = (cow: boolean) =>
  [
    'import pandas as pd',
    'import numpy as np',
    `if hasattr(pd.options.mode, "copy_on_write"): pd.options.mode.copy_on_write = ${cow ? 'True' : 'False'}`,
    'df = pd.DataFrame({"a": [1.0, np.nan, 3.0]})',
    'earlier = df["a"]',
    'df["a"].fillna(0.0, inplace=True)',
    'print("frame", df["a"].tolist())',
    'print("earlier", earlier.tolist())',
    'print("cow", getattr(pd.options.mode, "copy_on_write", None))',
    '',
  ].join('\n');

async function fixedOf(source: string) {
  const engine = await getEngine();
  const findings = engine.lintText(source, { select: ['pandas-chained-inplace'] }).findings.filter((f) => f.fix);
  assert.equal(findings.length, 1);
  return { finding: findings[0], text: applyFixes(source, findings, { unsafe: true }).text };
}

describe('pandas-chained-inplace: the fix changes behaviour, so it is unsafe', () => {
  it('is labelled unsafe, with the reason', async () => {
    const { finding, text } = await fixedOf(program(false));
    assert.match(text, /^df\["a"\] = df\["a"\]\.fillna\(0\.0\)$/m);
    assert.equal(finding.fix!.safety, 'unsafe');
    assert.match(finding.fix!.reason ?? '', /sharing the column/);
  });

  it('without Copy-on-Write: the frame is filled either way, but a Series taken earlier is no longer filled', async () => {
    const source = program(false);
    const before = runPython(source, '/usr/bin/python3');
    const after = runPython((await fixedOf(source)).text, '/usr/bin/python3');
    assert.equal(before.status, 0, before.stderr);
    assert.match(before.stdout, /frame \[1\.0, 0\.0, 3\.0\]\nearlier \[1\.0, 0\.0, 3\.0\]/);
    assert.match(after.stdout, /frame \[1\.0, 0\.0, 3\.0\]\nearlier \[1\.0, nan, 3\.0\]/);
  });

  it('with Copy-on-Write on (where this pandas has it): the original left the frame as it was; the fix fills it', async function () {
    const source = program(true);
    const before = runPython(source, '/usr/bin/python3');
    assert.equal(before.status, 0, before.stderr);
    if (!/cow True/.test(before.stdout)) this.skip(); // a pandas without the option
    const after = runPython((await fixedOf(source)).text, '/usr/bin/python3');
    assert.match(before.stdout, /frame \[1\.0, nan, 3\.0\]/);
    assert.match(after.stdout, /frame \[1\.0, 0\.0, 3\.0\]/);
  });
});
