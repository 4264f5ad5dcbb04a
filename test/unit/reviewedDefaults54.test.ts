// Issue 26, round 54 (blind review30): findings the default output hid that reviewers judged worth changing.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function severities(ruleId: string, source: string, filePath: string): Promise<string[]> {
  const engine = await getEngine();
  return engine
    .lintText(source, { select: [ruleId], filePath, projectRoot: '/proj', impact: 'auto' })
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => f.severity);
}

describe('the default output keeps what is worth a change (issue 26, round 54)', () => {
  describe('is-literal-comparison is a bug wherever it runs', () => {
    const CLICK = 'def on_press(event):\n    if event.button is 1:\n        return "add"\n    return None\n';

    it('keeps its warning in research code and examples, where the place alone makes other findings hints', async () => {
      // rougier/from-python-to-numpy's code/experiments/boids_3.py: the handler never fires with matplotlib's enum.
      assert.deepEqual(await severities('is-literal-comparison', CLICK, '/proj/code/experiments/boids.py'), ['warning']);
      assert.deepEqual(await severities('is-literal-comparison', CLICK, '/proj/examples/boids.py'), ['warning']);
    });

    it('is still a hint in a test file, which is not the project code a user acts on first', async () => {
      assert.deepEqual(await severities('is-literal-comparison', CLICK, '/proj/tests/test_boids.py'), ['hint']);
    });
  });
});
