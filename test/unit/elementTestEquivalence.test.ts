// pandas-apply-simple-lambda on tests of each element: `and` / `or` / `not` of them (fink-science's
// `s.apply(lambda val: val in BAD_VALUES or pd.isna(val))`, review56's recall hunt), and a def of the file that picks a label
// by comparing the value with constants (ecommercetools' ABC classes, review57's recall hunt). The column form the message
// suggests is run against the apply under real pandas on generated columns (floats, ints, NaN, None in object columns,
// bools, datetimes, strings, empty, non-default and duplicated indexes). The findings are advice without a fix and say to
// check the result's dtype; the differences found here are those of the single comparison the rule already suggests, and
// none more.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { FIXTURES, ruleFindings } from '../helpers/engine';

const HARNESS = path.join(FIXTURES, 'equivalence', 'frames.py');
const RULE = 'pandas-apply-simple-lambda';

const program = (expr: string, defs = '') =>
  ['import numpy as np', 'import pandas as pd', '', '', ...(defs ? [defs, '', ''] : []), 'def compute(df):', `    return ${expr}`, ''].join('\n');

function compare(before: string, after: string, frames: 'numbers' | 'text' | 'dates'): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-bool-'));
  writeFileSync(path.join(dir, 'before.py'), before);
  writeFileSync(path.join(dir, 'after.py'), after);
  const r = spawnSync('/usr/bin/python3', [HARNESS, path.join(dir, 'before.py'), path.join(dir, 'after.py'), frames], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries(Object.entries(JSON.parse(r.stdout) as Record<string, string>).filter(([, v]) => v !== 'same'));
}

