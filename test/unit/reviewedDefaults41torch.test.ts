// Round 41 (issue 26): the torch rules' default output, from a blind review of 15 more repositories (review8). Each case
// is modelled on findings the reviewers judged noise, wrong or useful-but-hidden, with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';

/** One rule's findings, ranked as the default output ranks them (impact "auto"). */
async function ranked(ruleId: string, source: string, filePath: string, options: LintOptions = {}) {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'auto', keepHints: true, ...options }).findings.filter((f) => f.ruleId === ruleId);
}

const SYNC = 'torch-sync-in-training-loop';
const WORKERS = 'torch-dataloader-num-workers';

/**
 * Round 67 (issue 24): a per-step sync whose number is logged, kept or computed with ranks low (blind reviews of review36-40
 * judged 1 of 27 such findings useful). Near misses now check the finding exists (impact "all"), ranked low as a per-step
 * sync, where the case's own exception leaves it out.
 */
async function perStepLow(source: string, filePath = '/proj/pkg/train.py'): Promise<Finding> {
  const engine = await getEngine();
  const shown = engine.lintText(source, { select: [SYNC], filePath, impact: 'auto', keepHints: true }).findings.filter((x) => x.ruleId === SYNC);
  assert.deepEqual(shown, []);
  const [f] = engine.lintText(source, { select: [SYNC], filePath, impact: 'all' }).findings.filter((x) => x.ruleId === SYNC);
  assert.equal(f?.impact?.level, 'low');
  assert.match(f.impact!.reasons.join(';'), /one wait per step for numbers the step logs/);
  return f;
}

describe('torch-sync-in-training-loop: per-step numbers that are only shown or logged', () => {
  const LOGGED = `import numpy as np
import torch

device = "cuda"


def train(discriminator, loader, opt_d, history):
    for i, (imgs, labels) in enumerate(loader):
        imgs, labels = imgs.to(device), labels.to(device)
        real_aux = discriminator(imgs)
        d_loss = torch.nn.functional.cross_entropy(real_aux, labels)
        d_loss.backward()
        opt_d.step()
        pred = real_aux.data.cpu().numpy()
        gt = labels.data.cpu().numpy()
        d_acc = np.mean(np.argmax(pred, axis=1) == gt)
        history.append(d_loss.item())
        print("[Batch %d] [acc: %d%%]" % (i, 100 * d_acc))
`;

  // Round 48: the accuracy printed on every step needs its copies by design (review19 judged such hints wrong), so only the
  // loss kept in the history is flagged, a hint beside the print.
  it('several syncs whose values only reach a print and a history are not reported (round 57)', async () => {
    const [f, ...rest] = await ranked(SYNC, LOGGED, '/proj/pkg/train.py');
    assert.equal(rest.length, 0);
    assert.equal(f, undefined);
  });

  it('near miss: one of the values feeds the step (a balance term), so the finding stays (low since round 67)', async () => {
    const src = LOGGED.replace('history.append(d_loss.item())', 'k = 0.5 * d_loss.item()\n        d_loss = d_loss * k');
    const f = await perStepLow(src);
    assert.doesNotMatch(f!.message, /only shown or logged/);
  });

  // Round 47: a value printed on every step needs the host each step, kept after the loop or not (a hint now, with the
  // other numbers the step prints); kept after the loop and not shown, it is still a wait the loop could move.
  it('near miss: a value kept after the loop, not shown on the step, is not only a per-step record', async () => {
    const src = LOGGED.replace('history.append(d_loss.item())', 'last = d_loss.item()') + '    return last\n';
    const [f] = await ranked(SYNC, src, '/proj/pkg/train.py');
    assert.equal(f?.severity, 'warning');
  });

  it('a GAN script printing its losses in one `%` format is not flagged', async () => {
    const src = `import torch

device = "cuda"
for epoch in range(10):
    for i, (imgs, _) in enumerate(loader):
        d_loss = discriminator(imgs.to(device))
        d_loss.backward()
        opt_d.step()
        print("[Epoch %d] [D loss: %f] [G loss: %f]" % (epoch, d_loss.item(), g_loss.item()))
`;
    assert.deepEqual(await ranked(SYNC, src, '/proj/pkg/train.py'), []);
  });

  it('recorded losses beside a whole-tensor copy into NumPy on every step are not reported (round 57)', async () => {
    const src = `import numpy as np
import torch

device = "cuda"


def fit(model, loader, optimizer, X, history):
    for x in loader:
        loss = model(x.to(device)).mean()
        loss.backward()
        optimizer.step()
        history["loss"].append(loss.item())
        scores = model(torch.tensor(X, device=device)).cpu().numpy().ravel()
        model.threshold = np.percentile(scores, 90)
`;
    const [f] = await ranked(SYNC, src, '/proj/pkg/train.py');
    assert.equal(f, undefined);
  });
});

