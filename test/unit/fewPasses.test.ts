// Issue 26, after a blind review of repositories never linted before: a concatenation that copies all gathered so
// far matters only where the loop's pass count grows with the data, and advice that saves a constant per item
// matters only where the items are many and nothing far heavier runs beside them. Elsewhere the findings are hints,
// and the hover says why.
import * as assert from 'node:assert/strict';
import { ALL_RULES } from '../../rules';
import { renderFindingHover } from '../../server/docs/render';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';

async function found(ruleId: string, source: string, options: LintOptions = {}) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath: '/proj/pkg/mod.py', impact: 'auto', ...options }).findings.filter((f) => f.ruleId === ruleId);
}

/** The severity of the one finding of ruleId in source, in the default (auto) ranking. */
async function severityOf(ruleId: string, source: string): Promise<string | undefined> {
  const findings = await found(ruleId, source);
  assert.ok(findings.length <= 1, `one finding expected, got ${findings.length}`);
  return findings[0]?.severity;
}

const APPEND = 'append-loop-to-comprehension';

describe('findings ranked by how many passes their loop makes (issue 26)', () => {
  describe('advice that saves a constant per item (append-loop-to-comprehension, readlines-iteration, ...)', () => {
    const appendIn = (outer: string, params: string, extra = '') =>
      `def f(${params}):\n${outer}\n${extra}        out = []\n        for x in inner:\n            out.append(x * 2)\n        use(out)\n`;

    it('nested loops with no data in sight are not hot: a small grid', async () => {
      const grid = appendIn('    for depth in depths:\n      for lam in lambdas:\n        inner = grid_for(depth, lam)', 'depths, lambdas');
      const [f] = await found(APPEND, grid);
      assert.equal(f?.severity, 'hint');
      assert.deepEqual(f.impact, { level: 'normal', reasons: ['in nested loops, none of them over data: the passes stay few'], demotedFrom: 'info' });
      const rule = ALL_RULES.find((r) => r.id === APPEND)!;
      assert.match(renderFindingHover(rule, f, { guide: 'https://example.invalid/guide' }), /\*\*Ranked normal:\*\* in nested loops, none.*\(a hint/);
      // Near miss: one of the loops runs over data.
      const overRows = appendIn('    for depth in depths:\n      for row in rows:\n        inner = grid_for(depth, row)', 'depths, rows');
      assert.equal(await severityOf(APPEND, overRows), 'info');
    });

    it('a loop over data that calls a model, a fit or a request on every pass makes the per-item saving noise', async () => {
      for (const call of ['self.model.generate(batch)', 'model(batch)', 'est.fit(batch)', 'requests.get(batch)', 'subprocess.run(batch)']) {
        const src = `import requests\nimport subprocess\n\n${appendIn('    for batch in batches:\n      if batch:', 'batches, model, est', `        inner = ${call}\n`)}`;
        const [f] = await found(APPEND, src);
        assert.equal(f?.severity, 'hint', call);
        assert.match(f.impact!.reasons[0], /each pass of its loop over data calls `.+`, far heavier than the per-item saving/, call);
      }
      // Near miss: the same loop over data doing light work on each pass stays hot.
      const light = appendIn('    for batch in batches:\n      if batch:', 'batches', '        inner = batch.split()\n');
      assert.equal(await severityOf(APPEND, light), 'info');
    });

    it('a function called from a loop that fits a model or fans out to a pool on each call is not hot for it', async () => {
      const tune =
        'def tune(X, depths):\n    combos = []\n    for d in depths:\n        combos.append({"d": d})\n    with Pool() as pool:\n' +
        '        return pool.map(fit_one, combos)\n\ndef run(taus, X):\n    for t in taus:\n        tune(X, [t])\n';
      const [f] = await found(APPEND, tune);
      assert.equal(f?.severity, 'hint');
      assert.match(f.impact!.reasons[0], /`tune` runs often, but each run calls `pool\.map`/);
      // Near miss: the same function without the pool call stays hot (called from a loop).
      const light = tune.replace('    with Pool() as pool:\n        return pool.map(fit_one, combos)\n', '    return combos\n');
      assert.equal(await severityOf(APPEND, light), 'info');
    });

    it('readlines-iteration in nested loops over a few subjects is not hot', async () => {
      const src =
        'def gen(langs, subjects):\n    for lang in langs:\n        for sbj in subjects:\n            with open(sbj) as f:\n' +
        '                for line in f.readlines():\n                    print(line)\n';
      const [f] = await found('readlines-iteration', src);
      assert.equal(f?.severity, 'hint');
    });
  });
});
