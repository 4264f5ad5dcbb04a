// loop-invariant-reduction's fix, run against real NumPy and pandas (/usr/bin/python3): a loop computing a reduction of
// an unchanged array on every pass (before) and the reduction hoisted above the loop (after), on generated arrays (float,
// NaN, int, bool, one element, empty) and Series (NaN with a duplicated index, int, empty), with a loop of no passes and
// of two. The safe fix (sum on an ndarray) must agree everywhere, warnings included; the unsafe ones differ only where
// the loop makes no pass.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyFixes } from '../../server/fixes/apply';
import { FIXTURES, compilePython, getEngine } from '../helpers/engine';

const HARNESS = path.join(FIXTURES, 'equivalence', 'hoist.py');

const CASES: { expr: string; local: string; safety: 'safe' | 'unsafe'; differs?: RegExp }[] = [
  { expr: 'a.sum()', local: 'a_sum', safety: 'safe' },
  { expr: 'np.sum(a)', local: 'a_sum', safety: 'safe' },
  // max/min of an empty array raise ValueError, now before a loop that would not have run them.
  { expr: 'a.max()', local: 'a_max', safety: 'unsafe', differs: /^raised$/ },
  { expr: 'np.min(a)', local: 'a_min', safety: 'unsafe', differs: /^raised$/ },
  // mean/std of an empty array warn (RuntimeWarning) and give NaN.
  { expr: 'a.mean()', local: 'a_mean', safety: 'unsafe', differs: /^warned$/ },
  { expr: 'a.std()', local: 'a_std', safety: 'unsafe', differs: /^warned$/ },
];

function program(expr: string, local?: string): string {
  const hoisted = local ? [`    ${local} = ${expr}`] : [];
  const use = local ?? expr;
  return [
    'import numpy as np',
    '',
    '',
    'def compute(a: np.ndarray, xs):',
    '    out = []',
    ...hoisted,
    '    for x in xs:',
    `        out.append(x + ${use})`,
    '    return out',
    '',
  ].join('\n');
}

/** Runs the before and after programs through the harness under real NumPy: the inputs whose results differ, with how. */
function harnessDifferences(before: string, after: string): [input: string, what: string][] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-hoist-'));
  writeFileSync(path.join(dir, 'before.py'), before);
  writeFileSync(path.join(dir, 'after.py'), after);
  const r = spawnSync('/usr/bin/python3', [HARNESS, path.join(dir, 'before.py'), path.join(dir, 'after.py')], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  return Object.entries(JSON.parse(r.stdout) as Record<string, string>).filter(([, v]) => v !== 'same');
}

describe('loop-invariant-reduction fix: equivalence with the loop under real NumPy', function () {
  this.timeout(300000);

  for (const c of CASES) {
    it(`${c.expr} hoisted (${c.safety})`, async () => {
      const before = program(c.expr);
      const engine = await getEngine();
      const findings = engine.lintText(before, { select: ['loop-invariant-reduction'] }).findings;
      assert.equal(findings.length, 1, before);
      const fix = findings[0].fix;
      assert.ok(fix, 'no fix offered');
      assert.equal(fix.safety, c.safety);
      if (c.safety === 'unsafe') assert.match(fix.reason ?? '', /runs even when the loop does not/);
      const after = applyFixes(before, findings, { unsafe: true }).text;
      assert.equal(after, program(c.expr, c.local));
      assert.equal(compilePython(after).status, 0);
      const diff = harnessDifferences(before, after);
      if (!c.differs) assert.deepEqual(diff, []);
      else {
        // Only the empty array with a loop of no passes: wherever the loop runs, the values are the same.
        assert.deepEqual(
          diff.map(([input]) => input),
          ['empty/0 passes'],
        );
        for (const [input, what] of diff) assert.match(what, c.differs, input);
      }
    });
  }

  it('two reductions of one loop are both hoisted by one application of fix-all (their inserted lines share a spot)', async () => {
    const before = program('a.mean()').replace('x + a.mean()', '(x - a.mean()) / a.std()');
    const engine = await getEngine();
    const findings = engine.lintText(before, { select: ['loop-invariant-reduction'] }).findings;
    assert.equal(findings.length, 2, before);
    const { text: after, deferred } = applyFixes(before, findings, { unsafe: true });
    assert.deepEqual(deferred, []);
    assert.ok(after.includes('    a_mean = a.mean()\n    a_std = a.std()\n    for x in xs:\n        out.append((x - a_mean) / a_std)\n'), after);
    assert.equal(compilePython(after).status, 0);
    assert.equal(engine.lintText(after, { select: ['loop-invariant-reduction'] }).findings.length, 0);
    const diff = harnessDifferences(before, after);
    assert.deepEqual(diff, [['empty/0 passes', 'warned']]);
  });

  it("a reduction in a while loop's condition is hoisted with the same ones in its body", async () => {
    const loop = (use: string) => [`    while len(out) < len(xs) and ${use} >= 0:`, `        out.append(xs[len(out)] + ${use})`];
    const source = (body: string[], hoisted: string[] = []) =>
      ['import numpy as np', '', '', 'def compute(a: np.ndarray, xs):', '    out = []', ...hoisted, ...body, '    return out', ''].join('\n');
    const before = source(loop('a.max()'));
    const engine = await getEngine();
    const findings = engine.lintText(before, { select: ['loop-invariant-reduction'] }).findings;
    assert.equal(findings.length, 1, before);
    const after = applyFixes(before, findings, { unsafe: true }).text;
    assert.equal(after, source(loop('a_max'), ['    a_max = a.max()']));
    // The condition's `and` skips max() when there is nothing to do: only then does the hoisted max() of an empty array raise.
    const diff = harnessDifferences(before, after);
    assert.deepEqual(diff, [['empty/0 passes', 'raised']]);
  });
});
