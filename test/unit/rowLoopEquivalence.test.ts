// The vectorising fixes of pandas-iterrows and pandas-row-loop-indexing, run against real pandas: the loop (before) and the
// rewrite (after) on generated frames (int/float/bool/str/categorical/datetime columns, NaN and
// None, an empty and a one-row frame, a non-default and a duplicated index). Every difference
// found must be one the fix's reason states, and the fix is unsafe because there are some.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyFixes } from '../../server/fixes/apply';
import { FIXTURES, compilePython, getEngine } from '../helpers/engine';

const HARNESS = path.join(FIXTURES, 'equivalence', 'frames.py');

const EXPRESSIONS = ['row["a"] * row["b"]', 'row["a"] - row["b"]', 'row.a + 1', 'row["a"] > row["b"]', 'row["a"] / row["b"]', 'row["a"] // row["b"]'];

/** The loop as a user writes it: the list assigned back to a column, or kept as a list. */
function loopSource(expr: string, form: 'column' | 'list'): string {
  return [
    'import pandas as pd',
    '',
    '',
    'def compute(df):',
    '    out = []',
    '    for _, row in df.iterrows():',
    `        out.append(${expr})`,
    ...(form === 'column' ? ['    df["out"] = out', '    return df["out"]'] : ['    return out']),
    '',
  ].join('\n');
}

/** The frames where the rewrite differs from the loop, and how (harness wording), per form and expression. */
const UPCAST_COLUMN = { 'int beside a float column': 'dtype float64 / int64' };
const COMMON = {
  'None in object columns': 'raised TypeError / ok',
  categorical: 'ok / raised TypeError',
};
const EXPECTED_COLUMN: Record<string, Record<string, string>> = {
  'row["a"] * row["b"]': { ...UPCAST_COLUMN, ...COMMON },
  'row["a"] - row["b"]': { ...UPCAST_COLUMN, ...COMMON },
  'row.a + 1': { ...UPCAST_COLUMN, ...COMMON },
  'row["a"] > row["b"]': { ...COMMON, empty: 'dtype float64 / bool' },
  'row["a"] / row["b"]': { ...COMMON, bool: 'ok / raised NotImplementedError' },
  'row["a"] // row["b"]': { ...UPCAST_COLUMN, ...COMMON, bool: 'ok / raised NotImplementedError', 'int zeros': 'dtype int64 / float64' },
};

/** In the list form every frame whose loop collected NumPy scalars now gets Python scalars. */
function expectedList(expr: string): Record<string, string> {
  const column = EXPECTED_COLUMN[expr];
  const out: Record<string, string> = {};
  for (const [frame, what] of Object.entries(column)) if (what.includes('raised')) out[frame] = what;
  return out;
}

/** Where `reason` must say why each kind of difference happens. */
const EXPLAINED: [RegExp, RegExp][] = [
  [/int beside a float column/, /upcasts each row to one dtype/],
  [/categorical/, /categorical columns/],
  [/^bool$/, /bool division/],
  [/None in object columns/, /None in an object column/],
  [/int zeros/, /`\/\/` by zero/],
  [/empty/, /empty frame/],
];

async function rewrite(source: string, rule = 'pandas-iterrows') {
  const engine = await getEngine();
  const findings = engine.lintText(source, { select: [rule] }).findings;
  assert.equal(findings.length, 1, source);
  const fix = findings[0].fix!;
  assert.ok(fix, 'no fix offered');
  return { fix, after: applyFixes(source, findings, { unsafe: true }).text };
}

function compare(before: string, after: string, frames: 'numbers' | 'text' | 'groups' = 'numbers'): Record<string, string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-eq-'));
  writeFileSync(path.join(dir, 'before.py'), before);
  writeFileSync(path.join(dir, 'after.py'), after);
  const r = spawnSync('/usr/bin/python3', [HARNESS, path.join(dir, 'before.py'), path.join(dir, 'after.py'), frames], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

function differences(matrix: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(matrix).filter(([, v]) => v !== 'same'));
}

