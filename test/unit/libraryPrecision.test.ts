// Precision work from the issue-24 review of library-rule findings on new repositories: where the code in view
// cannot show that the advice pays off, a finding is a hint (or silent), and the cases that do pay off stay.
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

async function findings(rule: string, source: string): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { select: [rule], filePath: '/proj/pkg/mod.py' }).findings.filter((f) => f.ruleId === rule);
}

describe('library-rule precision (issue 24 review)', () => {
  describe('tf-data-missing-prefetch: a pipeline returned by a builder', () => {
    const RULE = 'tf-data-missing-prefetch';
    const builder =
      'import tensorflow as tf\n\n\nclass Records:\n    @classmethod\n    def read(cls, files):\n        return tf.data.TFRecordDataset(files).map(parse).batch(64)\n';

    it('is a hint when no caller is in the file (the callers may prefetch)', async () => {
      const [f] = await findings(RULE, builder);
      assert.equal(f?.severity, 'hint');
      assert.match(f.message, /returned to callers outside this file/);
    });

    it('is a hint when the caller wraps it in an object of its own (whose input method may prefetch)', async () => {
      for (const use of ['        ds = cls.read(files)\n        return cls(ds, len(files))\n', '        return Records(cls.read(files))\n']) {
        const [f] = await findings(RULE, `${builder}\n    @classmethod\n    def load(cls, files):\n${use}`);
        assert.equal(f?.severity, 'hint', use);
      }
    });

    it('near misses: a caller that trains on it, or hands it to a method call, keeps the finding', async () => {
      const fit = `${builder}\n\ndef train(model, files):\n    model.fit(Records.read(files), epochs=3)\n`;
      assert.equal((await findings(RULE, fit))[0]?.severity, 'info');
      const handed = `${builder}\n\ndef train(trainer, files):\n    trainer.train(Records.read(files))\n`;
      assert.equal((await findings(RULE, handed))[0]?.severity, 'info');
    });
  });
});
