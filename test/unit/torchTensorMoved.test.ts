// torch-tensor-created-then-moved (issue 24, review14's deep-text-recognition-benchmark): how sure each finding is. A
// shape-built tensor moved to the GPU inside a module's forward pass (or a method the forward calls, as a decoder step)
// is shown; once per batch of a loop, in a module method whose callers are elsewhere, or to a device passed in, a hint.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'torch-tensor-created-then-moved';

/** The rule's findings on `source`, linted as a package module with every impact shown. */
async function findingsOf(source: string) {
  const engine = await getEngine();
  return engine
    .lintText(source, { select: [RULE], filePath: '/proj/pkg/model.py', projectRoot: '/proj', impact: 'all' })
    .findings.filter((f) => f.ruleId === RULE);
}

async function severities(source: string): Promise<string[]> {
  return (await findingsOf(source)).map((f) => f.severity);
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

  it("shows a batch-sized tensor in a module's loss method, run once per training step", async () => {
    const source = `${HEADER}
class FactorNet(nn.Module):
    def loss_function(self, recons, x, z):
        device = x.device
        real = torch.ones(x.size(0), dtype=torch.long).to(device)
        b, d = z.shape
        weights = torch.Tensor(b, b).fill_(1.0 / (b - 1)).to(x.device)
        return (recons - x).pow(2).mean() + real.float().mean() + weights.sum()
`;
    // The batch labels, a vector of some hundred bytes, stay a hint; the batch x batch weights are shown.
    assert.deepEqual(await severities(source), ['hint', 'info']);
  });

  it('near misses in a loss method: a fixed-size tensor, a device handed in, a move to the CPU, another method name', async () => {
    const source = `${HEADER}
class Net(nn.Module):
    def loss(self, pred, label):
        sizes = torch.zeros(self.n_classes).long().to(device)
        return pred.sum() + sizes.sum()

    def compute_loss(self, x, dev):
        return torch.zeros(x.size(0)).to(dev).sum() + torch.zeros(x.size(0)).to("cpu").sum()

    def sample(self, x):
        return torch.ones(x.size(0), 4).to(x.device)
`;
    // The class weights and the sampler stay hints; the device handed in is a hint; the CPU move is no finding.
    assert.deepEqual(await severities(source), ['hint', 'hint', 'hint']);
  });
});

describe('torch-tensor-created-then-moved: a module whose nn.Module base is imported from the workspace', () => {
  it('reads the base in the module the package re-exports it from', async () => {
    const engine = await getEngine();
    const files: Record<string, string> = {
      '/proj/models/__init__.py': 'from .base import *\n',
      '/proj/models/base.py': 'from torch import nn\nclass BaseVAE(nn.Module):\n    pass\n',
      '/proj/models/plain.py': 'class Plain:\n    pass\n',
    };
    const before = engine.files;
    engine.files = { exists: (p) => p in files, fileSize: (p) => (p in files ? files[p].length : null), readText: (p) => files[p] ?? null };
    try {
      const lint = (imported: string, base: string) =>
        engine
          .lintText(
            `import torch\n${imported}\n\nclass Net(${base}):\n    def loss_function(self, x):\n        return torch.ones(x.size(0), x.size(0)).to(x.device)\n`,
            {
              select: [RULE],
              filePath: '/proj/models/net.py',
              projectRoot: '/proj',
              impact: 'all',
            },
          )
          .findings.map((f) => f.severity);
      assert.deepEqual(lint('from models import BaseVAE', 'BaseVAE'), ['info']);
      assert.deepEqual(lint('from models.base import BaseVAE', 'BaseVAE'), ['info']);
      // Near misses: a base that is no nn.Module, a base the file cannot find.
      assert.deepEqual(lint('from models.plain import Plain', 'Plain'), []);
      assert.deepEqual(lint('from models import Missing', 'Missing'), []);
    } finally {
      engine.files = before;
    }
  });
});

describe('torch-tensor-created-then-moved: the device it advises', () => {
  const messages = async (source: string) => (await findingsOf(source)).map((f) => f.message);

  it('a `.cuda()` under a condition: the device of the tensor it is sized from, not "cuda" (which would move CPU runs)', async () => {
    const source = `import torch
import torch.nn as nn


class Block(nn.Module):
    def forward(self, x):
        pads = torch.zeros(x.size(0), 4, x.size(2))
        if x.is_cuda:
            pads = pads.cuda()
        return torch.cat([x, pads], dim=1)

    def plain(self, x):
        pads = torch.zeros(x.size(0), 4, x.size(2))
        pads = pads.cuda()
        return torch.cat([x, pads], dim=1)
`;
    const [conditional, unconditional] = await messages(source);
    assert.match(conditional, /create it there with `device=x\.device`/);
    assert.match(unconditional, /create it there with `device="cuda"`/);
  });
});
