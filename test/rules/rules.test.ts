// Every rule, driven by its fixtures in test/fixtures/rules/<rule-id>/:
//   positive*.py  lines marked `# expect: <rule-id>` must be flagged (and nothing else by that rule);
//                 `# expect: <rule-id>[unsafe]` also fixes the fix those findings offer: [safe], [unsafe],
//                 [display-only] or [no-fix] (the fix tests below apply unsafe fixes too, so only this
//                 marker tells a safe fix from an unsafe one)
//   negative*.py  near-misses: the rule must stay silent
//   fix.py        a runnable program; the rule's fixes are applied, the result must equal
//                 fix.expected.py, parse with no ERROR node, compile, and print the same output.
//                 A first line `# perflens-test: no-run <reason>` skips running (e.g. needs a GPU).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../../rules';
import { GUIDE_SLUGS } from '../../common/guide';
import { applyFixes } from '../../server/fixes/apply';
import { Query } from '../../server/syntax/parser';
import { CATEGORIES } from '../../common/types';
import { compilePython, FIXTURES, getEngine, ruleFixtureNames, runPython } from '../helpers/engine';

const RULE_FIXTURES = path.join(FIXTURES, 'rules');

/** The `# expect:` entries of each line: rule id → the fix marker (`safe`, `no-fix`…) or '' when unmarked. */
function expectations(source: string): Map<string, string>[] {
  return source.split(/\r\n|\r|\n/).map((line) => {
    const m = /#\s*expect:\s*([\w\-, [\]]+)/.exec(line);
    const entries = new Map<string, string>();
    for (const entry of m ? m[1].split(',') : []) {
      const [, id, marker] = /^\s*([\w-]+)\s*(?:\[([\w-]+)\])?/.exec(entry) ?? [];
      if (id) entries.set(id, marker ?? '');
    }
    return entries;
  });
}

function expectedLines(source: string, ruleId: string): number[] {
  return expectations(source).flatMap((entries, i) => (entries.has(ruleId) ? [i] : []));
}

/** 1-based line → the fix marker, for the lines whose expectation of ruleId names one. */
function expectedFixes(source: string, ruleId: string): Map<number, string> {
  const out = new Map<number, string>();
  expectations(source).forEach((entries, i) => {
    const marker = entries.get(ruleId);
    if (marker) out.set(i + 1, marker);
  });
  return out;
}

function fixtureFiles(ruleId: string, prefix: string): string[] {
  return ruleFixtureNames(ruleId)
    .filter((name) => {
      const f = path.basename(name);
      return f.startsWith(prefix) && f.endsWith('.py') && !f.endsWith('.expected.py');
    })
    .map((name) => path.join(RULE_FIXTURES, ruleId, name));
}

