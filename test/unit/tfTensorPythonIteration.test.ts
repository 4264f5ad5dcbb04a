// tf-tensor-python-iteration in a project on disk: a function whose one caller in sight is its module's test file is a
// hint (efficientdet's `wbf.ensemble_detections`, called only from wbf_test.py, judged noise by a blind review).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NODE_FILES } from '../../server/project/fileProbe';
import { getEngine } from '../helpers/engine';

const SOURCE =
  'import tensorflow as tf\n\n\n' +
  'def ensemble_detections(params, detections):\n' +
  '    out = []\n' +
  '    for cid in range(params["num_classes"]):\n' +
  '        class_detections = tf.gather_nd(detections, tf.where(tf.equal(detections[:, 6], cid)))\n' +
  '        for d in class_detections:\n' +
  '            out.append(d)\n' +
  '    return out\n';

describe('tf-tensor-python-iteration: a function tested but not called in its module', () => {
  const made: string[] = [];
  after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  /** The severity of the one finding on SOURCE (plus `extra`) saved as wbf.py beside `files`, with the default impact. */
  async function severity(files: Record<string, string>, extra = ''): Promise<string> {
    const top = mkdtempSync(path.join(tmpdir(), 'perflens-tfiter-'));
    made.push(top);
    mkdirSync(path.join(top, '.git'));
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(top, rel)), { recursive: true });
      writeFileSync(path.join(top, rel), text);
    }
    const engine = await getEngine();
    const saved = engine.files;
    try {
      engine.files = NODE_FILES;
      const filePath = path.join(top, 'tf2', 'wbf.py');
      const findings = engine.lintText(SOURCE + extra, { select: ['tf-tensor-python-iteration'], filePath, impact: 'all' }).findings;
      assert.equal(findings.length, 1);
      // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
      const shown = engine.lintText(SOURCE + extra, { select: ['tf-tensor-python-iteration'], filePath, impact: 'auto', keepHints: true }).findings;
      return shown[0]?.severity ?? 'none';
    } finally {
      engine.files = saved;
    }
  }

  const test = 'from tf2 import wbf\n\n\ndef test_ensemble():\n    wbf.ensemble_detections({"num_classes": 3}, dets)\n';

  it('is a hint when the only caller in sight is the test module beside it', async () => {
    assert.equal(await severity({ 'tf2/wbf_test.py': test }), 'hint');
    assert.equal(await severity({ 'tf2/test_wbf.py': test }), 'hint');
    assert.equal(await severity({ 'tf2/tests/test_wbf.py': test }), 'hint');
  });

  it('keeps its level when the module calls the function itself, or no test calls it', async () => {
    const ownCaller = '\n\ndef ensemble(params, boxes):\n    return ensemble_detections(params, boxes)\n';
    assert.equal(await severity({ 'tf2/wbf_test.py': test }, ownCaller), 'info');
    assert.equal(await severity({}), 'info');
    // The test file names another function only.
    assert.equal(await severity({ 'tf2/wbf_test.py': 'from tf2 import wbf\n\n\ndef test_other():\n    wbf.average_detections([])\n' }), 'info');
  });
});