describe('torch-sync-in-training-loop: a file that never moves a tensor to a device', () => {
  const CPU = `import numpy as np
import torch


class SVDD:
    def fit(self, X):
        X_norm = torch.tensor(np.asarray(X), dtype=torch.float32)
        c = torch.zeros(X_norm.shape[1], device=X_norm.device)
        for epoch in range(10):
            for batch_x in self.loader(X_norm):
                loss = torch.mean((self.model_(batch_x) - c) ** 2)
                loss.backward()
                self.optimizer.step()
                self.losses.append(loss.item())
                self.losses.append(loss.item() * 2)
`;

  it('is not reported: the CPU has no queue to wait for (round 57)', async () => {
    const [f] = await ranked(SYNC, CPU, '/proj/pkg/deep_svdd.py');
    assert.equal(f, undefined);
  });

  it('near miss: the same file moving its model to a device keeps the finding (low since round 67)', async () => {
    const src = CPU.replace(
      'X_norm = torch.tensor(np.asarray(X), dtype=torch.float32)',
      'X_norm = torch.tensor(np.asarray(X), dtype=torch.float32).to(self.device)',
    );
    // Round 67: found and ranked low as a per-step sync, not for the CPU (the case's own exception).
    const f = await perStepLow(
      src.replace('self.losses.append(loss.item() * 2)', 'self.scale = loss.item() * 2\n                self.model_.scale(self.scale)'),
      '/proj/pkg/deep_svdd.py',
    );
    assert.doesNotMatch(f.message, /nothing in this file/);
  });
});

describe('torch-dataloader-num-workers: a script that trains on its loader', () => {
  const SCRIPT = `import argparse

import torch
from torchvision import datasets, transforms

parser = argparse.ArgumentParser()
parser.add_argument("--n_cpu", type=int, default=8, help="number of cpu threads to use during batch generation")
opt = parser.parse_args()

dataloader = torch.utils.data.DataLoader(
    datasets.MNIST("data", train=True, download=True, transform=transforms.Compose([transforms.ToTensor()])),
    batch_size=64,
    shuffle=True,
)
optimizer = torch.optim.Adam(model.parameters())
for epoch in range(200):
    for i, (imgs, _) in enumerate(dataloader):
        optimizer.zero_grad()
        loss = model(imgs.cuda())
        loss.backward()
        optimizer.step()
`;

  it('is shown at full severity, naming the training loop and the unused --n_cpu option', async () => {
    const [f] = await ranked(WORKERS, SCRIPT, '/proj/implementations/gan/gan.py');
    assert.equal(f?.severity, 'info');
    assert.equal(f!.impact?.level, 'high');
    assert.match(f!.message, /training loop \(line 17\)/);
    assert.match(f!.message, /defines `--n_cpu` and never reads it: `num_workers=opt\.n_cpu`/);
  });

  it('near miss: an option the script reads elsewhere is not mentioned', async () => {
    const [f] = await ranked(WORKERS, SCRIPT + 'torch.set_num_threads(opt.n_cpu)\n', '/proj/implementations/gan/gan.py');
    assert.equal(f?.severity, 'info');
    assert.doesNotMatch(f!.message, /n_cpu/);
  });

  it('near miss: a loader only read by an evaluation loop stays one-time setup (a hint)', async () => {
    // Images decoded from files (MNIST, held decoded in memory, is not reported at all without a training loop).
    const src = SCRIPT.replace('        optimizer.zero_grad()\n', '')
      .replace('        loss.backward()\n        optimizer.step()\n', '        print(loss)\n')
      .replace('datasets.MNIST("data", train=True, download=True,', 'datasets.ImageFolder("data",');
    const [f] = await ranked(WORKERS, src, '/proj/implementations/gan/gan.py');
    assert.equal(f?.severity, 'hint');
    assert.doesNotMatch(f!.message, /training loop/);
  });

  it('near miss: the same script in an examples folder stays a hint', async () => {
    const [f] = await ranked(WORKERS, SCRIPT, '/proj/examples/gan/gan.py');
    assert.equal(f?.severity, 'hint');
  });
});

