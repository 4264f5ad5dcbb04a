// Rules whose findings nobody would see are not run (LintOptions.hintsUnseen, set by the CLI for JSON and SARIF output):
// with impact = "auto" and preview = false every finding of a rule in preview is a hint, and those outputs neither show
// nor count hints. What they show must be what a lint running every rule shows.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkFile } from '../../cli/check';
import { ALL_RULES } from '../../rules';
import { Engine, newProfile } from '../../server/engine/engine';
import type { LintOptions } from '../../server/engine/options';
import { isProven } from '../../server/engine/trackRecord';
import { DIST } from '../helpers/engine';

const SOURCE = [
  'import pandas as pd',
  'import requests',
  '',
  'def add_spend(df, kind):',
  '    breakpoint()',
  '    if kind is "ab":',
  '        return df',
  '    df["price"].fillna(0, inplace=True)',
  '    df["rate"] = requests.get("https://example.com/rates.json").json()["eur"]',
  '    spend = []',
  '    for idx, row in df.iterrows():',
  '        spend.append(row["price"] * row["quantity"])',
  '    df["spend"] = spend',
  '    return df',
  '',
].join('\n');

/** Rules in preview with a match in SOURCE. */
const PREVIEW = ['leftover-breakpoint', 'pandas-iterrows', 'append-loop-to-comprehension', 'is-literal-comparison', 'pandas-chained-inplace'];

/** Every rule checked is proven, http-call-without-timeout among them. */
function assertProvenOnly(checked: ReadonlySet<string>): void {
  assert.ok(checked.has('http-call-without-timeout'));
  for (const id of checked) assert.ok(isProven(id), `${id} is in preview and was checked`);
}

const AUTO: LintOptions = { filePath: '/proj/pkg/spend.py', impact: 'auto', preview: false };

describe('rules whose findings would only be unseen hints are not run', () => {
  let engine: Engine;
  before(async () => {
    engine = await Engine.create(ALL_RULES, DIST);
  });
  after(() => engine.dispose());

  /** The findings a caller dropping hints shows, and the rules whose checks ran. */
  function lint(options: LintOptions, text = SOURCE) {
    engine.profile = newProfile();
    const result = engine.lintText(text, options);
    const checked = new Set(engine.profile.rules.keys());
    engine.profile = undefined;
    return { shown: result.findings.filter((f) => f.severity !== 'hint'), checked };
  }

  it('runs the proven rules only, and shows the same findings as a lint of every rule', () => {
    assert.equal(isProven('http-call-without-timeout'), true);
    for (const id of PREVIEW) assert.equal(isProven(id), false, id);
    const every = lint(AUTO);
    for (const id of [...PREVIEW, 'http-call-without-timeout']) assert.ok(every.checked.has(id), id);
    const unseen = lint({ ...AUTO, hintsUnseen: true });
    assertProvenOnly(unseen.checked);
    assert.deepEqual(unseen.shown, every.shown);
    assert.deepEqual(
      unseen.shown.map((f) => f.ruleId),
      ['http-call-without-timeout'],
    );
  });

  it('runs every rule when hints are shown: preview = true, impact = "all", hints kept for a profile', () => {
    for (const options of [{ preview: true }, { impact: 'all' as const }, { keepHints: true }]) {
      assert.ok(lint({ ...AUTO, hintsUnseen: true, ...options }).checked.has('leftover-breakpoint'), JSON.stringify(options));
    }
  });

  it('runs a rule in preview whose severity the user set, and a rule in preview that supersedes a rule that runs', () => {
    const options: LintOptions = { ...AUTO, severity: { 'append-loop-to-comprehension': 'warning' } };
    const unseen = lint({ ...options, hintsUnseen: true });
    assert.ok(unseen.checked.has('append-loop-to-comprehension'));
    // pandas-iterrows's finding about the loop drops append-loop-to-comprehension's: left out, the generic one would show.
    assert.ok(unseen.checked.has('pandas-iterrows'));
    assert.ok(!unseen.checked.has('leftover-breakpoint'));
    assert.deepEqual(unseen.shown, lint(options).shown);
    assert.ok(!unseen.shown.some((f) => f.ruleId === 'append-loop-to-comprehension'));
  });

  it('runs every rule while unused-suppression findings are shown: a suppression only a rule in preview uses stays used', () => {
    const text = SOURCE.replace('    breakpoint()', '    breakpoint()  # perflens: ignore[leftover-breakpoint]');
    const options: LintOptions = { ...AUTO, severity: { 'unused-suppression': 'info' }, hintsUnseen: true };
    const unseen = lint(options, text);
    assert.ok(unseen.checked.has('leftover-breakpoint'));
    assert.ok(!unseen.shown.some((f) => f.ruleId === 'unused-suppression'));
  });

  it("perflens check's JSON and SARIF output (CheckOptions.hintsUnseen) runs the proven rules only", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-unseen-'));
    try {
      const file = path.join(dir, 'spend.py');
      writeFileSync(file, SOURCE);
      const checked = (hintsUnseen: boolean) => {
        engine.profile = newProfile();
        const report = checkFile(engine, file, { impact: 'auto', preview: false }, { fix: false, unsafeFixes: false, hintsUnseen });
        const ids = new Set(engine.profile.rules.keys());
        engine.profile = undefined;
        return { ids, findings: report.findings };
      };
      const text = checked(false);
      const json = checked(true);
      assert.ok(text.ids.has('leftover-breakpoint'));
      assertProvenOnly(json.ids);
      assert.deepEqual(json.findings, text.findings);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
