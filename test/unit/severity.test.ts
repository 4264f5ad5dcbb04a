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
