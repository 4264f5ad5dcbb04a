// server/analysis/vectorize.ts and server/analysis/elementwise.ts: per-element expressions rewritten
// as whole-Series / whole-array expressions, or null when they are anything else.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../server/engine/engine';
import { vectorizeElement, numpyModuleRef } from '../../server/analysis/elementwise';
import { defineRule } from '../../server/engine/rule';
import { needsParentheses, vectorizeElementExpression, vectorizeElementValue } from '../../server/analysis/vectorize';
import type { Node } from '../../server/syntax';
import type { FileFacts } from '../../server/analysis';
import { DIST } from '../helpers/engine';

/** Every `V(lambda p: <body>)` in source, described by `describe(body, p)`. */
async function lambdaProbe(source: string, describe: (body: Node, param: string, facts: FileFacts) => string): Promise<string[]> {
  const rule = defineRule({
    id: 'vectorize-probe',
    title: 'vectorize probe',
    category: 'pandas',
    severity: 'info',
    enabledByDefault: true,
    confidence: 'high',
    guide: 'pandas-vectorization',
    message: 'vectorize probe message',
    docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
    query:
      '(call function: (identifier) @f arguments: (argument_list (lambda parameters: (lambda_parameters (identifier) @p) body: (_) @body)) (#eq? @f "V")) @call',
    check(m, ctx) {
      ctx.report({ node: m.need('call'), message: describe(m.need('body'), m.need('p').text, ctx.facts) });
    },
  });
  const engine = await Engine.create([rule], DIST);
  try {
    return engine.lintText(source).findings.map((f) => f.message);
  } finally {
    engine.dispose();
  }
}

/** The body of every `lambda x: ...` passed to `V(...)`, vectorised against the Series `s`. */
function seriesForms(source: string): Promise<string[]> {
  return lambdaProbe(source, (body, param) => {
    const v = vectorizeElementExpression(body, param, 's');
    return v ? `${v.kind}: ${v.text}` : 'none';
  });
}

/** Every `[... for ... in ...]` comprehension: its whole-array form, or 'none'. */
async function arrayForms(source: string): Promise<string[]> {
  const rule = defineRule({
    id: 'elementwise-probe',
    title: 'elementwise probe',
    category: 'numpy',
    severity: 'info',
    enabledByDefault: true,
    confidence: 'high',
    guide: 'numpy-vectorization',
    message: 'elementwise probe message',
    docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
    query: '(list_comprehension body: (_) @elem (for_in_clause left: (identifier) @x right: (identifier) @arr)) @comp',
    check(m, ctx) {
      const env = { facts: ctx.facts, elements: new Map([[m.need('x').text, m.need('arr')]]), numpyRef: numpyModuleRef(ctx.facts) };
      const r = vectorizeElement(m.need('elem'), env);
      ctx.report({ node: m.need('comp'), message: r ? r.text : 'none' });
    },
  });
  const engine = await Engine.create([rule], DIST);
  try {
    return engine.lintText(source).findings.map((f) => f.message);
  } finally {
    engine.dispose();
  }
}