/** The column expression the finding suggests (`write `...` instead`). */
async function suggestion(source: string): Promise<string> {
  const findings = await ruleFindings(RULE, source);
  assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => f.message)));
  const text = /write `([^`]+)` instead/.exec(findings[0]!.message)?.[1];
  assert.ok(text, findings[0]!.message);
  return text;
}

/**
 * What every comparison's column form does differently, a single `x > 1.5` (`s > 1.5`, which the rule already suggests) as
 * much as a combination of them: an empty column keeps apply's dtype (float64 or object) where a comparison gives bool;
 * `None` in an object column makes the lambda's `<` raise where the column compares it as missing; an unordered categorical
 * column compares in the lambda (each element is a number) and raises on the whole column.
 */
const COMPARISON = { empty: 'dtype float64 / bool', 'None in object columns': 'raised TypeError / ok', categorical: 'ok / raised TypeError' };

const CASES: { lambda: string; expected: string; frames: 'numbers' | 'text'; diff: Record<string, string> }[] = [
  { lambda: 'lambda x: x > 1.5', expected: 'df["a"] > 1.5', frames: 'numbers', diff: COMPARISON },
  { lambda: 'lambda x: x > 1.5 and x < 3', expected: '(df["a"] > 1.5) & (df["a"] < 3)', frames: 'numbers', diff: COMPARISON },
  { lambda: 'lambda x: x < 1.5 or x > 2.5', expected: '(df["a"] < 1.5) | (df["a"] > 2.5)', frames: 'numbers', diff: COMPARISON },
  // `not pd.isna(x)` first: the lambda never compares None, as the column form does not.
  {
    lambda: 'lambda x: not pd.isna(x) and x >= 2',
    expected: 'df["a"].notna() & (df["a"] >= 2)',
    frames: 'numbers',
    diff: { empty: COMPARISON.empty, categorical: COMPARISON.categorical },
  },
  {
    lambda: 'lambda x: x in {1.5, 3.0} or pd.isna(x)',
    expected: 'df["a"].isin({1.5, 3.0}) | df["a"].isna()',
    frames: 'numbers',
    diff: { empty: COMPARISON.empty },
  },
  // fink-science's filter: on the nullable string dtype, `pd.NA in (...)` raises (NA has no truth value); isin does not.
  {
    lambda: 'lambda v: v in ("Apple", "c,d") or pd.isna(v)',
    expected: 'df["a"].isin(("Apple", "c,d")) | df["a"].isna()',
    frames: 'text',
    diff: { empty: 'dtype object / bool', 'string dtype': 'raised TypeError / ok' },
  },
];

/** The `np.select` a label-chain finding suggests (`...; `np.select(...)` labels the whole column`). */
async function selectSuggested(source: string): Promise<string> {
  const findings = await ruleFindings(RULE, source);
  assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => f.message)));
  const text = /; `([^`]+)` labels the whole column/.exec(findings[0]!.message)?.[1];
  assert.ok(text, findings[0]!.message);
  return text;
}

const ABC = [
  'def abc(p):',
  '    if 0 < p <= 80:',
  '        return "A"',
  '    elif 80 < p <= 90:',
  '        return "B"',
  '    else:',
  '        return "C"',
].join('\n');
const BUCKET = ['def bucket(x):', '    if x < 1.6:', '        return 0', '    if x < 2.5:', '        return 1', '    return 2'].join('\n');

const CHAINS: { defs: string; call: string; expected: string; diff: Record<string, string> }[] = [
  // Labels: apply's object column of strings and the select's; NaN fails every comparison and takes the default in both.
  {
    defs: ABC,
    call: 'df["a"].apply(abc)',
    expected: 'np.select([(0 < df["a"]) & (df["a"] <= 80), (80 < df["a"]) & (df["a"] <= 90)], ["A", "B"], default="C")',
    diff: { empty: 'dtype float64 / object', 'None in object columns': 'raised TypeError / ok', categorical: 'ok / raised TypeError' },
  },
  {
    defs: BUCKET,
    call: 'df["a"].apply(lambda v: bucket(v))',
    expected: 'np.select([df["a"] < 1.6, df["a"] < 2.5], [0, 1], default=2)',
    diff: { empty: 'dtype float64 / int64', 'None in object columns': 'raised TypeError / ok', categorical: 'ok / raised TypeError' },
  },
];

describe('pandas-apply-simple-lambda: a def of the file that picks a label by comparisons, under real pandas', function () {
  this.timeout(120000);
  for (const c of CHAINS) {
    it(`${c.call} → ${c.expected}`, async () => {
      const before = program(c.call, c.defs);
      const select = await selectSuggested(before);
      assert.equal(select, c.expected);
      assert.deepEqual(compare(before, program(`pd.Series(${select}, index=df["a"].index)`, c.defs), 'numbers'), c.diff);
    });
  }
});

/**
 * What `.dt` does differently from a datetime built from each value's fields (the fix's reason says both): NaT has no
 * fields (the lambda raises), and a column of Python dates has no `.dt` (the rewrite raises).
 */
const DT = { 'timestamps with NaT': 'raised TypeError / ok', 'python dates': 'ok / raised AttributeError' };

const TRUNCATIONS: { lambda: string; expected: string; diff: Record<string, string> }[] = [
  { lambda: 'lambda x: datetime.datetime(x.year, 1, 1)', expected: 'df["a"].dt.to_period("Y").dt.to_timestamp()', diff: DT },
  { lambda: 'lambda x: datetime.datetime(x.year, x.month, 1)', expected: 'df["a"].dt.to_period("M").dt.to_timestamp()', diff: DT },
  {
    lambda: 'lambda x: datetime.datetime(x.year, x.month, x.day)',
    expected: 'df["a"].dt.normalize()',
    diff: { ...DT, 'tz-aware': 'dtype datetime64[ns] / datetime64[ns, Europe/Berlin]' },
  },
  {
    lambda: 'lambda x: datetime.datetime(x.year, x.month, x.day, x.hour)',
    expected: 'df["a"].dt.floor("h")',
    // A Python date has no hour: both raise.
    diff: { 'timestamps with NaT': DT['timestamps with NaT'], 'tz-aware': 'dtype datetime64[ns] / datetime64[ns, Europe/Berlin]' },
  },
];

describe('pandas-apply-simple-lambda: a timestamp cut down to its year, month, day or hour, under real pandas', function () {
  this.timeout(120000);
  for (const c of TRUNCATIONS) {
    it(`${c.lambda} → ${c.expected}`, async () => {
      const before = ['import datetime', '', ''].join('\n') + program(`df["a"].apply(${c.lambda})`);
      const after = await suggestion(before);
      assert.equal(after, c.expected);
      assert.deepEqual(compare(before, program(after), 'dates'), c.diff);
    });
  }
});

describe('pandas-apply-simple-lambda: and / or / not of element tests, under real pandas', function () {
  this.timeout(120000);
  for (const c of CASES) {
    it(`${c.lambda} → ${c.expected}`, async () => {
      const before = program(`df["a"].apply(${c.lambda})`);
      const after = await suggestion(before);
      assert.equal(after, c.expected);
      assert.deepEqual(compare(before, program(after), c.frames), c.diff);
    });
  }
});
