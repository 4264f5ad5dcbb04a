// A rule that fails on a file (it threw, or ran over its time budget) leaves that file's findings of the rule missing.
// The text output says so in line; SARIF carries it as a tool execution notification, where code-scanning viewers show
// tool errors, and marks the run unsuccessful. (The CLI also writes it to stderr for JSON and SARIF, and exits with 2.)
import * as assert from 'node:assert/strict';
import type { FileReport } from '../../cli/check';
import { failureLine, toSarif, toText } from '../../cli/formats';
import { BATCH_BUDGETS } from '../../cli/pool';
import { Engine } from '../../server/engine/engine';
import { defineRule, type Captures, type RuleContext } from '../../server/engine/rule';
import { ALL_RULES } from '../../rules';
import { DIST } from '../helpers/engine';

const failed: FileReport = {
  file: 'pkg/big.py',
  findings: [],
  fixed: 0,
  failures: [{ ruleId: 'pandas-iterrows', error: 'checks took longer than 1200 ms on this file (a slow rule, stopped)\n    at stack' }],
};
const clean: FileReport = { file: 'pkg/ok.py', findings: [], fixed: 0, failures: [] };

describe('CLI: a rule that failed on a file is reported in every format', () => {
  it('names the file, the rule and the first line of the error', () => {
    assert.equal(
      failureLine('pkg/big.py', failed.failures[0]!),
      'pkg/big.py: internal error in rule pandas-iterrows (rule disabled for this file): checks took longer than 1200 ms on this file (a slow rule, stopped)',
    );
    assert.match(toText([failed], { color: false }, false, 0), /pkg\/big\.py: internal error in rule pandas-iterrows/);
  });

  it('SARIF: an unsuccessful invocation with one error notification per failure', () => {
    const run = toSarif([failed, clean], ALL_RULES, '0.0.0', process.cwd()).runs[0]!;
    const [invocation] = run.invocations!;
    assert.equal(invocation!.executionSuccessful, false);
    const [note] = invocation!.toolExecutionNotifications!;
    assert.equal(note!.level, 'error');
    assert.equal(note!.descriptor?.id, 'pandas-iterrows');
    assert.equal(note!.locations?.[0]?.physicalLocation?.artifactLocation?.uri, 'pkg/big.py');
    assert.match(note!.message.text!, /slow rule, stopped/);
  });

  it('SARIF: a run without failures is successful and has no notifications', () => {
    const [invocation] = toSarif([clean], ALL_RULES, '0.0.0', process.cwd()).runs[0]!.invocations!;
    assert.deepEqual(invocation, { executionSuccessful: true, toolExecutionNotifications: [] });
  });
});

describe('CLI: a busy machine does not cost findings', () => {
  // A rule whose checks take 1.2 s on this file: what a 100 ms rule takes on a large file at load 20 on two cores.
  const slow = defineRule({
    ...ALL_RULES[0]!,
    id: 'slow-rule',
    requires: undefined,
    query: '(call function: (identifier) @f) @c',
    check: (m: Captures, ctx: RuleContext) => {
      for (const until = performance.now() + 150; performance.now() < until;);
      ctx.report({ node: m.need('f') });
    },
  });
  const text = Array.from({ length: 8 }, (_, i) => `f${i}()\n`).join('');

  it("the editor's budget stops the rule on that file; the batch budget keeps all its findings", async function () {
    this.timeout(20_000);
    const engine = await Engine.create([slow], DIST);
    try {
      const editor = engine.lintText(text, { select: ['ALL'] });
      assert.equal(editor.failures.length, 1);
      assert.equal(editor.findings.length, 0);
      engine.ruleBudgetMs = { ...BATCH_BUDGETS.rule };
      const batch = engine.lintText(text, { select: ['ALL'] });
      assert.deepEqual(batch.failures, []);
      assert.equal(batch.findings.length, 8);
    } finally {
      engine.dispose();
    }
  });
});
