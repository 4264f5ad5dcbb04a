// torch-tensor-created-then-moved (issue 24, review14's deep-text-recognition-benchmark): how sure each finding is. A
// shape-built tensor moved to the GPU inside a module's forward pass (or a method the forward calls, as a decoder step)
// is shown; once per batch of a loop, in a module method whose callers are elsewhere, or to a device passed in, a hint.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'torch-tensor-created-then-moved';

async function severities(source: string): Promise<string[]> {
  const engine = await getEngine();
  return engine
    .lintText(source, { select: [RULE], filePath: '/proj/pkg/model.py', projectRoot: '/proj', impact: 'all' })
    .findings.filter((f) => f.ruleId === RULE)
    .map((f) => f.severity);
}

const HEADER = `import torch
import torch.nn as nn

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
`;

describe('torch-tensor-created-then-moved: shown or hint', () => {
  it('shows it in forward, and in a helper method another module calls from its forward', async () => {
    const source = `${HEADER}
class Grid(nn.Module):
    def build(self, ctrl):
        return torch.cat((ctrl, torch.zeros(ctrl.size(0), 3, 2).to(device)), dim=1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.grid = Grid()

    def forward(self, x):
        h = torch.zeros(x.size(0), 8).to(device)
        return self.grid.build(x) + h.sum()
`;
    assert.deepEqual(await severities(source), ['info', 'info']);
  });

  it('near misses: once per batch of a loop, a module method the file never calls, a device passed in: hints', async () => {
    const source = `${HEADER}
class Net(nn.Module):
    def init_state(self, batch):
        return torch.zeros(batch, 8).to(device)

    def forward(self, x, dev):
        return x + torch.zeros(x.size(0), 8).to(dev)


def evaluate(model, loader):
    for x, y in loader:
        pad = torch.zeros(x.size(0), 4).to(device)
        model(x.to(device), pad)
`;
    assert.deepEqual(await severities(source), ['hint', 'hint', 'hint']);
  });

  it('near misses: built once in __init__, or only by a method __init__ calls: silent', async () => {
    const source = `${HEADER}
class Net(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.start = torch.zeros(n).to(device)
        self.table = self._table(n)

    def _table(self, n):
        return torch.ones(n, n).to(device)
`;
    assert.deepEqual(await severities(source), []);
  });
});
