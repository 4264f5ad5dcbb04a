// The most specific finding leads: a rule that declares `supersedes` hides the generic rules'
// findings about the same construct (Engine.finish), and the generic loop rules offer no
// comprehension-style fix over DataFrame rows or array elements even when the specific rule is off.
import * as assert from 'node:assert/strict';
import { ALL_RULES } from '../../rules';
import { applyFixes } from '../../server/fixes/apply';
import { IncrementalLinter } from '../../server/engine/incremental';
import type { LintOptions } from '../../server/engine/options';
import { applyEdit } from '../stress/incrementalCheck';
import { getEngine } from '../helpers/engine';
import { project, run } from '../helpers/cli';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ISSUE = [
  'import pandas as pd',
  '',
  'def add_spend(df):',
  '    spend = []',
  '    for idx, row in df.iterrows():',
  '        spend.append(row["price"] * row["quantity"])',
  '    df["spend"] = spend',
  '    return df',
  '',
].join('\n');

async function lint(source: string, options: LintOptions = {}) {
  const engine = await getEngine();
  const result = engine.lintText(source, options);
  assert.deepEqual(result.failures, []);
  return result;
}

/** [1-based line, rule id, fix safety or 'none'] of each finding. */
async function found(source: string, options: LintOptions = {}): Promise<[number, string, string][]> {
  const result = await lint(source, options);
  return result.findings.map((f) => [result.lines.positionAt(f.start).line + 1, f.ruleId, f.fix?.safety ?? 'none']);
}

