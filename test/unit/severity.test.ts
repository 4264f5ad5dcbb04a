// One severity per finding, the same on every surface (issue 28, item 5): a rule's findings get its default
// severity or one of its declared `severityForms`, and the README table says which, and when.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../../rules';
import { severityInContext } from '../../server/docs/render';
import { fixtureFindings, getEngine, ROOT } from '../helpers/engine';

describe('severity in context', () => {
  it("every finding on the rules' fixtures has its rule's default severity or a declared form, and every form occurs", async () => {
    const undeclared: string[] = [];
    const seen = new Set<string>();
    for (const rule of ALL_RULES) {
      const declared = new Set([rule.severity, ...(rule.severityForms ?? []).map((f) => f.severity)]);
      for (const { name, findings } of await fixtureFindings(rule.id, (f) => f.endsWith('.py') && !f.endsWith('.expected.py'))) {
        for (const f of findings) {
          seen.add(`${rule.id}:${f.severity}`);
          if (!declared.has(f.severity)) undeclared.push(`${rule.id} (${name}): a ${f.severity} finding; declare it in severityForms`);
        }
      }
    }
    assert.deepEqual([...new Set(undeclared)], []);
    const unseen = ALL_RULES.flatMap((r) => (r.severityForms ?? []).filter((f) => !seen.has(`${r.id}:${f.severity}`)).map((f) => `${r.id}: ${f.severity}`));
    assert.deepEqual(unseen, [], 'a declared severity no fixture finding gets');
  });

  it('a user severity for the rule wins over the per-finding one, even when set to the default', async () => {
    const engine = await getEngine();
    const source = 'def join(items):\n    s = ""\n    for item in items:\n        s += str(item)\n    return s\n';
    const severities = (options: object) => engine.lintText(source, { select: ['string-concat-in-loop'], ...options }).findings.map((f) => f.severity);
    assert.deepEqual(severities({}), ['hint'], 'CPython extends a local string in place: a hint');
    assert.deepEqual(severities({ severity: { 'string-concat-in-loop': 'warning' } }), ['warning']);
    assert.deepEqual(severities({ severity: { loops: 'error' } }), ['error']);
  });

  it('a linear recurrence is info (lfilter replaces it), other numba candidates stay hints', async () => {
    const engine = await getEngine();
    const source =
      'import numpy as np\n\n\ndef ema(x: np.ndarray, alpha: float) -> np.ndarray:\n    out = np.empty_like(x)\n    out[0] = x[0]\n' +
      '    for i in range(1, len(x)):\n        out[i] = alpha * x[i] + (1 - alpha) * out[i - 1]\n    return out\n\n\n' +
      'def cusum(x: np.ndarray, k: float) -> np.ndarray:\n    for i in range(1, x.shape[0]):\n        x[i] = max(0.0, x[i - 1] + x[i] - k)\n    return x\n';
    // keepHints: the hints a loaded profile could raise, which auto mode otherwise leaves out for library rules.
    const lint = (filePath: string) =>
      engine
        .lintText(source, { select: ['numba-jit-candidate'], filePath, impact: 'auto', keepHints: true })
        .findings.map((f) => [f.message.slice(0, 12), f.severity]);
    assert.deepEqual(lint('/proj/pkg/indicators.py'), [
      ['`out[i]` is ', 'info'],
      ['`x[i]` depen', 'hint'],
    ]);
    // In a test the linear one drops to a hint with the rest.
    assert.deepEqual(
      lint('/proj/tests/test_indicators.py').map(([, s]) => s),
      ['hint', 'hint'],
    );
  });

  it('a mask per label is info only when a loop around the label loop repeats it', async () => {
    const engine = await getEngine();
    const fixture = readFileSync(path.join(ROOT, 'test/fixtures/rules/torch-mask-per-label-loop/positive.py'), 'utf8');
    const found = engine.lintText(fixture, { select: ['torch-mask-per-label-loop'], filePath: '/proj/pkg/loss.py' }).findings;
    assert.deepEqual(
      found.map((f) => f.severity),
      ['hint', 'hint', 'hint', 'info', 'info', 'hint', 'hint', 'hint', 'hint'],
    );
    assert.match(found[3].message, /again on every pass of `for _ in range\(iters\)`/);
    assert.match(found[4].message, /again on every pass of `while moved`/);
    // Selections only reduced get the one-pass sums; loops that need each label's rows get sort-and-split advice.
    assert.match(found[5].message, /index_add_/);
    assert.match(found[6].message, /index_add_/);
    assert.match(found[7].message, /`torch\.split` them by the `torch\.bincount` counts/);
    assert.match(found[8].message, /`torch\.split` them by the `torch\.bincount` counts/);
  });

  it('the README rule table gives each rule its severities in context, from the metadata', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const rule of ALL_RULES) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${rule.id}\` |`));
      assert.ok(row, `no README row for ${rule.id}`);
      assert.equal(row.split(' | ')[3], severityInContext(rule).replace(/\|/g, '\\|'), rule.id);
    }
    const concat = readme.split('\n').find((line) => line.startsWith('| `string-concat-in-loop` |'))!;
    assert.match(concat, / \| warning; hint when CPython can extend the string in place/);
  });
});
