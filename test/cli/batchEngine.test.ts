// The CLI's batch engines (cli/pool.ts batchEngine, one per check worker) compile no rule set at start-up: the default
// set the engine would compile is not the one a batch runs (JSON output leaves the rules in preview out), so each worker
// paid for a set it never used before its first file. The set a file needs is compiled by its first lint instead, and
// that lint must find exactly what an engine that compiled at start-up finds.
import * as assert from 'node:assert/strict';
import { batchEngine } from '../../cli/pool';
import { Engine } from '../../server/engine/engine';
import type { LintOptions } from '../../server/engine/options';
import { ALL_RULES } from '../../rules';
import { DIST } from '../helpers/engine';

/** What `perflens check --format json` lints a file with (main.ts's defaults, CheckOptions.hintsUnseen). */
const JSON_OUTPUT: LintOptions = { impact: 'auto', preview: false, hintsUnseen: true, filePath: '/project/poll.py' };

const SOURCE = ['import requests', '', 'def poll(url):', '    status = requests.get(url).json()', '    return status["state"]', ''].join('\n');

describe('CLI: batch engines compile their rule set on first use', () => {
  it('a batch engine compiles no set at start-up; its first lint compiles the one it needs and still finds the finding', async () => {
    const engine = await batchEngine(DIST);
    try {
      assert.equal(engine.compiledSets, 0);
      const found = engine.lintText(SOURCE, JSON_OUTPUT).findings.map((f) => [f.ruleId, f.start]);
      assert.deepEqual(found, [['http-call-without-timeout', SOURCE.indexOf('requests.get')]]);
      assert.equal(engine.compiledSets, 1);
      // The next file reuses that set.
      engine.lintText(SOURCE, JSON_OUTPUT);
      assert.equal(engine.compiledSets, 1);
    } finally {
      engine.dispose();
    }
  });

  it('finds what an engine that compiled the default set at start-up finds, with the default options too', async () => {
    const batch = await batchEngine(DIST);
    const eager = await Engine.create(ALL_RULES, DIST);
    try {
      assert.equal(eager.compiledSets, 1);
      for (const options of [JSON_OUTPUT, {}, { impact: 'all', preview: true } satisfies LintOptions]) {
        const ids = (e: Engine) => e.lintText(SOURCE, options).findings.map((f) => `${f.ruleId}@${f.start}:${f.severity}`);
        assert.deepEqual(ids(batch), ids(eager), JSON.stringify(options));
      }
    } finally {
      batch.dispose();
      eager.dispose();
    }
  });

  it('Engine.create compiles the set of the options it is given at start-up, and none when given null', async () => {
    const selected = await Engine.create(ALL_RULES, DIST, { select: ['is-literal-comparison'] });
    const none = await Engine.create(ALL_RULES, DIST, null);
    try {
      assert.equal(selected.compiledSets, 1);
      selected.lintText(SOURCE, { select: ['is-literal-comparison'] });
      assert.equal(selected.compiledSets, 1, 'the first lint with those options reuses the set compiled at start-up');
      assert.equal(none.compiledSets, 0);
    } finally {
      selected.dispose();
      none.dispose();
    }
  });
});