describe('list-pop-front: a window capped by a length guard', () => {
  const WINDOW = `import numpy as np

task_performance = []
for epoch in range(200):
    for i, batch in enumerate(loader):
        acc = np.mean(model(batch))
        task_performance.append(acc)
        if len(task_performance) > 100:
            task_performance.pop(0)
        print(np.mean(task_performance))
`;

  it('is a hint that names the cap', async () => {
    const [f] = await ranked('list-pop-front', WINDOW, '/proj/pkg/train.py');
    assert.equal(f?.severity, 'hint');
    assert.match(f!.message, /caps it near 100 items/);
  });

  it('near miss: a cap too large to be a small window, or a list that also grows by extend, keeps the warning', async () => {
    const [big] = await ranked('list-pop-front', WINDOW.replace('> 100', '> 100000'), '/proj/pkg/train.py');
    assert.equal(big?.severity, 'warning');
    const [grows] = await ranked('list-pop-front', WINDOW.replace('task_performance.append(acc)', 'task_performance.extend(acc)'), '/proj/pkg/train.py');
    assert.equal(grows?.severity, 'warning');
  });
});

describe('slots-subclass-missing-slots: a subclass the file never instantiates', () => {
  const SLOTTED = `class _Wrapper:
    __slots__ = ("_obj", "_hash")

    def __init__(self, obj):
        self._obj = obj
        self._hash = id(obj)


class Reference(_Wrapper):
    def deref(self):
        return self._obj
`;

  it('is a hint that says nothing here creates one', async () => {
    const [f] = await ranked('slots-subclass-missing-slots', SLOTTED, '/proj/pkg/object_identity.py');
    assert.equal(f?.severity, 'hint');
    assert.match(f!.message, /this file never creates one/);
  });

  it('near miss: a subclass the file makes keeps the warning', async () => {
    const [f] = await ranked('slots-subclass-missing-slots', SLOTTED + '\n\nrefs = [Reference(x) for x in range(10)]\n', '/proj/pkg/object_identity.py');
    assert.equal(f?.severity, 'warning');
    assert.doesNotMatch(f!.message, /never creates/);
  });
});

describe('torch-sync-in-training-loop: what counts as a record', () => {
  const STEP = (line: string) => `import torch

device = "cuda"


class Trainer:
    def train(self, loader, opt):
        for x in loader:
            out = self.model(x.to(device))
            loss = out.mean()
            loss.backward()
            opt.step()
            self.hist_loss.append(loss.item())
${line}
`;

  it('a value stored in a dict or attribute named as a record is one', async () => {
    const [f] = await ranked(SYNC, STEP('            self.stats["acc"] = out.argmax(-1).float().mean().item()'), '/proj/pkg/train.py');
    assert.equal(f, undefined);
  });

  it('near miss: an attribute named like logits or an accumulation count is an input, not a record (found, low since round 67)', async () => {
    for (const line of ['            self.logits = out.cpu()', '            self.accum_steps = int(out.sum().item())']) {
      await perStepLow(STEP(line));
    }
  });
});
