// A rule's findings do not depend on which other rules run: `--select RULE`, `--ignore`, or rules turned off in settings
// must give exactly that rule's findings of a full run (place, message, severity, impact), or a user who narrows the
// selection to look at one rule sees a different answer from the one the full run gave. The engine shares a lot between
// rules (one base pass, gated groups compiled per selection, rooted and async-def groups chosen by which rules share a
// gate, facts memoised per lint), so this is checked on real files rather than assumed.
//
// Two dependencies are by design and documented: a rule that `supersedes` a generic rule hides the generic finding
// about the same construct (RuleDefinition.supersedes, Engine.finish), so a superseded rule selected alone may report
// more (never less); and `unused-suppression` judges a comment against the rules that ran.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../../rules';
import type { Finding } from '../../common/types';
import type { LintOptions } from '../../server/engine/options';
import { FIXTURES, getEngine } from '../helpers/engine';

/** Rules some other rule supersedes: selected alone, they keep the findings the specific rule would hide. */
const SUPERSEDED = new Set(ALL_RULES.flatMap((r) => r.supersedes ?? []));
/** Judges suppression comments against the rules that ran: selection-dependent by definition. */
const RELATIVE = new Set(['unused-suppression']);

/** Real files with library code (torch training loops, pandas, NumPy) and plain standard-library modules. */
const FILES = [
  path.join(FIXTURES, 'rules', 'torch-sync-in-training-loop', 'positive.py'),
  path.join(FIXTURES, 'rules', 'torch-sync-in-training-loop', 'positive_element_walk.py'),
  path.join(FIXTURES, 'rules', 'pandas-iterrows', 'positive.py'),
  path.join(FIXTURES, 'rules', 'pandas-row-loop-indexing', 'positive.py'),
  path.join(FIXTURES, 'rules', 'numpy-python-loop', 'positive.py'),
  '/usr/lib/python3.11/csv.py',
  '/usr/lib/python3.11/statistics.py',
];

/** Ranked as the default output ranks (impact auto), every rule's findings shown, hints kept. */
const RANKED: LintOptions = { impact: 'auto', preview: true, keepHints: true };

/** What a user compares between two runs: place, message, severity and impact level. */
function shown(findings: readonly Finding[]): string[] {
  return findings.map((f) => JSON.stringify([f.start, f.end, f.message, f.severity, f.impact?.level ?? null])).sort();
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // the standard library of Debian's python3.11 is absent here
  }
}

describe('a rule selected alone reports what the full run reports for it', () => {
  for (const file of FILES) {
    it(path.relative(path.dirname(path.dirname(file)), file), async function () {
      this.timeout(60000);
      const text = readOrUndefined(file);
      if (text === undefined) this.skip();
      const engine = await getEngine();
      const options: LintOptions = { ...RANKED, filePath: file };
      const full = engine.lintText(text, { ...options, select: ['ALL'] });
      assert.deepEqual(full.failures, []);
      for (const rule of ALL_RULES) {
        if (RELATIVE.has(rule.id)) continue;
        const alone = engine.lintText(text, { ...options, select: [rule.id] });
        const expected = shown(full.findings.filter((f) => f.ruleId === rule.id));
        const got = shown(alone.findings.filter((f) => f.ruleId === rule.id));
        if (SUPERSEDED.has(rule.id)) {
          const missing = expected.filter((f) => !got.includes(f));
          assert.deepEqual(missing, [], `${rule.id} selected alone lost findings of the full run`);
        } else {
          assert.deepEqual(got, expected, `${rule.id} selected alone differs from the full run`);
        }
      }
    });
  }

  it('the files hold findings of several rules, superseded ones included', async () => {
    const engine = await getEngine();
    const ids = new Set<string>();
    for (const file of FILES.slice(0, 5)) {
      for (const f of engine.lintText(readFileSync(file, 'utf8'), { ...RANKED, filePath: file, select: ['ALL'] }).findings) ids.add(f.ruleId);
    }
    for (const id of ['torch-sync-in-training-loop', 'pandas-iterrows', 'numpy-python-loop']) assert.ok(ids.has(id), [...ids].join());
    assert.ok(ids.size >= 8, [...ids].join());
  });
});
