// Round 43 (issues 24 and 26): the torch rules' findings a blind review of review11 judged noise or wrong, each case
// modelled on them, with the near miss that keeps its rank. bentrevett's pytorch-image-classification is a series of
// numbered tutorial notebooks (`1_mlp.ipynb` ... `4_vgg.ipynb`, `misc/4 - VGG.ipynb`) whose README says "This repo
// contains tutorials": its per-step `loss.item()` findings were judged noise, as in other teaching material.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { teachingMaterial } from '../../server/analysis/impact';
import { NODE_FILES } from '../../server/project/fileProbe';
import { getEngine, tempRepository } from '../helpers/engine';

const SYNC = 'torch-sync-in-training-loop';
const ITERATION = 'torch-tensor-python-iteration';
const WORKERS = 'torch-dataloader-num-workers';
const DATA_PARALLEL = 'torch-dataparallel';

const TUTORIAL_README = '# PyTorch Image Classification\n\nThis repo contains tutorials covering image classification using PyTorch.\n';
const LIBRARY_README =
  '# fastproj\n\nA library for fast training loops.\n\n## Install\n\n`pip install fastproj`, see https://pytorch.org/tutorials/ for PyTorch.\n';

describe('teaching material: numbered notebooks of a project whose README presents tutorials', () => {
  const made: string[] = [];
  after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const repo = (files: Record<string, string>) => {
    const top = tempRepository(files);
    made.push(top);
    return top;
  };

  it('a numbered notebook, at the top or in a folder below the README, is teaching material', () => {
    const top = repo({ 'README.md': TUTORIAL_README, 'misc/placeholder.txt': '' });
    for (const file of ['1_mlp.ipynb', '4_vgg.ipynb', 'misc/4 - VGG.ipynb', 'misc/6 - ResNet - Dogs vs Cats.ipynb', '01-intro.ipynb']) {
      assert.match(teachingMaterial(path.join(top, file), { files: NODE_FILES }) ?? '', /numbered notebook .* of tutorials/, file);
    }
    assert.match(teachingMaterial(path.join(top, '1_mlp.ipynb'), { files: NODE_FILES })!, /as `README\.md` presents them/);
  });

  it('near misses: an unnumbered notebook, a numbered script, a README that only links to a tutorial, no README, no file access', () => {
    const top = repo({ 'README.md': TUTORIAL_README });
    assert.equal(teachingMaterial(path.join(top, 'conv order.ipynb'), { files: NODE_FILES }), null);
    assert.equal(teachingMaterial(path.join(top, '2020_results.ipynb'), { files: NODE_FILES }), null);
    assert.equal(teachingMaterial(path.join(top, '1_train.py'), { files: NODE_FILES }), null);
    const library = repo({ 'README.md': LIBRARY_README });
    assert.equal(teachingMaterial(path.join(library, 'notebooks', '1_benchmark.ipynb'), { files: NODE_FILES }), null);
    const bare = repo({});
    assert.equal(teachingMaterial(path.join(bare, '1_mlp.ipynb'), { files: NODE_FILES }), null);
    assert.equal(teachingMaterial(path.join(top, '1_mlp.ipynb'), {}), null);
  });

  it("torch-sync: the tutorial series' per-step loss.item() drops to low; the same notebook in a library's repository keeps its warning", async () => {
    const engine = await getEngine();
    const source = `import torch

device = torch.device("cuda")


def train(model, iterator, optimizer, criterion):
    epoch_loss = 0
    for x, y in iterator:
        x = x.to(device)
        y = y.to(device)
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    mean_loss = epoch_loss / len(iterator)
    # Computed with, not only recorded: a running total only logged or returned ranks low anywhere (round 65).
    if mean_loss < 0.01:
        print("converged")
    return mean_loss


# A later cell calls it (a def nothing calls is low impact for that reason alone).
history = [train(model, train_iterator, optimizer, criterion) for epoch in range(n_epochs)]
`;
    const lint = (top: string, impact: 'auto' | 'all') =>
      engine.lintText(source, { select: [SYNC], filePath: path.join(top, '1_mlp.ipynb'), impact }).findings.filter((f) => f.ruleId === SYNC);
    const tutorial = repo({ 'README.md': TUTORIAL_README });
    assert.deepEqual(lint(tutorial, 'auto'), []);
    const [low] = lint(tutorial, 'all');
    assert.equal(low?.impact?.level, 'low');
    assert.match(low!.impact!.reasons[0], /numbered notebook .* of tutorials.*pays off only at scale/);
    const library = repo({ 'README.md': LIBRARY_README });
    assert.deepEqual(
      lint(library, 'auto').map((f) => f.severity),
      ['warning'],
    );
  });
});