describe('vectorize (Series element expressions)', () => {
  it('rewrites arithmetic, .str chains and .dt fields', async () => {
    const got = await seriesForms(`
V(lambda x: x + 10)
V(lambda x: (x - 32) * 5 / 9)
V(lambda s: s.strip().upper())
V(lambda s: s.replace("-", "."))
V(lambda s: len(s))
V(lambda s: s[:3])
V(lambda s: s.lower() == "yes")
V(lambda t: t.month)
V(lambda t: t.weekday())
V(lambda t: t.strftime("%Y-%m-%d"))
`);
    assert.deepEqual(got, [
      'arithmetic: s + 10',
      'arithmetic: (s - 32) * 5 / 9',
      'str: s.str.strip().str.upper()',
      'str: s.str.replace("-", ".", regex=False)',
      'str: s.str.len()',
      'str: s.str[:3]',
      'str: s.str.lower() == "yes"',
      'dt: s.dt.month',
      'dt: s.dt.weekday',
      'dt: s.dt.strftime("%Y-%m-%d")',
    ]);
  });

  it('refuses anything it cannot prove element-wise', async () => {
    const got = await seriesForms(`
V(lambda x: x)
V(lambda x: x if x > 0 else 0)
V(lambda x: f(x))
V(lambda x: 0 < x < 5)
V(lambda x: x ** -1)
V(lambda x: x / 0)
V(lambda s: s.split(",")[0])
V(lambda s: s.count("a"))
V(lambda x: x + y)
V(lambda t: t.strftime("%Y%m%d"))
`);
    // The last: `.dt.strftime` formats anything but the ISO forms per element, as the lambda does.
    assert.deepEqual(got, Array(10).fill('none'));
  });

  it('knows where a compound replacement needs parentheses', async () => {
    const rule = defineRule({
      id: 'parens-probe',
      title: 'parens probe',
      category: 'pandas',
      severity: 'info',
      enabledByDefault: true,
      confidence: 'high',
      guide: 'pandas-vectorization',
      message: 'parens probe message',
      docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
      query: '(call function: (identifier) @f (#eq? @f "P")) @call',
      check(m, ctx) {
        ctx.report({ node: m.need('call'), message: String(needsParentheses(m.need('call'))) });
      },
    });
    const engine = await Engine.create([rule], DIST);
    try {
      const got = engine.lintText('a = P()\nb = P() * 2\nc = g(P())\nd = P().x\nreturn_ = [P()]\n').findings.map((f) => f.message);
      assert.deepEqual(got, ['false', 'true', 'false', 'true', 'false']);
    } finally {
      engine.dispose();
    }
  });
});

describe('elementwise (ndarray element expressions)', () => {
  it('rewrites arithmetic, numpy ufuncs and math functions over known arrays', async () => {
    const got = await arrayForms(`
import math
import numpy as np
a = np.arange(5.0)
r1 = [x * 2 + 1 for x in a]
r2 = [np.sqrt(x) for x in a]
r3 = [math.exp(-x) for x in a]
r4 = [abs(x) > 0.5 for x in a]
r5 = [x * scale for x in a]
`);
    assert.deepEqual(got, ['a * 2 + 1', 'np.sqrt(a)', 'np.exp(-a)', 'np.abs(a) > 0.5', 'a * scale']);
  });

  it('refuses calls it does not know and operands that are arrays themselves', async () => {
    const got = await arrayForms(`
import numpy as np
a = np.arange(5.0)
b = np.ones(5)
r1 = [f(x) for x in a]
r2 = [x + b for x in a]
r3 = [str(x) for x in a]
r4 = [x if x else 0 for x in a]
`);
    assert.deepEqual(got, ['none', 'none', 'none', 'none']);
  });
});

/** Every `V(lambda x: ...)`: the suggested whole-Series form against the Series `s` (element mode), or 'none'. */
function elementValues(source: string): Promise<string[]> {
  return lambdaProbe(source, (body, param) => vectorizeElementValue(body, param, 's', 'np')?.text ?? 'none');
}

/** As elementValues, with the file's facts (dicts built by calls, `self.m` stores). */
function elementValuesWithFacts(source: string): Promise<string[]> {
  return lambdaProbe(source, (body, param, facts) => vectorizeElementValue(body, param, 's', 'np', facts)?.text ?? 'none');
}

