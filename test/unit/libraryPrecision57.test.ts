// Round 57 (issue 24): library rules whose findings blind reviews of review27-review32 judged noise, with no useful one,
// stay silent unless asked for.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const LOOP = `import torch
from torch import nn
from torch.utils.data import DataLoader

device = torch.device("cuda")


def train(model, ds, optimizer):
    model = nn.DataParallel(model)
    loader = DataLoader(ds, batch_size=64, num_workers=4, pin_memory=True)
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        loss = model(x, y)
        loss.backward()
        optimizer.step()
`;

describe('opt-in library rules (round 57)', () => {
  for (const rule of ['torch-to-device-blocking', 'torch-dataparallel']) {
    it(`${rule} is off by default`, async () => {
      const engine = await getEngine();
      const ids = (options: object) =>
        engine.lintText(LOOP, { filePath: '/proj/pkg/train.py', impact: 'all', preview: true, ...options }).findings.map((f) => f.ruleId);
      assert.ok(!ids({}).includes(rule));
      // Near miss: asked for by name, it still flags the same code.
      assert.ok(ids({ select: [rule] }).includes(rule));
    });
  }
});

describe('torch-cuda-amp-deprecated in a notebook (round 57)', () => {
  const cell = 'import torch\n\nscaler = torch.cuda.amp.GradScaler()\n';
  it('is silent in a notebook, reported in the same code as a module', async () => {
    const engine = await getEngine();
    const ids = (filePath: string) =>
      engine.lintText(cell, { filePath, impact: 'all', preview: true, select: ['torch-cuda-amp-deprecated'] }).findings.map((f) => f.ruleId);
    assert.deepEqual(ids('/proj/tutorial.ipynb'), []);
    assert.deepEqual(ids('/proj/pkg/train.py'), ['torch-cuda-amp-deprecated']);
  });
});

describe('pandas-iterrows in a notebook (round 57)', () => {
  const cell =
    'import pandas as pd\n\n\ndef total(df: pd.DataFrame) -> float:\n    out = 0.0\n    for _, row in df.iterrows():\n        out += row["a"] * 2\n    return out\n';
  it('is silent in a notebook, reported in the same code as a module', async () => {
    const engine = await getEngine();
    const ids = (filePath: string) =>
      engine.lintText(cell, { filePath, impact: 'all', preview: true, select: ['pandas-iterrows'] }).findings.map((f) => f.ruleId);
    assert.deepEqual(ids('/proj/analysis.ipynb'), []);
    assert.deepEqual(ids('/proj/pkg/stats.py'), ['pandas-iterrows']);
  });
});
