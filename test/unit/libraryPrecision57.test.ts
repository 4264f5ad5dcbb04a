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