describe('torch-sync-in-training-loop: running totals summed side by side and returned after the loop', () => {
  const loop = (between: string, returned: string) => `import torch

device = torch.device("cuda")


def train(model, iterator, optimizer, criterion):
    epoch_loss = 0
    epoch_acc = 0
    for x, y in iterator:
        y_pred = model(x.to(device))
        loss = criterion(y_pred, y.to(device))
        acc = (y_pred.argmax(1) == y.to(device)).float().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_acc += acc.item()
${between}        epoch_loss += loss.item()
    ${returned}
`;
  const severities = async (source: string) => {
    const engine = await getEngine();
    return engine
      .lintText(source, { select: [SYNC], filePath: '/proj/train.py', projectRoot: '/proj', impact: 'all' })
      .findings.filter((f) => f.ruleId === SYNC)
      .map((f) => f.severity);
  };

  it('are one stall a step, as one such total is: not reported (round 57)', async () => {
    assert.deepEqual(await severities(loop('', 'return epoch_loss / len(iterator), epoch_acc / len(iterator)')), []);
  });

  it('near misses: GPU work queued between the two syncs, or a total the function does not return, keep the warning', async () => {
    assert.deepEqual(await severities(loop('        model.ema_update()\n', 'return epoch_loss / len(iterator), epoch_acc / len(iterator)')), ['warning']);
    assert.deepEqual(await severities(loop('', 'print(epoch_acc)\n    return epoch_loss / len(iterator)')), ['warning']);
  });
});

describe('torch-tensor-python-iteration: tensors a function of the file returns on the host', () => {
  // pytorch-image-classification's get_predictions: each batch's labels and outputs are copied to the host and joined.
  const source = (kept: string) => `import torch
import torch.nn.functional as F


def get_predictions(model, iterator, device):
    images = []
    labels = []
    probs = []
    with torch.no_grad():
        for x, y in iterator:
            y_pred = model(x.to(device))
            y_prob = F.softmax(y_pred, dim=-1)
            images.append(x.cpu())
            labels.append(${kept})
            probs.append(y_prob.cpu())
    images = torch.cat(images, dim=0)
    labels = torch.cat(labels, dim=0)
    probs = torch.cat(probs, dim=0)
    return images, labels, probs


def most_incorrect(model, test_iterator, device):
    images, labels, probs = get_predictions(model, test_iterator, device)
    pred_labels = torch.argmax(probs, 1)
    corrects = torch.eq(labels, pred_labels)
    incorrect = []
    for image, label, prob, correct in zip(images, labels, probs, corrects):
        if not correct:
            incorrect.append((image, label, prob))
    return incorrect
`;
  const found = async (src: string) => {
    const engine = await getEngine();
    return engine
      .lintText(src, { select: [ITERATION], filePath: '/proj/evaluate.py', projectRoot: '/proj', impact: 'all' })
      .findings.filter((f) => f.ruleId === ITERATION)
      .map((f) => [f.severity, /a call into torch each time/.test(f.message)]);
  };

  it('are known to be on the host: the walk is a hint with no device wait in its message', async () => {
    assert.deepEqual(await found(source('y.cpu()')), [['hint', true]]);
  });

  it('near miss: one list keeps the batch as the loader gave it (placement unknown), so the walk keeps its rank', async () => {
    assert.deepEqual(await found(source('y.to(device)')), [['info', false]]);
  });
});

describe('torch-tensor-python-iteration: a loop at the top level of a notebook cell', () => {
  const topLevel = `import torch

corrects = torch.eq(model(images.to("cuda")).argmax(1), labels.to("cuda"))
incorrect = []
for i, correct in enumerate(corrects):
    if not correct:
        incorrect.append(i)
`;
  const inFunction = `import torch


def most_incorrect(model, images, labels):
    corrects = torch.eq(model(images.to("cuda")).argmax(1), labels.to("cuda"))
    incorrect = []
    for i, correct in enumerate(corrects):
        if not correct:
            incorrect.append(i)
    return incorrect
`;
  const found = async (src: string, file: string) => {
    const engine = await getEngine();
    return engine
      .lintText(src, { select: [ITERATION], filePath: file, projectRoot: '/proj', impact: 'all' })
      .findings.filter((f) => f.ruleId === ITERATION)
      .map((f) => [f.severity, /runs once, when the cell runs/.test(f.message)]);
  };

  it('runs once, when the cell runs: a hint that says so', async () => {
    assert.deepEqual(await found(topLevel, '/proj/analysis.ipynb'), [['hint', true]]);
  });

  it("near misses: the same loop in a notebook's function, or at a script's top level, keeps its rank", async () => {
    assert.deepEqual(await found(inFunction, '/proj/analysis.ipynb'), [['info', false]]);
    assert.deepEqual(await found(topLevel, '/proj/analysis.py'), [['info', false]]);
  });
});

