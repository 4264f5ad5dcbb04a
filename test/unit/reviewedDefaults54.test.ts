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

  describe('numpy-python-loop: a full scan of an array per value ranks high wherever it stands', () => {
    // milesial/Pytorch-UNet's BasicDataset.preprocess: every mask of every epoch is scanned once per class value.
    const DATASET = (values: string) =>
      'import numpy as np\n\n\nclass Masks:\n    def __init__(self, values):\n        self.values = values\n\n' +
      '    def preprocess(self, img):\n        out = np.zeros(img.shape[:2], dtype=np.int64)\n' +
      `        for i, v in enumerate(${values}):\n            out[img == v] = i\n        return out\n`;

    it('is high impact in a plain library function, with the reason in the hover', async () => {
      const engine = await getEngine();
      const [f] = engine
        .lintText(DATASET('self.values'), {
          select: ['numpy-python-loop'],
          filePath: '/proj/utils/data_loading.py',
          projectRoot: '/proj',
          impact: 'auto',
          preview: true,
        })
        .findings.filter((x) => x.ruleId === 'numpy-python-loop');
      assert.equal(f?.severity, 'warning');
      assert.equal(f.impact?.level, 'high');
      assert.match(f.impact!.reasons[0], /size times the number of values/);
    });

    it('stays low in a test file and silent over a few literal values', async () => {
      assert.deepEqual(await severities('numpy-python-loop', DATASET('self.values'), '/proj/tests/test_masks.py'), []);
      assert.deepEqual(await severities('numpy-python-loop', DATASET('self.values[:2]'), '/proj/utils/data_loading.py'), []);
    });
  });
});
