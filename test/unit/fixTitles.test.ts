// Quick-fix titles are menu entries (issue 28, item 3): short, marked `(unsafe)` when the fix can change
// behaviour, and never carrying the reason (that belongs to the hover and `perflens rule`'s Fix safety).
// Checked for every rule's default title and for the titles its findings get on its own fixtures.
import * as assert from 'node:assert/strict';
import { ALL_RULES } from '../../rules';
import { fixMenuTitle, MAX_FIX_TITLE } from '../../server/docs/render';
import type { FixSafety } from '../../common/types';
import { fixtureFindings } from '../helpers/engine';

/** Words that explain a risk rather than name an action: they belong in the reason. */
const REASON_WORDS = /\b(unsafe|review|because|careful|may|might|risk|behaviou?r|race|must|only if)\b|\([^)]*\bonly\)/i;

/** What is wrong with a fix title shown in the menu, or null. */
function titleProblem(title: string, safety: FixSafety, reasons: readonly (string | undefined)[]): string | null {
  const shown = fixMenuTitle({ title, safety });
  if (shown.length > MAX_FIX_TITLE) return `"${shown}" is ${shown.length} characters (at most ${MAX_FIX_TITLE})`;
  if (REASON_WORDS.test(title)) return `"${title}" explains a risk: say it in the fix's reason`;
  const leaked = reasons.find((r) => r && (title.includes(r) || (r.length > 12 && title.toLowerCase().includes(r.slice(0, 20).toLowerCase()))));
  if (leaked) return `"${title}" repeats the reason "${leaked}"`;
  return null;
}

/** The most cautious safety a finding of the rule may get: the title must fit with that mark. */
function worstSafety(safeties: readonly FixSafety[]): FixSafety {
  return safeties.includes('unsafe') ? 'unsafe' : safeties[0];
}

describe('quick-fix titles', () => {
  it('every rule default fix title is short and says no reason', () => {
    const problems: string[] = [];
    for (const rule of ALL_RULES) {
      if (!rule.fix) continue;
      const forms = rule.fix.forms ?? [];
      const safety = worstSafety([rule.fix.safety, ...forms.map((f) => f.safety)]);
      const problem = titleProblem(rule.fix.title, safety, [rule.fix.reason, ...forms.map((f) => f.reason)]);
      if (problem) problems.push(`${rule.id}: ${problem}`);
    }
    assert.deepEqual(problems, []);
  });

  it("every title a finding gets on the rule's fixtures is short and says no reason", async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const rule of ALL_RULES) {
      if (!rule.fix) continue;
      for (const { name, findings } of await fixtureFindings(rule.id, (f) => /^(positive.*|fix)\.py$/.test(f))) {
        for (const finding of findings) {
          if (!finding.fix) continue;
          checked++;
          const problem = titleProblem(finding.fix.title, finding.fix.safety, [finding.fix.reason, rule.fix.reason]);
          if (problem) problems.push(`${rule.id} (${name}): ${problem}`);
        }
      }
    }
    assert.ok(checked > 100, `only ${checked} fixes checked`);
    assert.deepEqual([...new Set(problems)], []);
  });

  it('marks an unsafe fix with "(unsafe)" only, the reason left out', () => {
    assert.equal(fixMenuTitle({ title: 'Use prange for the outer loop', safety: 'unsafe' }), 'Use prange for the outer loop (unsafe)');
    assert.equal(fixMenuTitle({ title: 'Add @functools.wraps(func)', safety: 'safe' }), 'Add @functools.wraps(func)');
  });
});
