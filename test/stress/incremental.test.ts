// Incremental linting (the editor path) must give exactly what a full lint gives.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { getEngine } from '../helpers/engine';
import { fixtureFile, fixtureSources, rng, stdlibDir } from './corpus';
import { runIncremental } from './incrementalCheck';

describe('incremental linting equals a full lint', function () {
  this.timeout(120_000);

  it('over random edits of all rule fixtures in one file (findings of every rule)', async () => {
    const engine = await getEngine();
    const run = runIncremental(engine, fixtureFile(), 12, rng(11));
    assert.ok(run.partial > run.edits / 2, `most lints should be incremental (${run.partial} of ${run.edits})`);
    // Findings that depend on another top-level definition (a class hierarchy, a called function's
    // body) can go stale until the idle-time full lint corrects them: rare, and always corrected.
    assert.ok(run.mismatches.length <= Math.max(2, run.edits * 0.05), `${run.mismatches.length} of ${run.edits} incremental results differed: ${JSON.stringify(run.mismatches[0]?.incremental.filter((x) => !run.mismatches[0].full.includes(x)))}`);
    assert.equal(run.uncorrected, 0, 'verify() must always restore the full result');
  });

  it('keeps suppression comments and findings in step over many edits above and between them', async () => {
    // Partial lints shift the cached comment, suppression and finding offsets in place: every
    // result must still equal a full lint, whichever comment an edit lands before.
    const engine = await getEngine();
    const wanted = ['unused-suppression/positive.py', 'unused-suppression/negative.py', 'string-concat-in-loop/positive.py'];
    const block = fixtureSources()
      .filter((s) => wanted.includes(s.name))
      .map((s) => s.text)
      .join('\n\n');
    const run = runIncremental(engine, `${block}\n\n${block}`, 60, rng(5), 0.95);
    assert.ok(run.partial > run.edits / 2, `most lints should be incremental (${run.partial} of ${run.edits})`);
    assert.deepEqual(run.mismatches.slice(0, 1), [], `${run.mismatches.length} of ${run.edits} incremental results differed`);
  });

  it('keeps the top-level units exact when a syntax error moves a zero-length ERROR statement', async () => {
    // Found by `npm run stress`: random edits of this module make tree-sitter drop a zero-length
    // ERROR statement in one place and add one elsewhere, outside every changed range. The linter's
    // self-check throws when its carried units differ from the tree's top-level statements.
    const engine = await getEngine();
    const text = readFileSync(path.join(stdlibDir(), 'test', 'test__locale.py'), 'utf8');
    const run = runIncremental(engine, text, 30, rng(1267), 0.7);
    assert.ok(run.partial > 0);
    assert.equal(run.uncorrected, 0);
  });

  it('over random edits of a large stdlib module', async () => {
    const engine = await getEngine();
    const text = readFileSync(path.join(stdlibDir(), 'argparse.py'), 'utf8');
    const run = runIncremental(engine, text, 25, rng(7));
    assert.ok(run.partial > run.edits / 2, `most lints should be incremental (${run.partial} of ${run.edits})`);
    assert.deepEqual(run.mismatches.slice(0, 1), [], `${run.mismatches.length} of ${run.edits} incremental results differed`);
  });
});