describe('rules', () => {
  it('every rule query compiles (a broken one would be left out of the engine)', async () => {
    const engine = await getEngine();
    // Gated and call-anchored queries compile when a file first needs them: compile each one here.
    const broken: string[] = [];
    for (const rule of ALL_RULES) {
      if (rule.query.trim() === '') continue;
      try {
        new Query(engine.parser.language, rule.query).delete();
      } catch (error) {
        broken.push(`${rule.id}: ${String(error)}`);
      }
    }
    assert.deepEqual(broken, []);
    engine.lintText('x = 1\n', { select: ALL_RULES.map((r) => r.id) });
    assert.deepEqual(engine.brokenRules, []);
  });

  it('every rule file declares consistent metadata', () => {
    const ids = new Set<string>();
    for (const rule of ALL_RULES) {
      assert.ok(!ids.has(rule.id), `duplicate rule id ${rule.id}`);
      ids.add(rule.id);
      assert.ok(rule.category in CATEGORIES, `${rule.id}: unknown category ${rule.category}`);
      assert.ok(GUIDE_SLUGS.has(rule.guide.split('#')[0]), `${rule.id}: unknown guide section ${rule.guide}`);
      assert.ok(rule.message.length > 10 && rule.message.length < 160, `${rule.id}: message length`);
      assert.ok(rule.docs.why.length > 40 && rule.docs.instead.length > 10, `${rule.id}: docs too thin`);
    }
  });

  for (const rule of ALL_RULES) {
    describe(rule.id, () => {
      // The rule on top of the default set: fixtures are also checked for crashes in other rules,
      // and rules that depend on others (unused-suppression) see them. Assertions filter by rule id.
      const options = { extendSelect: [rule.id] };

      it('has positive and negative fixtures', () => {
        const positives = fixtureFiles(rule.id, 'positive');
        const negatives = fixtureFiles(rule.id, 'negative');
        assert.ok(positives.length > 0, `missing test/fixtures/rules/${rule.id}/positive.py`);
        assert.ok(negatives.length > 0, `missing test/fixtures/rules/${rule.id}/negative.py`);
        const expected = positives.reduce((n, f) => n + expectedLines(readFileSync(f, 'utf8'), rule.id).length, 0);
        assert.ok(expected >= 3, `${rule.id}: at least 3 expected findings in positive fixtures, found ${expected}`);
      });

      for (const file of fixtureFiles(rule.id, 'positive')) {
        it(`flags exactly the marked lines of ${path.basename(file)}`, async () => {
          const engine = await getEngine();
          const source = readFileSync(file, 'utf8');
          const result = engine.lintText(source, { ...options, filePath: file });
          assert.deepEqual(result.failures, []);
          const got = result.findings.filter((f) => f.ruleId === rule.id).map((f) => result.lines.positionAt(f.start).line);
          assert.deepEqual(
            [...new Set(got)].map((l) => l + 1),
            expectedLines(source, rule.id).map((l) => l + 1),
          );
        });

        const markers = expectedFixes(readFileSync(file, 'utf8'), rule.id);
        if (markers.size > 0) {
          it(`offers the marked fix safety in ${path.basename(file)}`, async () => {
            const engine = await getEngine();
            const result = engine.lintText(readFileSync(file, 'utf8'), { ...options, filePath: file });
            // Every finding on a marked line, by its fix: one kind per line, as marked.
            const got = new Map<number, Set<string>>();
            for (const f of result.findings.filter((x) => x.ruleId === rule.id)) {
              const line = result.lines.positionAt(f.start).line + 1;
              if (markers.has(line)) got.set(line, (got.get(line) ?? new Set()).add(f.fix?.safety ?? 'no-fix'));
            }
            const shown = (m: Map<number, Set<string> | string>) =>
              Object.fromEntries([...m].map(([l, v]) => [l, typeof v === 'string' ? v : [...v].join(' + ')]));
            assert.deepEqual(shown(got), shown(markers));
          });
        }

        it(`every fix in ${path.basename(file)} yields valid Python`, async () => {
          const engine = await getEngine();
          const source = readFileSync(file, 'utf8');
          for (const finding of engine.lintText(source, { ...options, filePath: file }).findings) {
            if (finding.ruleId !== rule.id || !finding.fix || finding.fix.safety === 'display-only') continue;
            const fixed = applyFixes(source, [finding], { unsafe: true }).text;
            assert.notEqual(fixed, source, `${rule.id}: fix changed nothing at ${finding.start}`);
            const tree = engine.parse(fixed);
            try {
              assert.ok(!tree.rootNode.hasError, `${rule.id}: fix at offset ${finding.start} produced a syntax error:\n${fixed}`);
            } finally {
              tree.delete();
            }
            // Applying the same fix again finds nothing left to fix at that spot.
            const again = engine
              .lintText(fixed, { ...options, filePath: file })
              .findings.filter((f) => f.ruleId === rule.id && f.fix && f.start === finding.start);
            assert.equal(again.length, 0, `${rule.id}: fix is not idempotent at ${finding.start}`);
          }
        });
      }

      for (const file of fixtureFiles(rule.id, 'negative')) {
        it(`stays silent on ${path.basename(file)}`, async () => {
          const engine = await getEngine();
          const result = engine.lintText(readFileSync(file, 'utf8'), { ...options, filePath: file });
          assert.deepEqual(result.failures, []);
          const lines = result.findings.filter((f) => f.ruleId === rule.id).map((f) => result.lines.positionAt(f.start).line + 1);
          assert.deepEqual(lines, [], `${rule.id} fired on near-misses at lines ${lines.join(', ')}`);
        });
      }

      if (rule.fix) {
        it('declares every fix safety its findings get (the default, or one of fix.forms)', async () => {
          const engine = await getEngine();
          const declared = new Set([rule.fix!.safety, ...(rule.fix!.forms ?? []).map((f) => f.safety)]);
          const files = [...fixtureFiles(rule.id, 'positive'), ...fixtureFiles(rule.id, 'fix')];
          const undeclared = new Set<string>();
          for (const file of files) {
            for (const f of engine.lintText(readFileSync(file, 'utf8'), { ...options, filePath: file }).findings) {
              if (f.ruleId === rule.id && f.fix && !declared.has(f.fix.safety))
                undeclared.add(`${f.fix.safety} (${path.basename(file)}: ${f.fix.reason ?? ''})`);
            }
          }
          assert.deepEqual([...undeclared], [], `${rule.id}: add these to fix.forms`);
        });
      }

      if (rule.fix && rule.fix.safety !== 'display-only') {
        it('fix.py: fixed program matches fix.expected.py, compiles and behaves the same', async function () {
          const dir = path.join(RULE_FIXTURES, rule.id);
          assert.ok(existsSync(path.join(dir, 'fix.py')), `missing ${rule.id}/fix.py (a runnable program for the fix)`);
          const engine = await getEngine();
          const source = readFileSync(path.join(dir, 'fix.py'), 'utf8');
          const findings = engine.lintText(source, { ...options, filePath: path.join(dir, 'fix.py') }).findings.filter((f) => f.ruleId === rule.id && f.fix);
          assert.ok(findings.length > 0, 'fix.py has nothing to fix');
          const fixed = applyFixes(source, findings, { unsafe: true }).text;
          assert.equal(fixed, readFileSync(path.join(dir, 'fix.expected.py'), 'utf8'));
          const tree = engine.parse(fixed);
          const hasError = tree.rootNode.hasError;
          tree.delete();
          assert.ok(!hasError, 'fixed program has a syntax error');
          const compiled = compilePython(fixed);
          assert.equal(compiled.status, 0, compiled.stderr);
          if (/^# perflens-test: no-run/.test(source)) return;
          const before = runPython(source);
          const after = runPython(fixed);
          assert.equal(before.status, 0, `fix.py itself fails:\n${before.stderr}`);
          assert.ok(before.stdout.length > 0, 'fix.py prints nothing, so the comparison proves nothing');
          assert.deepEqual(after, before);
        });
      }
    });
  }
});