describe('torch-dataloader-num-workers: a notebook loader read in one or two one-off passes after training', () => {
  const notebook = (evaluation: string) => `import torch
from torch.utils import data
from torchvision import datasets

device = torch.device("cuda")
train_iterator = data.DataLoader(datasets.ImageFolder("train"), shuffle=True, batch_size=128)
test_iterator = data.DataLoader(datasets.ImageFolder("test"), batch_size=128)


def train(model, iterator, optimizer):
    for x, y in iterator:
        loss = model(x.to(device), y.to(device))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


${evaluation}


for epoch in range(5):
    train(model, train_iterator, optimizer)

test_acc = evaluate(model, test_iterator)
`;
  const onePass = `def evaluate(model, iterator):
    correct = 0
    with torch.no_grad():
        for x, y in iterator:
            correct += (model(x.to(device)).argmax(1) == y.to(device)).sum()
    return correct / len(iterator)`;
  const everyEpoch = `def evaluate(model, iterator):
    correct = 0
    for epoch in range(5):
        for x, y in iterator:
            correct += (model(x.to(device)).argmax(1) == y.to(device)).sum()
    return correct`;
  const ranks = async (src: string, file: string) => {
    const engine = await getEngine();
    return engine
      .lintText(src, { select: [WORKERS], filePath: file, projectRoot: '/proj', impact: 'all' })
      .findings.filter((f) => f.ruleId === WORKERS)
      .map((f) => [src.slice(0, f.start).split('\n').length - 1, f.impact?.level === 'low' && /one-off pass \(`evaluate`\)/.test(f.impact.reasons.join(' '))]);
  };

  it('the test loader is low; the train loader, read in the epoch loop, keeps its rank', async () => {
    assert.deepEqual(await ranks(notebook(onePass), '/proj/4_vgg_scratch.ipynb'), [
      [5, false],
      [6, true],
    ]);
  });

  it('near misses: a function that walks it on every epoch, or the same code in a script', async () => {
    assert.deepEqual(await ranks(notebook(everyEpoch), '/proj/4_vgg_scratch.ipynb'), [
      [5, false],
      [6, false],
    ]);
    assert.deepEqual(await ranks(notebook(onePass), '/proj/train_vgg.py'), [
      [5, false],
      [6, false],
    ]);
  });
});

describe('a package projects copy whole, at the top of a project that is not that package, is vendored', () => {
  const made: string[] = [];
  after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  // LPIPS's DistModel, copied into stylegan2-pytorch as lpips/: a training mode with an optimizer, DataParallel on the GPUs.
  const source = `import torch


class DistModel:
    def initialize(self, net, use_gpu=True, is_train=False, gpu_ids=[0]):
        self.net = net
        if is_train:
            self.optimizer_net = torch.optim.Adam(self.net.parameters(), lr=1e-4)
        if use_gpu:
            self.net = torch.nn.DataParallel(self.net, device_ids=gpu_ids)

    def optimize_parameters(self, d0, d1, judge):
        loss = self.net(d0, d1, judge).mean()
        self.optimizer_net.zero_grad()
        loss.backward()
        self.optimizer_net.step()
`;
  const rank = async (files: Record<string, string>, rel: string) => {
    const top = tempRepository(files);
    made.push(top);
    const engine = await getEngine();
    // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
    const [f] = engine.lintText(source, { select: [DATA_PARALLEL], filePath: path.join(top, rel), impact: 'auto', keepHints: true }).findings;
    return f ? [f.severity, f.impact?.reasons[0] ?? ''] : null;
  };

  it("stylegan2-pytorch's lpips/ is a copy: its DataParallel is a hint ranked as vendored code", async () => {
    const [severity, reason] = (await rank({ 'train.py': '' }, 'lpips/dist_model.py'))!;
    assert.equal(severity, 'hint');
    assert.match(reason, /vendored third-party code/);
  });

  it("near misses: LPIPS's own repository, and a top folder of another name, keep the warning", async () => {
    assert.deepEqual((await rank({ 'setup.py': 'setup(name="lpips")\n' }, 'lpips/dist_model.py'))?.[0], 'warning');
    assert.deepEqual((await rank({ 'train.py': '' }, 'perceptual/dist_model.py'))?.[0], 'warning');
  });
});
