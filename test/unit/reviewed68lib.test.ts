// Round 68 (l68, issue 24): library findings that `--preview` showed and a blind review judged noise (review36-43), each
// with the signal that makes it a hint and near-misses that stay shown.
import * as assert from 'node:assert/strict';
import { assertOneHiddenHint, assertOneShown, libraryFindingsAll as all, libraryFindingsShown as shown } from '../helpers/engine';

describe('numpy-python-loop: a scan per cluster, per centre or per colour of a palette is a hint', () => {
  const RULE = 'numpy-python-loop';
  const perValue = (iter: string) =>
    'import numpy as np\n\n\ndef centres(x: np.ndarray, labels: np.ndarray, k, n_clusters, n_centers, n_groups, palette, colors):\n' +
    `    out = []\n    for c in ${iter}:\n        out.append(x[labels == c].mean(0))\n    return out\n`;
  const painted = (iter: string, target = 'label') =>
    'import numpy as np\n\n\ndef blend(seg: np.ndarray, palette, colors, PALETTE, regions):\n    out = np.zeros((*seg.shape, 3))\n' +
    `    for ${target} in ${iter}:\n        out[seg == label, :] = color\n    return out\n`;

  for (const iter of ['range(k)', 'range(n_clusters)', 'range(self.n_clusters_)', 'range(n_centers)', 'range(self.num_class)']) {
    it(`is a hint over \`${iter}\``, async () => {
      const src = perValue(iter);
      await assertOneHiddenHint(RULE, src);
    });
  }

  for (const [iter, target] of [
    ['enumerate(palette)', 'label, color'],
    ['enumerate(self.PALETTE)', 'label, color'],
    ['zip(range(3), colors)', 'label, color'],
    ['palette.items()', 'label, color'],
  ]) {
    it(`is a hint over \`${iter}\``, async () => {
      const src = painted(iter, target);
      const found = await all(RULE, src);
      assert.equal(found.length, 1, iter);
      assert.equal(found[0].severity, 'hint');
      assert.deepEqual(await shown(RULE, src), []);
    });
  }

  // Round 72 (review47): counts that may grow with the data (regions of a labelling, a table's rows, a mapping of label
  // ids) are hints too, unless the values are provably one per element: the loop walks the scanned array itself.
  for (const iter of ['range(1, n_groups + 1)', 'range(len(x))', 'range(kmax)']) {
    it(`is a hint over \`${iter}\``, async () => {
      await assertOneHiddenHint(RULE, perValue(iter));
    });
  }
  it('is a hint over `enumerate(regions)`, no palette', async () => {
    await assertOneHiddenHint(RULE, painted('enumerate(regions)', 'label, color'));
  });
  for (const iter of ['range(len(labels))', 'range(labels.shape[0])', 'labels']) {
    it(`stays shown over \`${iter}\`: one pass per element of the scanned array`, async () => {
      await assertOneShown(RULE, perValue(iter));
    });
  }
});

describe('torch-tensor-created-then-moved: a vector of one number per batch item is low impact', () => {
  const RULE = 'torch-tensor-created-then-moved';
  const forward = (made: string) =>
    'import torch\nfrom torch import nn\n\n\nclass Flip(nn.Module):\n    def forward(self, x, edge_index):\n' +
    `        logdet = ${made}.to(x.device)\n        return torch.flip(x, [1]), logdet\n`;

  // Round 72 (review47): one dimension, whatever it counts (batch items, a graph's edges, a configured count), is a hint
  // saying the shape does not show a large tensor.
  for (const made of [
    'torch.zeros(x.size(0))',
    'torch.zeros(x.shape[0])',
    'torch.ones((x.shape[0],))',
    'torch.zeros(x.shape[0], dtype=torch.long)',
    'torch.ones(edge_index.shape[1])',
    'torch.zeros(x.size(1))',
    'torch.zeros(self.num_nodes)',
  ]) {
    it(`is a hint for \`${made}\` in a forward pass`, async () => {
      const src = forward(made);
      const found = await all(RULE, src);
      assert.equal(found.length, 1);
      assert.equal(found[0].severity, 'hint');
      assert.match(found[0].message, /does not show a large tensor/);
      assert.deepEqual(await shown(RULE, src), []);
    });
  }

  // Near-misses: a matrix whose two sizes are read from tensors stays shown.
  for (const made of ['torch.zeros(x.size(0), x.size(1))', 'torch.zeros(x.shape[0], edge_index.shape[1])']) {
    it(`stays shown for \`${made}\``, async () => {
      const src = forward(made);
      const found = await shown(RULE, src);
      assert.equal(found.length, 1, JSON.stringify(await all(RULE, src)));
    });
  }
});
