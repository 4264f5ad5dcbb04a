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

/** The 0-based line of an offset in `source`. */
function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length - 1;
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
        return torch.cat((ctrl, torch.zeros(ctrl.size(0), ctrl.size(1), 2).to(device)), dim=1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.grid = Grid()

    def forward(self, x):
        h = torch.zeros(x.size(0), x.size(1)).to(device)
        return self.grid.build(x) + h.sum()
`;
    assert.deepEqual(await severities(source), ['info', 'info']);
  });

  // Round 72 (review47): shown only when the tensor is plausibly large; literal shapes, one batch-long dimension and a
  // configured count or two are hints (a copy of some kilobytes beside the forward pass).
  for (const [made, severity] of [
    ['torch.zeros((1, 48))', 'hint'],
    ['torch.ones(x.size(0), 1)', 'hint'],
    ['torch.zeros(2 * self.batch_size)', 'hint'],
    ['torch.ones(self.num_heads, self.num_heads)', 'hint'],
    ['torch.eye(self.num_heads)', 'hint'],
    ['torch.zeros(x.size(0), self.n_codes)', 'hint'],
    ['torch.zeros(shape)', 'hint'],
    ['torch.zeros(x.size())', 'info'],
    ['torch.zeros(*x.shape)', 'info'],
    ['torch.zeros(x.shape[:3])', 'info'],
    ['torch.eye(x.size(0))', 'info'],
    ['torch.zeros(n, c, h, w)', 'info'],
    ['torch.empty(self.timestep, x.size(0), self.channels)', 'info'],
    ['torch.empty(x.shape[0], x.shape[1], 7)', 'info'],
  ]) {
    it(`${severity === 'info' ? 'shows' : 'gives a hint for'} \`${made}\` in a forward pass`, async () => {
      const source = `${HEADER}
class Net(nn.Module):
    def forward(self, x, shape):
        n, c, h, w = x.size()
        m = ${made}.to(x.device)
        return x + m
`;
      const found = await findingsOf(source);
      assert.deepEqual(
        found.map((f) => f.severity),
        [severity],
      );
      // An identity of a named size says its size is the square of that name (review68), the others that nothing shows a large tensor.
      if (severity === 'hint')
        assert.match(
          found[0].message,
          made.startsWith('torch.eye') ? /grows with the square of `self\.num_heads`, which the code does not show/ : /does not show a large tensor/,
        );
      assert.match(found[0].message, /allocated in host memory and copied to the GPU with a blocking transfer on every forward pass/);
    });
  }

  // Review64 (SAR's decoder): a state made in the branch of a decoding loop's first pass runs once per forward pass.
  it('says once per forward pass for a tensor made only on the first pass of a loop in forward, every pass otherwise', async () => {
    const source = `${HEADER}
class Decoder(nn.Module):
    def forward(self, hw):
        for t in range(self.seq_len + 1):
            if t == 0:
                hx = torch.zeros(hw.size(0), self.hidden).to(self.device)
            elif t == 1:
                cx = torch.zeros(hw.size(0), self.hidden).to(self.device)
            y = torch.zeros(hw.size(0), self.hidden).to(self.device)
        return hx, cx, y
`;
    const found = await findingsOf(source);
    assert.deepEqual(
      found.map((f) => [lineOf(source, f.start), /on every pass of this loop/.test(f.message), /on every forward pass/.test(f.message)]),
      [
        [9, false, true],
        [11, true, false],
        [12, true, false],
      ],
    );
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

// Review45's recall hunt (issue 24): a random draw of an activation's shape made on the host on every step, and single
// numbers made on the host and moved in a per-step loop, went unreported.
describe('torch-tensor-created-then-moved: an activation-sized random draw made on the host per step', () => {
  it('shows a volume-sized draw in a training step (no fix: the device generator draws other numbers); a hint in a sampling loop', async () => {
    const source = `${HEADER}
def train_one_epoch(model, loader, optimizer, s):
    for img, mask in loader:
        img = img.cuda(non_blocking=True)
        b, c, h, w, z = img.shape
        noisy = img + s * torch.randn(b, c, h, w, z).cuda()
        loss = model(noisy, mask)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def sample(net, args, n_batches):
    for i in range(n_batches):
        with torch.no_grad():
            x = torch.randn(args.batch_size, args.channels, args.size, args.size).to(device)
            net(x)
`;
    const found = await findingsOf(source);
    assert.deepEqual(
      found.map((f) => [lineOf(source, f.start), f.severity]),
      [
        [9, 'info'],
        [19, 'hint'],
      ],
    );
    for (const f of found) {
      assert.match(f.message, /device's generator/);
      assert.equal(f.fix, undefined);
    }
  });

  it('near misses: a small draw, a written size, once before the loop, a few epochs, a generator, device= already: silent', async () => {
    const source = `${HEADER}
def train(model, loader, optimizer, gen, args):
    base = torch.randn(args.batch_size, args.channels, args.size).to(device)
    for epoch in range(3):
        warm = torch.randn(args.batch_size, args.channels, args.size).to(device)
    for x, y in loader:
        flip = torch.rand(x.size(1)).to(device)
        pair = torch.randn(x.size(0), x.size(1)).to(device)
        fixed = torch.randn(2, 3, 4).to(device)
        flow = torch.randn(x.size(0), 2, x.size(2)).to(device)
        offset = torch.randn((x.shape[0], x.shape[1], 1, 1)).to(device)
        splat = torch.randn(x.size(0), x.size(1), x.size(2), **args.rng).to(device)
        seeded = torch.randn(x.size(0), x.size(1), x.size(2), generator=gen).to(device)
        there = torch.randn(x.size(0), x.size(1), x.size(2), device=device)
        loss = model(x.to(device) * flip + pair + fixed + flow + offset + splat + seeded + there + base + warm)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`;
    assert.deepEqual(await findingsOf(source), []);
  });
});

describe('torch-tensor-created-then-moved: a single number made on the host and moved in a per-step loop', () => {
  it('a low-impact hint in a forward loop, a training step, and per member of an ensemble loop', async () => {
    const source = `${HEADER}
class TreeDecoder(nn.Module):
    def forward(self, x, order, dev):
        out = []
        for eid, p in order:
            stop = torch.tensor(1).to(dev) - p
            out.append(x[eid] * stop)
        return out


def search(model, loader, optimizer, dev):
    for x, y in loader:
        cost = torch.tensor(0.0).to(dev)
        loss = model(x.to(dev), y.to(dev)) + cost
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


class Learner:
    def learn_batch(self, batch):
        total = 0
        for z in range(self.ensemble_size):
            z = torch.tensor(z).to(batch.device)
            total = total + self.q(batch, z)
        return total
`;
    const found = await findingsOf(source);
    assert.deepEqual(
      found.map((f) => [lineOf(source, f.start), f.severity, f.impact?.level]),
      [
        [9, 'hint', 'low'],
        [16, 'hint', 'low'],
        [27, 'hint', 'low'],
      ],
    );
    assert.match(found[1].message, /torch\.full\(\(\), 0\.0, device=dev\)/);
    for (const f of found) assert.equal(f.fix, undefined);
  });

  it('near misses: outside any loop, data rather than a number, device= already, a loop of a few items: silent', async () => {
    const source = `${HEADER}
class Head(nn.Module):
    def forward(self, x, dev, values):
        zero = torch.tensor(0.0).to(dev)
        for v in values:
            w = torch.tensor(v).to(dev)
            there = torch.tensor(0.0, device=dev)
            x = x + w + there + zero
        for k in range(3):
            x = x + torch.tensor(k).to(dev)
        return x
`;
    assert.deepEqual(await findingsOf(source), []);
  });
});

describe('torch-tensor-created-then-moved: a file named like a test that is a script', () => {
  const SCRIPT = `import torch


def sample_and_test(net, args, device):
    for i in range(args.n_batches):
        x = torch.randn(args.batch_size, args.channels, args.size, args.size).to(device)
        net(x)


if __name__ == "__main__":
    sample_and_test(None, None, "cuda")
`;

  async function findingsAt(source: string, filePath: string) {
    const engine = await getEngine();
    return engine.lintText(source, { select: [RULE], filePath, projectRoot: '/proj', impact: 'all' }).findings.filter((f) => f.ruleId === RULE);
  }

  it('reports in test_ddgan.py run as a script (a main guard, no test defined), in a function its main block calls', async () => {
    assert.equal((await findingsAt(SCRIPT, '/proj/test_ddgan.py')).length, 1);
  });

  it('near misses: a pytest file (a test_ function, or pytest imported), a unittest case, no main guard: silent', async () => {
    const withTest = `${SCRIPT}\n\ndef test_sample():\n    sample_and_test(None, None, "cpu")\n`;
    const withPytest = `import pytest\n${SCRIPT}`;
    const withCase = `${SCRIPT}\n\nclass TestSample:\n    pass\n`;
    const noGuard = SCRIPT.slice(0, SCRIPT.indexOf('if __name__'));
    for (const source of [withTest, withPytest, withCase, noGuard]) assert.deepEqual(await findingsAt(source, '/proj/test_ddgan.py'), []);
  });
});

describe('torch-tensor-created-then-moved: an identity of a size the code does not show', () => {
  // review68: neural_sp's MBR training builds `torch.eye(self.vocab).to(eouts.device)` for each utterance; the hint said
  // "a copy of a few kilobytes", where an identity has the square of its size in elements.
  const decoder = (size: string) => `${HEADER}
class Decoder(nn.Module):
    def forward(self, eouts, ys):
        grad = eouts.new_zeros(ys.size(0), self.vocab)
        for b in range(ys.size(0)):
            onehot = torch.eye(${size}).to(eouts.device)[ys[b]]
            grad[b] = onehot.sum(0)
        return grad
`;

  it('says the size grows with the square of a size the code does not show', async () => {
    const [found] = await findingsOf(decoder('self.vocab'));
    assert.ok(found, 'reported');
    assert.match(found.message, /a `self\.vocab` x `self\.vocab` identity: its size grows with the square/);
    assert.doesNotMatch(found.message, /few kilobytes/);
  });

  it('keeps the small-copy wording for a literal size', async () => {
    const [found] = await findingsOf(decoder('8'));
    assert.ok(found, 'reported');
    assert.doesNotMatch(found.message, /grows with the square/);
  });
});