describe('the most specific finding leads', () => {
  it('every id a rule supersedes names a rule, never itself', () => {
    const ids = new Set(ALL_RULES.map((r) => r.id));
    for (const rule of ALL_RULES) {
      for (const id of rule.supersedes ?? []) {
        assert.ok(ids.has(id), `${rule.id} supersedes unknown rule ${id}`);
        assert.notEqual(id, rule.id);
      }
    }
  });

  it("the issue's iterrows loop gets pandas-iterrows only, and fix-all never writes the comprehension", async () => {
    const result = await lint(ISSUE);
    const ids = result.findings.map((f) => f.ruleId);
    assert.ok(ids.includes('pandas-iterrows'), ids.join());
    assert.ok(!ids.includes('append-loop-to-comprehension'), ids.join());
    for (const unsafe of [false, true]) {
      const fixed = applyFixes(ISSUE, result.findings, { unsafe }).text;
      assert.doesNotMatch(fixed, /\[row\["price"\] \* row\["quantity"\] for/);
    }
  });

  it('perflens check --fix leaves the loop alone; --fix --unsafe-fixes writes the column expression, never the comprehension', () => {
    const dir = project({ 'spend.py': ISSUE });
    const safe = run(['check', '--fix', 'spend.py'], dir);
    assert.equal(readFileSync(path.join(dir, 'spend.py'), 'utf8'), ISSUE, safe.stdout + safe.stderr);
    assert.match(safe.stdout, /pandas-iterrows/);
    assert.doesNotMatch(safe.stdout, /append-loop-to-comprehension/);
    run(['check', '--fix', '--unsafe-fixes', 'spend.py'], dir);
    const fixed = readFileSync(path.join(dir, 'spend.py'), 'utf8');
    assert.match(fixed, /^ {4}df\["spend"\] = df\["price"\] \* df\["quantity"\]$/m);
    assert.doesNotMatch(fixed, /iterrows|append|for /);
  });

  it('with pandas-iterrows off, append-loop-to-comprehension reports the loop but offers no comprehension over its rows', async () => {
    assert.deepEqual(await found(ISSUE, { ignore: ['pandas-iterrows'] }), [[5, 'append-loop-to-comprehension', 'none']]);
  });

  it('the generic loop rules offer no fix over DataFrame rows, Series, ndarrays or Tensors', async () => {
    const cases: [string, string][] = [
      ['for r in df.itertuples():', 'append-loop-to-comprehension'],
      ['for i in range(len(arr)):', 'append-loop-to-comprehension'],
      ['for k, v in enumerate(torch.randn(8)):', 'append-loop-to-comprehension'],
      ['for x in s:', 'append-loop-to-comprehension'],
    ];
    for (const [header, rule] of cases) {
      const source = [
        'import numpy as np',
        'import pandas as pd',
        'import torch',
        'arr = np.zeros(8)',
        's = pd.Series([1, 2])',
        'def f(df):',
        '    out = []',
        `    ${header}`,
        '        out.append(1)',
        '    return out',
        '',
      ].join('\n');
      assert.deepEqual(await found(source, { select: [rule] }), [[8, rule, 'none']], header);
    }
    const sum = ['import pandas as pd', 'def f(df):', '    total = 0', '    for r in df.itertuples():', '        total += r.a', '    return total', ''].join(
      '\n',
    );
    assert.deepEqual(await found(sum, { select: ['manual-sum-loop'] }), [[4, 'manual-sum-loop', 'none']]);
  });

  it('near-misses: a plain list loop keeps its comprehension fix, and an inner loop over a list inside an iterrows loop is its own construct', async () => {
    const plain = ['import pandas as pd', 'def f(items):', '    out = []', '    for x in items:', '        out.append(x * 2)', '    return out', ''].join('\n');
    assert.deepEqual(await found(plain), [[4, 'append-loop-to-comprehension', 'safe']]);
    const nested = [
      'import pandas as pd',
      'def f(df):',
      '    for _, row in df.iterrows():',
      '        tags = []',
      '        for t in row["tags"]:',
      '            tags.append(t.lower())',
      '        print(tags)',
      '',
    ].join('\n');
    assert.deepEqual(await found(nested), [
      [3, 'pandas-iterrows', 'unsafe'],
      [5, 'append-loop-to-comprehension', 'safe'],
    ]);
  });

  it('supersedes string concatenation, sums and reductions about the same loop or comprehension', async () => {
    const source = [
      'import numpy as np',
      'import pandas as pd',
      'def f(df):',
      '    s = ""',
      '    for _, row in df.iterrows():',
      '        s += row["name"]',
      '    a = np.arange(5)',
      '    t = sum([x * 2 for x in a])',
      '    return s, t',
      '',
    ].join('\n');
    assert.deepEqual(
      (await found(source)).map(([line, id]) => [line, id]),
      [
        [5, 'pandas-iterrows'],
        [8, 'numpy-python-loop'],
      ],
    );
  });

  it('a suppressed specific finding still leads, and a suppression of the superseded rule is not reported as unused', async () => {
    const silenced = ISSUE.replace('df.iterrows():', 'df.iterrows():  # perflens: ignore[pandas-iterrows]');
    assert.deepEqual(await found(silenced), []);
    const generic = ISSUE.replace('df.iterrows():', 'df.iterrows():  # noqa: append-loop-to-comprehension');
    assert.deepEqual(
      (await found(generic, { extendSelect: ['unused-suppression'] })).map(([, id]) => id),
      ['pandas-iterrows'],
    );
  });

  it('an incremental lint after an edit above the loop still hides the generic finding', async () => {
    const engine = await getEngine();
    const linter = new IncrementalLinter(engine, true);
    const source = ISSUE.replace('\ndef add_spend', 'y = 0\n\ndef add_spend');
    let tree = engine.parse(source);
    try {
      linter.lint(tree, source, {}, null);
      // A longer module-level statement above f: f's findings are kept from the last lint, shifted.
      const at = source.indexOf('y = 0') + 4;
      const edited = applyEdit(engine, tree, source, { start: at, end: at + 1, newText: '100' });
      tree = edited.tree;
      const result = linter.lint(tree, edited.text, {}, [edited.change], edited.changedRanges);
      assert.equal(linter.stats.partial, 1);
      assert.deepEqual(
        result.findings.map((f) => f.ruleId),
        ['pandas-iterrows'],
      );
    } finally {
      tree.delete();
    }
  });
});