/** Runs each `before` and `after` expression under /usr/bin/python3 after `setup`; the pairs whose values differ. */
function pandasMismatches(setup: string[], pairs: Array<[string, string]>): string {
  const lines = [
    'import numpy as np',
    'import pandas as pd',
    ...setup,
    'bad = []',
    'def norm(values): return [None if isinstance(v, float) and v != v else v for v in values]',
    ...pairs.map(([before, after]) =>
      [`b = norm(${before}.tolist())`, `a = norm(pd.Series(np.asarray(${after})).tolist())`, `if b != a: bad.append((${JSON.stringify(before)}, b, a))`].join(
        '\n',
      ),
    ),
    'print(bad)',
  ];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-element-'));
  writeFileSync(path.join(dir, 'x.py'), lines.join('\n') + '\n');
  const r = spawnSync('/usr/bin/python3', [path.join(dir, 'x.py')], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('vectorize (lookups in a dict the file builds, or in a frame by label; review46 F1-13/F1-14/F1-20)', () => {
  const setup = [
    'def make_index(values):',
    '    return dict(zip(values, range(len(values))))',
    'keys = [3, 1, 2]',
    'index_map = make_index(keys)',
    'labels = pd.Series(["Anomaly", "Normal", "Anomaly"], index=[1, 2, 3])',
    'label_dict = labels.to_dict()',
    'pairs = dict(zip(keys, ["a", "b", "c"]))',
    'other = pd.DataFrame({"col": [10, 20, 30]}, index=[1, 2, 3])',
  ];
  const lambdas = ['lambda x: index_map[x]', 'lambda x: 1 if label_dict[x] == "Anomaly" else 0', 'lambda x: pairs[x] != "b"', 'lambda x: other.loc[x, "col"]'];
  // Near misses: a generator or a def that may return its argument, a list of records, a column named by a variable,
  // a row key that is not the element, a positional `.iloc`, a frame that is the element, a lambda that writes the dict.
  const nearMisses = [
    'def gen_map(values):',
    '    yield dict(values)',
    'g = gen_map(keys)',
    'def maybe(values):',
    '    if values:',
    '        return dict(values)',
    '    return values',
    'm2 = maybe(keys)',
    'rows = frame.to_dict("records")',
    'V(lambda x: g[x])',
    'V(lambda x: m2[x])',
    'V(lambda x: 1 if rows[x] == "a" else 0)',
    'V(lambda x: other.loc[x, col])',
    'V(lambda x: other.loc[x + 1, "col"])',
    'V(lambda x: other.iloc[x, 0])',
    'V(lambda x: x.loc[0, "a"])',
    'V(lambda x: cache.setdefault(x, len(cache)))',
  ];

  it('spells the .map form, and nothing for the near misses', async () => {
    const got = await elementValuesWithFacts([...setup, ...lambdas.map((l) => `V(${l})`), ...nearMisses].join('\n'));
    assert.deepEqual(got, [
      's.map(index_map)',
      'np.where(s.map(label_dict) == "Anomaly", 1, 0)',
      's.map(pairs) != "b"',
      's.map(other["col"])',
      ...nearMisses.filter((l) => l.startsWith('V(')).map(() => 'none'),
    ]);
  });

  it('gives the values apply gives, under real pandas', async function () {
    this.timeout(60000);
    const forms = await elementValuesWithFacts([...setup, ...lambdas.map((l) => `V(${l})`)].join('\n'));
    const pairs = lambdas.map((l, i): [string, string] => [`ints.apply(${l})`, forms[i].replace(/\bs\b/g, 'ints')]);
    assert.equal(pandasMismatches([...setup, 'ints = pd.Series([1, 2, 3, 2, 1])'], pairs), '[]');
  });
});

describe('vectorize (suggested column forms of a lambda, element mode)', () => {
  // Each lambda, the Series it is applied to, and the names it reads.
  const cases: Array<{ lambda: string; series: string }> = [
    { lambda: 'lambda x: 1 if x > 3 else 0', series: 'nums' },
    { lambda: 'lambda x: x if x > 0 else 0', series: 'nums' },
    { lambda: 'lambda x: prob_true if x == 1 else 1 - prob_true', series: 'nums' },
    { lambda: 'lambda x: min(x, k)', series: 'nums' },
    { lambda: 'lambda x: max(x, 2)', series: 'nums' },
    { lambda: 'lambda x: float(x > 0)', series: 'nums' },
    { lambda: 'lambda x: float(x)', series: 'ints' },
    { lambda: 'lambda x: 2 * round(x / max_value) - 1', series: 'nums' },
    { lambda: 'lambda x: int(max(1, min(5, round(x))))', series: 'nums' },
    { lambda: 'lambda x: round(x, 1)', series: 'nums' },
    { lambda: 'lambda x: user_map[x]', series: 'ints' },
    { lambda: 'lambda x: "<LESS>" if x in rm_values else x', series: 'words' },
    { lambda: 'lambda x: x not in rm_values', series: 'words' },
    { lambda: 'lambda x: 1 if x in {"a", "c"} else 0', series: 'words' },
    { lambda: 'lambda x: 1 if x == "b" else 0', series: 'words' },
    // A nested conditional of literals is an `np.where`, an ndarray: no `.mask` on it (review43, fklearn).
    { lambda: 'lambda x: 0 if x == "a" else 30 if x == "b" else 10', series: 'words' },
    { lambda: 'lambda x: (5 if x == "c" else 7) if x != "a" else 0', series: 'words' },
    // A Series branch still takes `.where`, with the nested `np.where` as its other value.
    { lambda: 'lambda x: x if x > 3 else (1 if x > 0 else 0)', series: 'nums' },
    // `lookup` is not bound in the probe's source: the form is made on the assumption that it is a dict.
    { lambda: 'lambda x: lookup.get(x, np.nan)', series: 'ints' },
  ];

  it('spells each form, and nothing for a condition or key that ignores the element', async () => {
    const got = await elementValues(
      ['user_map = {}', ...cases.map((c) => `V(${c.lambda})`), 'V(lambda x: 1 if flag else 0)', 'V(lambda x: user_map[k])', 'V(lambda x: x * factor)'].join(
        '\n',
      ),
    );
    assert.deepEqual(got.slice(0, 5), [
      'np.where(s > 3, 1, 0)',
      's.where(s > 0, 0)',
      'np.where(s == 1, prob_true, 1 - prob_true)',
      's.clip(upper=k)',
      's.clip(lower=2)',
    ]);
    assert.deepEqual(got.slice(15, 18), [
      'np.where(s == "a", 0, np.where(s == "b", 30, 10))',
      'np.where(s != "a", (np.where(s == "c", 5, 7)), 0)',
      's.where(s > 3, (np.where(s > 0, 1, 0)))',
    ]);
    assert.deepEqual(got.slice(cases.length), ['none', 'none', 's * factor']);
  });

  it('suggests isin only where `in` and isin agree: a set, list, tuple or dict, or on that stated assumption', async () => {
    const assumed = (source: string) =>
      lambdaProbe(source, (body, param) => (vectorizeElementValue(body, param, 's', 'np')?.assumptions ?? ['none']).join('; '));
    const source = [
      'allowed = {"a", "c"}',
      'codes = list(known)',
      'calendar = holidays.country_holidays("US")',
      'index = frame.index',
      'V(lambda x: x in allowed)',
      'V(lambda x: x in codes)',
      // A holidays calendar's `in` takes Timestamps, its isin compares them with date keys: none would match.
      'V(lambda x: x in calendar)',
      // A Series' `in` looks at its index, isin at its values.
      'V(lambda x: x in index)',
      'V(lambda x: x in rm_values)',
    ].join('\n');
    assert.deepEqual(await elementValues(source), ['s.isin(allowed)', 's.isin(codes)', 'none', 'none', 's.isin(rm_values)']);
    assert.deepEqual(
      (await assumed(source)).filter((a) => a !== 'none'),
      ['', '', '`rm_values` is a set, list, tuple or dict'],
    );
  });

  it('gives the values apply gives, under real pandas', async function () {
    this.timeout(60000);
    const forms = await elementValues(['user_map = {}', ...cases.map((c) => `V(${c.lambda})`)].join('\n'));
    const lines = [
      'import numpy as np',
      'import pandas as pd',
      'nums = pd.Series([0.0, 1.0, 2.5, 3.0, 3.5, 4.5, 7.0, -1.5, 1.25])',
      'ints = pd.Series([1, 2, 3, 2, 1])',
      'words = pd.Series(["a", "b", "c", "a", "d"])',
      'prob_true, k, max_value = 0.7, 3, 7.0',
      'user_map = {1: 10, 2: 20, 3: 30}',
      'rm_values = {"a", "c"}',
      'lookup = {1: 10, 2: 20}',
      'bad = []',
      // NaN compares unequal to itself: both sides spell a missing value as None.
      'def norm(values): return [None if isinstance(v, float) and v != v else v for v in values]',
      ...cases.map((c, i) => {
        const column = forms[i].replace(/\bs\b/g, c.series);
        return [
          `before = norm(${c.series}.apply(${c.lambda}).tolist())`,
          `after = norm(pd.Series(np.asarray(${column})).tolist())`,
          `if before != after: bad.append((${JSON.stringify(c.lambda)}, before, after))`,
        ].join('\n');
      }),
      'print(bad)',
    ];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-element-'));
    writeFileSync(path.join(dir, 'x.py'), lines.join('\n') + '\n');
    const r = spawnSync('/usr/bin/python3', [path.join(dir, 'x.py')], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '[]');
  });
});

describe('vectorize (math.floor / math.ceil and str of a number, element mode)', () => {
  // soundcast's hour of a minute count and its "4+" household labels (review66's recall hunt).
  const setup = ['import math', 'import numpy as np'];
  const lambdas = [
    'lambda row: int(math.floor(row / 60))',
    'lambda row: math.floor(row / 60)',
    'lambda x: math.ceil(x * 2)',
    'lambda x: "4+" if x >= 4 else str(x)',
    'lambda x: str(x) if x < 3 else "big"',
  ];
  const nearMisses = [
    // The element is never compared with a number: a Timestamp's str() is not its column's astype(str).
    'V(lambda x: "none" if x is None else str(x))',
    'V(lambda x: str(x))',
    // A truth test of the element (alphabase's strings, review67): the column is no mask for `.where`.
    'V(lambda x: int(x) if x else 0)',
    'V(lambda x: 0 if (x) else x + 1)',
    // floor of another module, or the name rebound by the file.
    'V(lambda x: np.floor(x / 60))',
    'def floor(v): return v',
    'V(lambda x: floor(x / 60))',
  ];

  it('spells numpy floor and ceil, and astype(str) where the element is a number', async () => {
    const got = await elementValuesWithFacts([...setup, ...lambdas.map((l) => `V(${l})`), ...nearMisses].join('\n'));
    assert.deepEqual(got, [
      'np.floor(s / 60).astype(int)',
      'np.floor(s / 60)',
      'np.ceil(s * 2)',
      's.astype(str).mask(s >= 4, "4+")',
      's.astype(str).where(s < 3, "big")',
      'none',
      'none',
      'none',
      'none',
      'none',
      'none',
    ]);
  });

  it('gives the values apply gives, under real pandas', async function () {
    this.timeout(60000);
    const forms = await elementValuesWithFacts([...setup, ...lambdas.map((l) => `V(${l})`)].join('\n'));
    const pairs = lambdas.map((l, i): [string, string] => [`minutes.apply(${l})`, forms[i].replace(/\bs\b/g, 'minutes')]);
    assert.equal(pandasMismatches([...setup, 'minutes = pd.Series([0, 59, 60, 61, 119, 600, 1439, 3, 4, 5])'], pairs), '[]');
    const floats = lambdas.map((l, i): [string, string] => [`hours.apply(${l})`, forms[i].replace(/\bs\b/g, 'hours')]);
    assert.equal(pandasMismatches([...setup, 'hours = pd.Series([0.5, 59.9, 60.0, -0.5, 2.25, 4.0, 7.5])'], floats), '[]');
  });
});
