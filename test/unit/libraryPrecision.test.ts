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
      // Judged at the call site: the finding stays, no longer the hint for callers out of view.
      const fit = `${builder}\n\ndef train(model, files):\n    model.fit(Records.read(files), epochs=3)\n`;
      const [trained] = await findings(RULE, fit);
      assert.ok(trained && !/outside this file/.test(trained.message), JSON.stringify(trained));
      const handed = `${builder}\n\ndef train(trainer, files):\n    trainer.train(Records.read(files))\n`;
      const [given] = await findings(RULE, handed);
      assert.ok(given && !/outside this file/.test(given.message), JSON.stringify(given));
    });
  });

  describe('torch-sync-in-training-loop: rows converted one by one', () => {
    const RULE = 'torch-sync-in-training-loop';
    const step = (rows: string) =>
      'import torch\n\n\ndef train(model, loader, opt, reward):\n    model.cuda()\n    for batch in loader:\n' +
      '        ids = model.generate(batch.cuda())\n        loss = model(ids).mean()\n        loss.backward()\n        opt.step()\n' +
      `        rows = ${rows}\n        reward(rows)\n`;

    it('advises one conversion of the whole tensor: the host needs the rows on this step, one sync gives them all', async () => {
      for (const count of ['ids.shape[0]', 'len(ids)', 'ids.size(0)']) {
        const [f] = await findings(RULE, step(`[ids[i].tolist() for i in range(${count})]`));
        assert.match(f?.message ?? '', /once per row; `ids\.tolist\(\)` gives the same lists with one copy and one sync$/, count);
      }
    });

    it('near misses keep the usual advice: a filtered comprehension, another tensor, another count', async () => {
      for (const rows of [
        '[ids[i].tolist() for i in range(len(ids)) if i % 2]',
        '[ids[i].tolist() for i in range(len(other))]',
        '[ids[i].tolist() for i in range(4)]',
      ]) {
        const [f] = await findings(RULE, step(rows));
        assert.match(f?.message ?? '', /keep it on the device and sync every N steps$/, rows);
      }
    });
  });

  describe('torch-dataset-to-device: what the dataset does per sample', () => {
    const RULE = 'torch-dataset-to-device';
    const dataset = (sample: string) =>
      `import torch\nfrom torch.utils.data import Dataset\n\n\nclass Windows(Dataset):\n    def __init__(self, data, device):\n        self.data = data\n        self.device = device\n\n    def __getitem__(self, i):\n${sample}`;

    it("is a hint on a dataset that slices a tensor in memory (x-transformers' TextSamplerDataset): workers would not help it", async () => {
      const [f] = await findings(RULE, dataset('        return self.data[i : i + 128].long().to(self.device)\n'));
      assert.equal(f?.severity, 'hint');
      assert.match(f.message, /in-memory dataset/);
    });

    it('is a hint on such a dataset defined inside the training function too', async () => {
      const src =
        'import torch\nfrom torch.utils.data import Dataset\n\n\ndef train(data, device):\n    class Windows(Dataset):\n' +
        '        def __getitem__(self, i):\n            return data[i : i + 128].long().to(device)\n\n    return Windows()\n';
      assert.equal((await findings(RULE, src))[0]?.severity, 'hint');
    });

    it('near miss: a dataset that reads a file per sample keeps the warning (it locks the loading into the main process)', async () => {
      const [f] = await findings(RULE, dataset('        img = torch.load(self.data[i])\n        return img.to(self.device)\n'));
      assert.equal(f?.severity, 'warning');
      assert.match(f.message, /DataLoader workers/);
    });
  });

  describe('numpy-as-strided: a read-only view is a hint', () => {
    const RULE = 'numpy-as-strided';
    const call = (extra: string) =>
      `import numpy as np\nfrom numpy.lib.stride_tricks import as_strided\n\n\ndef frame(x, n, writeable=False):\n    return as_strided(x, shape=(x.shape[0] - n + 1, n), strides=(x.strides[0],) * 2${extra})\n`;

    it("is a hint when writeable= is passed (librosa's util.frame passes the caller's choice, False by default)", async () => {
      for (const extra of [', writeable=writeable', ', writeable=False']) assert.equal((await findings(RULE, call(extra)))[0]?.severity, 'hint', extra);
    });

    it('near misses: no writeable= or writeable=True gives a writable view and keeps the warning', async () => {
      // A view kept in a name and written to (one returned to callers is a hint of its own: reviewedDefaults40; one only
      // reduced is a hint too: libraryPrecision46w2).
      const kept = (extra: string) => call(extra).replace('    return as_strided(', '    view = as_strided(') + '    view[0] = 0\n    return view.sum()\n';
      for (const extra of ['', ', writeable=True']) assert.equal((await findings(RULE, kept(extra)))[0]?.severity, 'warning', extra);
    });
  });

  describe('pandas-apply-simple-lambda: string methods on object-dtype columns (fresh review R1-33)', () => {
    const RULE = 'pandas-apply-simple-lambda';
    const frame = 'import pandas as pd\n\ndf = pd.read_csv("x.csv")\n';

    it('is a hint, without a fix for a chain of .str steps (measured slower than the lambda)', async () => {
      const [chain] = await findings(RULE, `${frame}df["day"] = df["day"].apply(lambda x: int(x.split("_")[1]))\n`);
      assert.equal(chain?.severity, 'hint');
      assert.match(chain.message, /no faster|Python loop too/);
      assert.equal(chain.fix, undefined);
      const [strip] = await findings(RULE, `${frame}df["t"] = df["t"].apply(lambda s: s.strip().lower())\n`);
      assert.equal(strip?.severity, 'hint');
      assert.equal(strip.fix, undefined);
      const [upper] = await findings(RULE, `${frame}df["u"] = df["u"].apply(lambda s: s.upper())\n`);
      assert.equal(upper?.severity, 'hint');
      assert.ok(upper.fix, 'one .str step is as fast and handles NaN: still offered');
    });

    it('near misses: arithmetic and .dt fields stay warnings', async () => {
      for (const lambda of ['lambda x: x + 10', 'lambda t: t.month']) {
        const [f] = await findings(RULE, `${frame}df["b"] = df["b"].apply(${lambda})\n`);
        assert.equal(f?.severity, 'warning', lambda);
      }
    });
  });
});