describe('pandas-iterrows vectorising fix: equivalence with the loop under real pandas', function () {
  this.timeout(300000);

  for (const expr of EXPRESSIONS) {
    it(`df["out"] = [loop over iterrows appending ${expr}] → one column expression`, async () => {
      const before = loopSource(expr, 'column');
      const { fix, after } = await rewrite(before);
      assert.equal(fix.title, 'Compute the column with whole-column arithmetic');
      assert.equal(fix.safety, 'unsafe');
      assert.match(after, /^ {4}df\["out"\] = df\[/m);
      assert.doesNotMatch(after, /iterrows|append/);
      assert.equal(compilePython(after).status, 0);
      const diff = differences(compare(before, after));
      assert.deepEqual(diff, EXPECTED_COLUMN[expr]);
      for (const frame of Object.keys(diff)) {
        const [, says] = EXPLAINED.find(([f]) => f.test(frame)) ?? [null, /$^/];
        assert.match(fix.reason ?? '', says, `${frame} differs but the reason does not say why`);
      }
    });

    it(`a list kept as a list (${expr}) → (column expression).tolist()`, async () => {
      const before = loopSource(expr, 'list');
      const { fix, after } = await rewrite(before);
      assert.equal(fix.title, 'Build the list with whole-column arithmetic');
      assert.equal(fix.safety, 'unsafe');
      assert.match(after, /\.tolist\(\)$/m);
      const diff = differences(compare(before, after));
      // Besides the raises the column form shows, the elements change type wherever the loop collected numpy scalars.
      const raised = Object.fromEntries(Object.entries(diff).filter(([, v]) => v.includes('raised')));
      assert.deepEqual(raised, expectedList(expr));
      const retyped = Object.values(diff).filter((v) => !v.includes('raised'));
      assert.ok(retyped.length > 0 && retyped.every((v) => /^element types .*(float64|int64|bool_).* \/ /.test(v) || v === 'values'), JSON.stringify(diff));
      assert.match(fix.reason ?? '', /Python scalars where the loop collected NumPy scalars/);
    });
  }

  for (const expr of ['row["a"] * row["b"]', 'row.a - 1']) {
    it(`total += ${expr} over iterrows → one .sum(skipna=False) of the column expression`, async () => {
      const before = [
        'import pandas as pd',
        '',
        '',
        'def compute(df):',
        '    total = 0',
        '    for _, row in df.iterrows():',
        `        total += ${expr}`,
        '    return total',
        '',
      ].join('\n');
      const { fix, after } = await rewrite(before);
      assert.equal(fix.title, 'Sum the column expression');
      assert.equal(fix.safety, 'unsafe');
      assert.match(after, /^ {4}total = .*\.sum\(skipna=False\)$/m);
      const diff = differences(compare(before, after));
      // NaN propagates as in the loop (skipna=False), the index plays no part, one row and datetimes agree.
      for (const same of ['NaN', 'one row', 'non-default index', 'duplicated index', 'float']) assert.equal(diff[same], undefined, `${same}: ${diff[same]}`);
      const explained: [RegExp, RegExp][] = [
        [/int beside a (float|str) column/, /upcasts each row to one dtype/],
        [/categorical/, /categorical columns raise/],
        [/None in object columns/, /None in an object column/],
        [/empty/, /empty frame sums to 0\.0/],
        [/mixed magnitude/, /pairwise/],
      ];
      for (const frame of Object.keys(diff)) {
        const [, says] = explained.find(([f]) => f.test(frame)) ?? [null, /$^/];
        assert.match(fix.reason ?? '', says, `${frame} differs (${diff[frame]}) but the reason does not say why`);
      }
      // The harness does see the order of float additions: the fix is unsafe for that alone.
      assert.equal(diff['1,000 floats of mixed magnitude'], 'values');
    });
  }

  it('a loop that does anything else, or whose names live on, gets no column rewrite', async () => {
    const engine = await getEngine();
    const base = (body: string[], after: string[] = []) =>
      ['import pandas as pd', 'def compute(df):', '    out = []', '    for idx, row in df.iterrows():', ...body, ...after, '    return out', ''].join('\n');
    const cases = [
      base(['        out.append(row["a"] * 2)', '        print(row["a"])']),
      base(['        out.append(row["a"] * idx)']),
      base(['        out.append(row["a"] * 2)'], ['    print(row)']),
      base(['        out.append(row["a"] * 2)  # why']),
      base(['        out.append(row["a"] * scale(row))']),
      base(['        out.append(row.name * 2)']),
      base(['        if row["a"] > 0:', '            out.append(row["a"])']),
      base(['        out.append(row["a"] * 2)', '        if row["a"] < 0:', '            break']),
      base(['        out.append(row["a"] * 2)', '        out += [1]']),
    ];
    const control = engine.lintText(base(['        out.append(row["a"] * 2)']), { select: ['pandas-iterrows'] }).findings;
    assert.equal(control[0].fix?.title, 'Build the list with whole-column arithmetic');
    for (const source of cases) {
      const findings = engine.lintText(source, { select: ['pandas-iterrows'] }).findings;
      assert.equal(findings.length, 1, source);
      assert.doesNotMatch(findings[0].fix?.title ?? '', /whole-column/, source);
    }
  });

  it('the harness itself tells a real difference from none (a rewrite that drops NaN rows is caught)', () => {
    const before = loopSource('row["a"] * 2', 'list');
    const wrong = 'import pandas as pd\n\ndef compute(df):\n    return (df["a"].dropna() * 2).tolist()\n';
    assert.equal(compare(before, wrong).NaN, 'values');
  });
});

describe('pandas-row-loop-indexing vectorising fix: equivalence with the loop under real pandas', function () {
  this.timeout(300000);
  const loop = (expr: string, form: 'column' | 'list') =>
    [
      'import pandas as pd',
      '',
      '',
      'def compute(df):',
      '    out = []',
      '    for i in range(len(df)):',
      `        out.append(${expr})`,
      ...(form === 'column' ? ['    df["out"] = out', '    return df["out"]'] : ['    return out']),
      '',
    ].join('\n');
  // .at / .loc read scalars of each column's own dtype (no row upcast): only labels, categoricals and None differ.
  const LABELS = {
    'None in object columns': 'raised TypeError / ok',
    categorical: 'ok / raised TypeError',
    'non-default index': 'raised KeyError / ok',
    'permuted index': 'values',
    'duplicated index': 'raised KeyError / ok',
  };
  it('df.at[i, "out"] = <arithmetic of cells> per row → the column assigned in one step; it differs only where the reason says', async () => {
    const before = [
      'import pandas as pd',
      '',
      '',
      'def compute(df):',
      '    for i in range(len(df)):',
      '        df.at[i, "out"] = df.at[i, "a"] * df.loc[i, "b"]',
      '    return df["out"]',
      '',
    ].join('\n');
    const { fix, after } = await rewrite(before, 'pandas-row-loop-indexing');
    assert.equal(fix.title, 'Compute the column in one step');
    assert.equal(fix.safety, 'unsafe');
    assert.ok(after.includes('    df["out"] = df["a"] * df["b"]\n'), after);
    assert.equal(compilePython(after).status, 0);
    assert.deepEqual(differences(compare(before, after)), {
      // Labels: the loop's .at[i] reads rows by label (a permuted index still lines up, since it also writes by label).
      'non-default index': 'raised KeyError / ok',
      'duplicated index': 'raised KeyError / ok',
      // The column the loop creates cell by cell starts as float64 with NaN.
      int: 'dtype float64 / int64',
      'int beside a float column': 'dtype float64 / int64',
      'int beside a str column': 'dtype float64 / int64',
      'int zeros': 'dtype float64 / int64',
      bool: 'dtype object / bool',
      empty: 'raised KeyError / ok',
      'None in object columns': 'raised TypeError / ok',
      categorical: 'ok / raised TypeError',
    });
    for (const says of [
      /use index labels/,
      /dtype can differ/,
      /on an empty frame the loop never creates the column/,
      /categorical columns raise only in the column form/,
    ]) {
      assert.match(fix.reason ?? '', says);
    }
  });

  // The same one-assignment loop reading cells by position or choosing between literals, and on a frame whose index the code
  // has just reset (then the label differences are gone; the cell-by-cell column's dtype and the empty frame remain).
  const ASSIGNED: { prologue: string[]; statement: string; after: string; diff: Record<string, string>; says: RegExp[]; saysNot: RegExp[] }[] = [
    {
      prologue: [],
      statement: 'df.at[i, "out"] = df["a"].iloc[i] * 2',
      after: 'df["out"] = df["a"] * 2',
      diff: {
        int: 'dtype float64 / int64',
        'int beside a float column': 'dtype float64 / int64',
        'int beside a str column': 'dtype float64 / int64',
        'None in object columns': 'raised TypeError / ok',
        bool: 'dtype float64 / int64',
        categorical: 'ok / raised TypeError',
        empty: 'raised KeyError / ok',
        // Positional reads, label writes: on another index the loop adds rows 0..n-1 (or writes them out of order).
        'non-default index': 'index',
        'permuted index': 'values',
        'duplicated index': 'index',
        'int zeros': 'dtype float64 / int64',
      },
      says: [/use index labels/, /dtype can differ/],
      saysNot: [],
    },
    {
      prologue: ['df = df.reset_index(drop=True)'],
      statement: 'df.at[i, "out"] = df.at[i, "a"] * df.loc[i, "b"]',
      after: 'df["out"] = df["a"] * df["b"]',
      diff: {
        int: 'dtype float64 / int64',
        'int beside a float column': 'dtype float64 / int64',
        'int beside a str column': 'dtype float64 / int64',
        'None in object columns': 'raised TypeError / ok',
        bool: 'dtype object / bool',
        categorical: 'ok / raised TypeError',
        empty: 'raised KeyError / ok',
        'int zeros': 'dtype float64 / int64',
      },
      says: [/dtype can differ/, /on an empty frame the loop never creates the column/],
      saysNot: [/index labels/],
    },
    {
      prologue: ['df = df.reset_index(drop=True)'],
      statement: 'df.loc[i, "out"] = "high" if df.at[i, "a"] > 2 else "low"',
      after: 'df["out"] = numpy.where(df["a"] > 2, "high", "low")',
      diff: { 'None in object columns': 'raised TypeError / ok', categorical: 'ok / raised TypeError', empty: 'raised KeyError / ok' },
      says: [/type of its two literals/],
      saysNot: [/index labels/],
    },
  ];
  for (const c of ASSIGNED) {
    it(`${[...c.prologue, 'for i in range(len(df)):', c.statement].join(' / ')} → ${c.after}, differing only where the reason says`, async () => {
      const before = [
        'import pandas as pd',
        '',
        '',
        'def compute(df):',
        ...c.prologue.map((l) => `    ${l}`),
        '    for i in range(len(df)):',
        `        ${c.statement}`,
        '    return df["out"]',
        '',
      ].join('\n');
      const { fix, after } = await rewrite(before, 'pandas-row-loop-indexing');
      assert.equal(fix.title, 'Compute the column in one step');
      assert.equal(fix.safety, 'unsafe');
      assert.ok(after.includes(`    ${c.after}\n`), after);
      assert.equal(compilePython(after).status, 0);
      assert.deepEqual(differences(compare(before, after)), c.diff);
      for (const says of c.says) assert.match(fix.reason ?? '', says);
      for (const not of c.saysNot) assert.doesNotMatch(fix.reason ?? '', not);
    });
  }

  for (const expr of ['df.at[i, "a"] * df.loc[i, "b"]', 'df.at[i, "a"] - 1']) {
    it(`df["out"] = [${expr} per row] → one column expression; it differs only where the reason says`, async () => {
      const before = loop(expr, 'column');
      const { fix, after } = await rewrite(before, 'pandas-row-loop-indexing');
      assert.equal(fix.title, 'Compute the column with whole-column arithmetic');
      assert.equal(fix.safety, 'unsafe');
      assert.doesNotMatch(after, /for i in|append/);
      assert.deepEqual(differences(compare(before, after)), LABELS);
      assert.match(fix.reason ?? '', /index labels: on an index other than 0\.\.len-1 the loop raised KeyError or read the rows in another order/);
      assert.match(fix.reason ?? '', /categorical columns and bool division raise only in the column form, None in an object column only in the loop/);
    });

    it(`a kept list of ${expr} → (column expression).tolist(), with Python scalars`, async () => {
      const before = loop(expr, 'list');
      const { fix, after } = await rewrite(before, 'pandas-row-loop-indexing');
      assert.equal(fix.title, 'Build the list with whole-column arithmetic');
      const diff = differences(compare(before, after));
      for (const [frame, what] of Object.entries(LABELS)) assert.equal(diff[frame], what, frame);
      const rest = Object.entries(diff).filter(([frame]) => !(frame in LABELS));
      assert.ok(rest.length > 0 && rest.every(([, v]) => /^element types (float64|int64|bool_) \/ (float|int|bool)$/.test(v)), JSON.stringify(rest));
      assert.match(fix.reason ?? '', /Python scalars where the loop collected NumPy scalars/);
    });
  }
});

/**
 * `CODES[row["a"]]` (iterrows) or `CODES[row.a]` (itertuples) → `df["a"].map(CODES)`: the loop raises KeyError on
 * any value the mapping lacks, where map gives NaN; the other differences are dtypes.
 */
const MAPPED_CODES_DIFF = {
  float: 'raised KeyError / ok',
  NaN: 'raised KeyError / ok',
  'None in object columns': 'raised KeyError / ok',
  bool: 'raised KeyError / ok',
  categorical: 'dtype int64 / category',
  datetime: 'raised KeyError / ok',
  empty: 'dtype float64 / int64',
  'int zeros': 'raised KeyError / ok',
  '1,000 floats of mixed magnitude': 'raised KeyError / ok',
};

/**
 * `for i in range(len(df))` loops that read cells by position (`df["a"].iloc[i]`, `df.iat[i, 0]`), through the row
 * (`df.iloc[i]["a"]`) or by label on a frame the code shows to have a default RangeIndex: the same rewrites as iterrows
 * loops, each run before and after on the harness's frames. Every case differs somewhere, so every fix stays unsafe.
 */
describe('pandas-row-loop-indexing: positional and proven-label reads, every rewrite form, equivalence under real pandas', function () {
  this.timeout(300000);
  const source = (body: string[], end: 'column' | 'list' | 'total', prologue: string[] = []) =>
    [
      'import pandas as pd',
      '',
      'CODES = {1: 10, 2: 20, 3: 30}',
      '',
      '',
      'def compute(df):',
      ...prologue.map((l) => `    ${l}`),
      end === 'total' ? '    total = 0' : '    out = []',
      '    for i in range(len(df)):',
      ...body.map((l) => `        ${l}`),
      ...(end === 'column' ? ['    df["out"] = out', '    return df["out"]'] : end === 'list' ? ['    return out'] : ['    return total']),
      '',
    ].join('\n');
  // Cells are NumPy scalars of each column's own dtype, read by position: only None and categoricals differ in every form.
  const LOOP = { 'None in object columns': 'raised TypeError / ok', categorical: 'ok / raised TypeError' };
  const LABELS_RAISE = { 'non-default index': 'raised KeyError / ok', 'duplicated index': 'raised KeyError / ok' };
  const NUMPY_SCALARS = {
    float: 'element types float64 / float',
    int: 'element types int64 / int',
    'int beside a float column': 'element types int64 / int',
    'int beside a str column': 'element types int64 / int',
    NaN: 'element types float64 / float',
    bool: 'element types bool_ / bool',
    'one row': 'element types float64 / float',
    'non-default index': 'element types float64 / float',
    'permuted index': 'element types float64 / float',
    'duplicated index': 'element types float64 / float',
    'int zeros': 'element types int64 / int',
    '1,000 floats of mixed magnitude': 'element types float64 / float',
  };
  const STR_RAISES = {
    'str with NaN': 'raised AttributeError / ok',
    'str with None': 'raised AttributeError / ok',
    'string dtype': 'raised AttributeError / ok',
    'mixed object': 'raised AttributeError / ok',
  };
  const CASES: {
    body: string[];
    end: 'column' | 'list' | 'total';
    prologue?: string[];
    frames?: 'numbers' | 'text';
    after: string;
    title: string;
    diff: Record<string, string>;
    says: RegExp[];
    saysNot?: RegExp[];
  }[] = [
    {
      body: ['out.append(df["a"].iloc[i] * df["b"].iloc[i])'],
      end: 'column',
      after: 'df["out"] = df["a"] * df["b"]',
      title: 'Compute the column with whole-column arithmetic',
      diff: LOOP,
      says: [/categorical columns and bool division raise only in the column form, None in an object column only in the loop/],
      saysNot: [/index labels/, /Series of one dtype/, /Python scalars/],
    },
    {
      body: ['out.append(df.iat[i, 0] - df.iat[i, 1])'],
      end: 'column',
      after: 'df["out"] = df.iloc[:, 0] - df.iloc[:, 1]',
      title: 'Compute the column with whole-column arithmetic',
      diff: LOOP,
      says: [/categorical columns/],
      saysNot: [/index labels/],
    },
    {
      body: ['out.append(df["a"].iat[i] / df["b"].iat[i])'],
      end: 'column',
      after: 'df["out"] = df["a"] / df["b"]',
      title: 'Compute the column with whole-column arithmetic',
      diff: { ...LOOP, bool: 'ok / raised NotImplementedError' },
      says: [/bool division/],
    },
    {
      body: ['out.append(df["a"].iloc[i] // df["b"].iloc[i])'],
      end: 'column',
      after: 'df["out"] = df["a"] // df["b"]',
      title: 'Compute the column with whole-column arithmetic',
      diff: { ...LOOP, bool: 'ok / raised NotImplementedError', 'int zeros': 'dtype int64 / float64' },
      says: [/integer `\/\/` by zero/],
    },
    {
      body: ['out.append(df["a"].iloc[i] > df["b"].iloc[i])'],
      end: 'column',
      after: 'df["out"] = df["a"] > df["b"]',
      title: 'Compute the column with whole-column arithmetic',
      diff: { ...LOOP, empty: 'dtype float64 / bool' },
      says: [/an empty frame give other values or dtypes/],
    },
    {
      body: ['out.append(df.iloc[i]["a"] + 1)'],
      end: 'column',
      after: 'df["out"] = df["a"] + 1',
      title: 'Compute the column with whole-column arithmetic',
      diff: { ...LOOP, 'int beside a float column': 'dtype float64 / int64' },
      says: [/build each row as a Series of one dtype/],
    },
    {
      body: ['out.append(df["a"].iloc[i] * df["b"].iloc[i])'],
      end: 'list',
      after: 'out = (df["a"] * df["b"]).tolist()',
      title: 'Build the list with whole-column arithmetic',
      diff: { ...LOOP, ...NUMPY_SCALARS },
      says: [/Python scalars where the loop collected NumPy scalars/],
    },
    {
      body: ['total += df["a"].iloc[i] * df["b"].iloc[i]'],
      end: 'total',
      after: 'total = (df["a"] * df["b"]).sum(skipna=False)',
      title: 'Sum the column expression',
      diff: { ...LOOP, empty: 'element types int / float64', '1,000 floats of mixed magnitude': 'values' },
      says: [/pairwise/, /empty frame sums to 0\.0/],
      saysNot: [/index labels/],
    },
    {
      body: ['total += df.at[i, "a"] - 1'],
      end: 'total',
      after: 'total = (df["a"] - 1).sum(skipna=False)',
      title: 'Sum the column expression',
      diff: { ...LOOP, ...LABELS_RAISE, empty: 'element types int / float64', '1,000 floats of mixed magnitude': 'values' },
      says: [/index labels/, /pairwise/],
    },
    {
      body: ['out.append("high" if df["a"].iloc[i] > 2 else "low")'],
      end: 'column',
      after: 'df["out"] = numpy.where(df["a"] > 2, "high", "low")',
      title: 'Compute the column with np.where',
      diff: { ...LOOP, empty: 'dtype float64 / object' },
      says: [/type of its two literals, also on an empty frame/],
    },
    {
      body: ['out.append(df["a"].iloc[i] if df["a"].iloc[i] > 1 else 0)'],
      end: 'column',
      after: 'df["out"] = df["a"].where(df["a"] > 1, 0)',
      title: 'Compute the column with Series.where',
      diff: LOOP,
      says: [/Series\.where/],
    },
    {
      body: ['out.append(df["a"].iloc[i].strip().lower())'],
      end: 'column',
      frames: 'text',
      after: 'df["out"] = df["a"].str.strip().str.lower()',
      title: 'Compute the column with the .str accessor',
      diff: { ...STR_RAISES, empty: 'dtype float64 / object' },
      says: [/where the loop raised AttributeError/],
    },
    {
      body: ['out.append(CODES[df.iat[i, 0]])'],
      end: 'column',
      after: 'df["out"] = df.iloc[:, 0].map(CODES)',
      title: 'Compute the column with Series.map',
      diff: MAPPED_CODES_DIFF,
      says: [/where `mapping\[key\]` raised KeyError/],
    },
    {
      // Label reads on a frame whose index the code has just reset: by position, so the label differences are gone.
      body: ['out.append(df.at[i, "a"] * df.loc[i, "b"])'],
      end: 'column',
      prologue: ['df = df.reset_index(drop=True)'],
      after: 'df["out"] = df["a"] * df["b"]',
      title: 'Compute the column with whole-column arithmetic',
      diff: LOOP,
      says: [/categorical columns/],
      saysNot: [/index labels/],
    },
  ];
  it('no rewrite where the loop reads other rows or objects, does more, or counts the keys of a dict', async () => {
    const engine = await getEngine();
    const control = source(['out.append(df["a"].iloc[i] * 2)'], 'list');
    assert.equal(engine.lintText(control, { select: ['pandas-row-loop-indexing'] }).findings[0]?.fix?.title, 'Build the list with whole-column arithmetic');
    const cases = [
      source(['out.append(df["a"].iloc[i] * i)'], 'list'),
      source(['out.append(df["a"].iloc[i + 1] - df["a"].iloc[i])'], 'list'),
      source(['out.append(df["a"].iloc[i] * 2)', 'print(i)'], 'list'),
      source(['out.append(df["a"].iloc[i] * 2)  # per row'], 'list'),
      source(['out.append(other["a"].iloc[i] * df["b"].iloc[i])'], 'list').replace('def compute(df):', 'def compute(df, other):'),
      source(['out.append(df.iloc[i])'], 'list'),
      source(['out.append(df.iloc[i].name * 2)'], 'list'),
      source(['out.append(df["a"].iloc[i] * 2)'], 'list').replace('    return out', '    return out, i'),
      source(['out.append(df["a"].iloc[i] * 2)'], 'list').replace('    out = []', '    df = {"a": pd.Series([1, 2, 3])}\n    out = []'),
      source(['out.append(df["a"].iloc[i] * 2)'], 'list').replace('def compute(df):', 'def compute(df: dict):'),
    ];
    for (const text of cases) {
      const findings = engine.lintText(text, { select: ['pandas-row-loop-indexing'] }).findings;
      assert.doesNotMatch(findings[0]?.fix?.title ?? '', /Compute the column|Build the list|Sum the column/, text);
    }
  });

  for (const c of CASES) {
    it(`${c.prologue ? `${c.prologue.join('; ')}; ` : ''}${c.body.join(' / ')} → ${c.after}, differing only where the reason says`, async () => {
      const before = source(c.body, c.end, c.prologue);
      const { fix, after } = await rewrite(before, 'pandas-row-loop-indexing');
      assert.equal(fix.title, c.title);
      assert.equal(fix.safety, 'unsafe');
      assert.ok(after.includes(`    ${c.after}\n`), after);
      assert.doesNotMatch(after, /for i in|append/);
      assert.equal(compilePython(after).status, 0);
      assert.deepEqual(differences(compare(before, after, c.frames ?? 'numbers')), c.diff);
      for (const says of c.says) assert.match(fix.reason ?? '', says);
      for (const not of c.saysNot ?? []) assert.doesNotMatch(fix.reason ?? '', not);
    });
  }
});

describe('pandas-iterrows row-value rewrites (where/mask, .str, .map): equivalence with the loop under real pandas', function () {
  this.timeout(300000);
  const source = (body: string[], form: 'column' | 'list' = 'column') =>
    [
      'import pandas as pd',
      '',
      'CODES = {1: 10, 2: 20, 3: 30}',
      'NAMES = {"x,y": "XY", "y": "Y", "Apple": "A", "p": "P"}',
      '',
      '',
      'def compute(df):',
      '    out = []',
      '    for _, row in df.iterrows():',
      ...body.map((l) => `        ${l}`),
      ...(form === 'column' ? ['    df["out"] = out', '    return df["out"]'] : ['    return out']),
      '',
    ].join('\n');
  // Differences every iterrows rewrite shares: the row upcast, None in an object column, categorical arithmetic.
  const LOOP = { 'None in object columns': 'raised TypeError / ok', categorical: 'ok / raised TypeError' };
  const STR_RAISES = {
    'str with NaN': 'raised AttributeError / ok',
    'str with None': 'raised AttributeError / ok',
    'string dtype': 'raised AttributeError / ok',
    'mixed object': 'raised AttributeError / ok',
  };
  const CASES: { body: string[]; frames: 'numbers' | 'text'; after: string; title: string; diff: Record<string, string>; says: RegExp[] }[] = [
    {
      body: ['out.append("high" if row["a"] > 2 else "low")'],
      frames: 'numbers',
      after: 'df["out"] = numpy.where(df["a"] > 2, "high", "low")',
      title: 'Compute the column with np.where',
      diff: { ...LOOP, empty: 'dtype float64 / object' },
      says: [/None in an object column/, /type of its two literals, also on an empty frame/],
    },
    {
      body: ['if row["a"] > row["b"]:', '    out.append(row["a"] * 2)', 'else:', '    out.append(row["b"])'],
      frames: 'numbers',
      after: 'df["out"] = (df["a"] * 2).where(df["a"] > df["b"], df["b"])',
      title: 'Compute the column with Series.where',
      diff: { ...LOOP, 'int beside a float column': 'dtype float64 / int64', bool: 'element types bool_,int64 / bool,int' },
      says: [/upcasts each row/, /Python bools where the loop stored NumPy bools/],
    },
    {
      body: ['out.append(row["a"] if row["a"] > 1 else 0)'],
      frames: 'numbers',
      after: 'df["out"] = df["a"].where(df["a"] > 1, 0)',
      title: 'Compute the column with Series.where',
      diff: { ...LOOP, 'int beside a float column': 'dtype float64 / int64' },
      says: [/upcasts each row/],
    },
    {
      // The column is the else branch: Series.mask keeps it where the condition is false.
      body: ['out.append(0 if row["a"] > 1 else row["a"])'],
      frames: 'numbers',
      after: 'df["out"] = df["a"].mask(df["a"] > 1, 0)',
      title: 'Compute the column with Series.where',
      // Where every row takes the literal 0, the loop's list of ints made an int64 column; mask keeps the float column's dtype.
      diff: { ...LOOP, 'int beside a float column': 'dtype float64 / int64', float: 'dtype int64 / float64', 'one row': 'dtype int64 / float64' },
      says: [/upcasts each row/, /an int literal chosen for every row of a float column gave int64/],
    },
    {
      body: ['out.append(row["a"].strip().lower())'],
      frames: 'text',
      after: 'df["out"] = df["a"].str.strip().str.lower()',
      title: 'Compute the column with the .str accessor',
      diff: { ...STR_RAISES, empty: 'dtype float64 / object' },
      says: [/NaN, None, pd\.NA and non-strings where the loop raised AttributeError/, /empty frame/],
    },
    {
      body: ['out.append(row["a"].split(",")[0])'],
      frames: 'text',
      after: 'df["out"] = df["a"].str.split(",").str[0]',
      title: 'Compute the column with the .str accessor',
      diff: { ...STR_RAISES, empty: 'dtype float64 / object' },
      says: [/where the loop raised AttributeError/],
    },
    {
      body: ['out.append(row.a.startswith("A"))'],
      frames: 'text',
      after: 'df["out"] = df["a"].str.startswith("A")',
      title: 'Compute the column with the .str accessor',
      diff: { ...STR_RAISES, empty: 'dtype float64 / bool' },
      says: [/where the loop raised AttributeError/],
    },
    {
      body: ['out.append(len(row["a"]))'],
      frames: 'text',
      after: 'df["out"] = df["a"].str.len()',
      title: 'Compute the column with the .str accessor',
      diff: {
        'str with NaN': 'raised TypeError / ok',
        'str with None': 'raised TypeError / ok',
        'string dtype': 'raised TypeError / ok',
        'mixed object': 'raised TypeError / ok',
        int: 'raised TypeError / raised AttributeError',
        empty: 'dtype float64 / int64',
      },
      says: [/TypeError from `len\(\)`/],
    },
    {
      body: ['out.append(CODES[row["a"]])'],
      frames: 'numbers',
      after: 'df["out"] = df["a"].map(CODES)',
      title: 'Compute the column with Series.map',
      diff: MAPPED_CODES_DIFF,
      says: [/where `mapping\[key\]` raised KeyError/, /categorical/],
    },
    {
      body: ['out.append(NAMES.get(row["a"], "?"))'],
      frames: 'text',
      after: 'df["out"] = df["a"].map(NAMES).fillna("?")',
      title: 'Compute the column with Series.map',
      diff: { categorical: 'dtype object / category', empty: 'dtype float64 / object' },
      says: [/categorical column stays categorical/],
    },
    {
      body: ['out.append(CODES.get(row.a, 0))'],
      frames: 'numbers',
      after: 'df["out"] = df["a"].map(CODES).fillna(0)',
      title: 'Compute the column with Series.map',
      diff: {
        float: 'dtype int64 / float64',
        NaN: 'dtype int64 / float64',
        'None in object columns': 'dtype int64 / float64',
        bool: 'dtype int64 / float64',
        categorical: 'dtype int64 / category',
        datetime: 'dtype int64 / float64',
        empty: 'dtype float64 / int64',
        'int zeros': 'dtype int64 / float64',
        '1,000 floats of mixed magnitude': 'dtype int64 / float64',
      },
      says: [/turns an int result into float/],
    },
  ];
  for (const c of CASES) {
    it(`${c.body.join(' / ')} → ${c.after}, differing only where the reason says`, async () => {
      const before = source(c.body);
      const { fix, after } = await rewrite(before);
      assert.equal(fix.title, c.title);
      assert.equal(fix.safety, 'unsafe');
      assert.ok(after.includes(`    ${c.after}\n`), after);
      assert.doesNotMatch(after, /iterrows|append/);
      assert.equal(compilePython(after).status, 0);
      assert.deepEqual(differences(compare(before, after, c.frames)), c.diff);
      for (const says of c.says) assert.match(fix.reason ?? '', says);
    });
  }

  it("np.where adds `import numpy` when the file lacks it, and uses the file's alias when it has one", async () => {
    const before = source(['out.append(1 if row["a"] > row["b"] else 0)'], 'list');
    const { after } = await rewrite(before);
    assert.match(after, /^import numpy\nimport pandas as pd$/m);
    assert.match(after, /^ {4}out = numpy\.where\(df\["a"\] > df\["b"\], 1, 0\)\.tolist\(\)$/m);
    const aliased = await rewrite(before.replace('import pandas as pd', 'import numpy as np\nimport pandas as pd'));
    assert.match(aliased.after, /out = np\.where\(/);
    assert.doesNotMatch(aliased.after, /^import numpy$/m);
    // The list form of a choice between literals holds the loop's own Python ints: only the loop's differences remain.
    assert.deepEqual(differences(compare(before, after)), LOOP);
    const { fix } = await rewrite(before);
    assert.doesNotMatch(fix.reason ?? '', /Python scalars/);
  });

  it('no rewrite where the lookup is not a dict literal, a branch is not a value, or the loop does more', async () => {
    const engine = await getEngine();
    const cases = [
      source(['out.append(lookup[row["a"]])']).replace('def compute(df):', 'def compute(df, lookup):'),
      source(['out.append(CODES[row["a"]])']).replace('CODES = {1: 10, 2: 20, 3: 30}', 'CODES = {1: 10}\nCODES = load()'),
      source(['out.append(CODES.get(row["a"], None))']),
      source(['out.append(CODES.get(row["a"], fallback))']),
      source(['out.append(f(row["a"]) if row["a"] > 1 else 0)']),
      source(['if row["a"] > 1:', '    out.append(1)', 'elif row["a"] < 0:', '    out.append(2)', 'else:', '    out.append(3)']),
      source(['if row["a"] > 1:', '    out.append(1)', 'else:', '    print(row)', '    out.append(0)']),
      source(['out.append(row["a"].split(",")[idx])']),
      source(['out.append(row["a"].encode())']),
    ];
    for (const text of cases) {
      const findings = engine.lintText(text, { select: ['pandas-iterrows'] }).findings;
      assert.equal(findings.length, 1, text);
      assert.doesNotMatch(findings[0].fix?.title ?? '', /Compute the column|Build the list/, text);
    }
  });
});

describe('pandas-iterrows on itertuples() loops: the same rewrites, equivalence with the loop under real pandas', function () {
  this.timeout(300000);
  const source = (header: string, body: string[], end: string[]) =>
    [
      'import pandas as pd',
      '',
      'CODES = {1: 10, 2: 20, 3: 30}',
      '',
      '',
      'def compute(df):',
      ...(body[0].startsWith('total') ? ['    total = 0'] : ['    out = []']),
      `    for row in ${header}:`,
      ...body.map((l) => `        ${l}`),
      ...end,
      '',
    ].join('\n');
  const column = ['    df["out"] = out', '    return df["out"]'];
  const list = ['    return out'];
  // itertuples() fields are Python scalars of each column's own dtype: no row upcast, and .tolist() holds the same Python scalars.
  const LOOP = { 'None in object columns': 'raised TypeError / ok', categorical: 'ok / raised TypeError' };
  // The total is a NumPy scalar where the loop added Python numbers; 1,000 mixed floats show pairwise summation.
  const SUM_DIFF = {
    float: 'element types float / float64',
    int: 'element types int / int64',
    'int beside a float column': 'element types int / int64',
    'int beside a str column': 'element types int / int64',
    NaN: 'element types float / float64',
    ...LOOP,
    bool: 'element types int / int64',
    empty: 'element types int / float64',
    'one row': 'element types float / float64',
    'non-default index': 'element types float / float64',
    'permuted index': 'element types float / float64',
    'duplicated index': 'element types float / float64',
    'int zeros': 'element types int / int64',
    '1,000 floats of mixed magnitude': 'values',
  };
  const CASES: {
    header: string;
    body: string[];
    end: string[];
    frames: 'numbers' | 'text';
    after: string;
    title: string;
    diff: Record<string, string>;
    says: RegExp[];
  }[] = [
    {
      header: 'df.itertuples()',
      body: ['out.append(row.a * row.b)'],
      end: column,
      frames: 'numbers',
      after: 'df["out"] = df["a"] * df["b"]',
      title: 'Compute the column with whole-column arithmetic',
      diff: { ...LOOP, bool: 'dtype int64 / bool' },
      says: [/arithmetic on two bool columns gave ints/, /categorical columns/, /None in an object column/],
    },
    {
      header: 'df.itertuples(index=False)',
      body: ['out.append(row.a / row.b)'],
      end: list,
      frames: 'numbers',
      after: 'out = (df["a"] / df["b"]).tolist()',
      title: 'Build the list with whole-column arithmetic',
      diff: { ...LOOP, bool: 'raised ZeroDivisionError / raised NotImplementedError', 'int zeros': 'raised ZeroDivisionError / ok' },
      says: [/bool division/, /ZeroDivisionError in the loop where the columns give inf or NaN/],
    },
    {
      header: 'df.itertuples(index=False, name="Row")',
      body: ['out.append(row.a // row.b)'],
      end: list,
      frames: 'numbers',
      after: 'out = (df["a"] // df["b"]).tolist()',
      title: 'Build the list with whole-column arithmetic',
      diff: { ...LOOP, bool: 'raised ZeroDivisionError / raised NotImplementedError', 'int zeros': 'raised ZeroDivisionError / ok' },
      says: [/ZeroDivisionError/],
    },
    {
      header: 'df.itertuples()',
      body: ['total += row.a * row.b'],
      end: ['    return total'],
      frames: 'numbers',
      after: 'total = (df["a"] * df["b"]).sum(skipna=False)',
      title: 'Sum the column expression',
      diff: SUM_DIFF,
      says: [/NumPy scalar where the loop added Python numbers/, /pairwise/, /empty frame sums to 0\.0/],
    },
    {
      header: 'df.itertuples()',
      body: ['out.append("high" if row.a > 2 else "low")'],
      end: column,
      frames: 'numbers',
      after: 'df["out"] = numpy.where(df["a"] > 2, "high", "low")',
      title: 'Compute the column with np.where',
      diff: { ...LOOP, empty: 'dtype float64 / object' },
      says: [/type of its two literals, also on an empty frame/],
    },
    {
      header: 'df.itertuples(index=False)',
      body: ['out.append(row.a.strip().lower())'],
      end: list,
      frames: 'text',
      after: 'out = df["a"].str.strip().str.lower().tolist()',
      title: 'Build the list with the .str accessor',
      diff: {
        'str with NaN': 'raised AttributeError / ok',
        'str with None': 'raised AttributeError / ok',
        'string dtype': 'raised AttributeError / ok',
        'mixed object': 'raised AttributeError / ok',
      },
      says: [/NaN, None, pd\.NA and non-strings where the loop raised AttributeError/],
    },
    {
      header: 'df.itertuples()',
      body: ['out.append(CODES[row.a])'],
      end: column,
      frames: 'numbers',
      after: 'df["out"] = df["a"].map(CODES)',
      title: 'Compute the column with Series.map',
      diff: MAPPED_CODES_DIFF,
      says: [/where `mapping\[key\]` raised KeyError/, /categorical/],
    },
  ];
  for (const c of CASES) {
    it(`for row in ${c.header}: ${c.body.join(' / ')} → ${c.after}, differing only where the reason says`, async () => {
      const before = source(c.header, c.body, c.end);
      const { fix, after } = await rewrite(before);
      assert.equal(fix.title, c.title);
      assert.equal(fix.safety, 'unsafe');
      assert.ok(after.includes(`    ${c.after}\n`), after);
      assert.doesNotMatch(after, /itertuples|append/);
      assert.equal(compilePython(after).status, 0);
      // A rewrite that matched the loop everywhere would be safe: every case here differs somewhere, hence unsafe.
      assert.deepEqual(differences(compare(before, after, c.frames)), c.diff);
      for (const says of c.says) assert.match(fix.reason ?? '', says);
      assert.doesNotMatch(fix.reason ?? '', /iterrows|NumPy scalars/);
    });
  }
});

describe('pandas-iterrows on itertuples() loops: silent unless the whole loop is a column expression', () => {
  it('reports the vectorisable loop and nothing else (itertuples is the recommended loop)', async () => {
    const engine = await getEngine();
    const loop = (header: string, body: string[], after: string[] = []) =>
      [
        'import pandas as pd',
        'def compute(df):',
        '    out = []',
        `    for r in ${header}:`,
        ...body.map((l) => `        ${l}`),
        ...after,
        '    return out',
        '',
      ].join('\n');
    const control = engine.lintText(loop('df.itertuples()', ['out.append(r.a * 2)']), { select: ['pandas-iterrows'] }).findings;
    assert.equal(control.length, 1);
    assert.equal(control[0].fix?.title, 'Build the list with whole-column arithmetic');
    const silent = [
      loop('df.itertuples(name=None)', ['out.append(r.a * 2)']),
      loop('df.itertuples(index=flag)', ['out.append(r.a * 2)']),
      loop('df.itertuples()', ['out.append(r._1 * 2)']),
      loop('df.itertuples()', ['out.append(r[1] * 2)']),
      loop('df.itertuples()', ['out.append(r.Index * 2)']),
      loop('df.itertuples()', ['out.append(r.a * 2)', 'print(r.a)']),
      loop('df.itertuples()', ['out.append(r.a * 2)'], ['    print(r)']),
      loop('df.itertuples()', ['out.append(scale(r.a))']),
      loop('df.itertuples()', ['send(r.a)']),
      loop('enumerate(df.itertuples())', ['out.append(r.a * 2)']),
      loop('df.itertuples()', ['out.append(r.a * 2)'])
        .replace('import pandas as pd', 'import polars as pl')
        .replace('def compute(df):', 'def compute(df: pl.DataFrame):'),
    ];
    for (const text of silent) assert.deepEqual(engine.lintText(text, { select: ['pandas-iterrows'] }).findings, [], text);
  });
});
