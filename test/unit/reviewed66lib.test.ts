// Round 66, issue 24: library findings that the blind review of review42 judged wrong, each with a near miss that keeps
// the finding.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { rmSync } from 'node:fs';
import { getEngine, tempRepository } from '../helpers/engine';

async function lint(rule: string, src: string, filePath = '/proj/pkg/train.py') {
  const engine = await getEngine();
  return engine.lintText(src, { select: [rule], filePath, impact: 'all', keepHints: true }).findings.filter((f) => f.ruleId === rule);
}

// cate's simplify_geometry: object mode on purpose, around a heap written as a plain Python class.
const HEAP = `import numba
import numpy as np


class PointHeap:
    def __init__(self, xs):
        self.items = list(xs)

    def pop(self):
        return self.items.pop()


@numba.jit(forceobj=True)
def simplify(xs, keep):
    heap = PointHeap(xs)
    while len(heap.items) > keep:
        heap.pop()
    return np.array(heap.items)
`;

describe('numba-object-mode: a function that builds an object of a plain class of the file', () => {
  it('does not advise @njit, which cannot build it: a hint to drop the decorator', async () => {
    const [f] = await lint('numba-object-mode', HEAP);
    assert.equal(f?.severity, 'hint');
    assert.match(f!.message, /the Python class `PointHeap`.*drop the decorator/);
  });

  it('still advises @njit when the class is a @jitclass (near miss)', async () => {
    const src = HEAP.replace('class PointHeap:', '@numba.experimental.jitclass([])\nclass PointHeap:');
    const [f] = await lint('numba-object-mode', src);
    assert.equal(f?.severity, 'warning');
    assert.match(f!.message, /use `@njit`/);
  });
});

// nerfacc's examples: a scaled backward, then optimizer.step() without the scaler.
const NERF = `import torch


def train(model, loader):
    grad_scaler = torch.cuda.amp.GradScaler(1)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-2)
    for x, y in loader:
        loss = torch.nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        grad_scaler.scale(loss).backward()
        optimizer.step()
`;

describe('torch-gradscaler-misuse: a scale that changes nothing', () => {
  const lintScaler = (src: string) => lint('torch-gradscaler-misuse', src);

  it('is silent on GradScaler(1): the loss is multiplied by one', async () => {
    assert.deepEqual(await lintScaler(NERF), []);
    assert.deepEqual(await lintScaler(NERF.replace('torch.cuda.amp.GradScaler(1)', 'torch.amp.GradScaler("cuda", init_scale=1.0)')), []);
  });

  it('is silent on a fixed scale with Adam, whose step a constant gradient factor does not change', async () => {
    const src = NERF.replace('GradScaler(1)', 'GradScaler(2**10)').replace(
      'torch.optim.SGD(model.parameters(), lr=1e-2)',
      'torch.optim.Adam(model.parameters(), lr=1e-2, eps=1e-15)',
    );
    assert.deepEqual(await lintScaler(src), []);
  });

  it('still reports a real scale with SGD (near miss)', async () => {
    const [f] = await lintScaler(NERF.replace('GradScaler(1)', 'GradScaler(2**10)'));
    assert.match(f!.message, /still multiplied by `grad_scaler`'s loss scale/);
  });

  it('still reports Adam with weight decay, which is added to the scaled gradient (near miss)', async () => {
    const src = NERF.replace('GradScaler(1)', 'GradScaler(2**10)').replace(
      'torch.optim.SGD(model.parameters(), lr=1e-2)',
      'torch.optim.Adam(model.parameters(), weight_decay=1e-4)',
    );
    assert.equal((await lintScaler(src)).length, 1);
  });

  it('still reports a fixed scale with Adam when gradients are clipped by norm (near miss)', async () => {
    const src = NERF.replace('GradScaler(1)', 'GradScaler(2**10)')
      .replace('torch.optim.SGD(model.parameters(), lr=1e-2)', 'torch.optim.Adam(model.parameters())')
      .replace('        optimizer.step()', '        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)\n        optimizer.step()');
    assert.equal((await lintScaler(src)).length, 1);
  });
});

// OpenNMT-tf: TensorFlow pinned through a computed string, tensorflow-addons capped in install_requires.
const OPENNMT = `import tensorflow as tf


def step(optimizer, model, loss_fn, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
        scaled = optimizer.get_scaled_loss(loss)
    return tape.gradient(scaled, model.trainable_variables)
`;

describe('tf-legacy-loss-scale-api: a project on TensorFlow Addons', () => {
  async function inProject(setup: string) {
    const root = tempRepository({ 'setup.py': setup, 'pkg/__init__.py': '' });
    try {
      return await lint('tf-legacy-loss-scale-api', OPENNMT, path.join(root, 'pkg', 'model.py'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  it('is silent where tensorflow-addons is capped: no release of it runs on Keras 3', async () => {
    assert.deepEqual(await inProject('from setuptools import setup\nsetup(name="x", install_requires=["tensorflow-addons>=0.16,<0.22"])\n'), []);
  });

  it('still reports when the project declares another package only (near miss)', async () => {
    assert.equal((await inProject('from setuptools import setup\nsetup(name="x", install_requires=["pyyaml>=5.3,<7"])\n')).length, 1);
  });
});

// ChatGLM-Efficient-Tuning's collator: a loop over the rows of a batch, testing membership in each row.
const ROWS = `import torch


def positions(input_ids, gmask, mask, stop):
    out = []
    ids = torch.as_tensor(input_ids, device="cuda")
    for seq in ids:
        mask_token = gmask if gmask in seq else mask
        out.append(mask_token)
    return out
`;

describe('torch-tensor-python-iteration: `x in row`', () => {
  it('is silent: Tensor.__contains__ tests the whole row at once', async () => {
    assert.deepEqual(await lint('torch-tensor-python-iteration', ROWS), []);
  });

  it('still reports an element tested for membership in a Python list (near miss)', async () => {
    const src = ROWS.replace('for seq in ids:', 'for seq in ids[0]:').replace('gmask if gmask in seq else mask', 'gmask if seq in stop else mask');
    const [f] = await lint('torch-tensor-python-iteration', src);
    assert.match(f!.message, /in the test `seq in stop`/);
  });
});

// archai's DeepSpeed trainer: the micro-batches of one optimizer step, each through backward(), summed and returned.
const MICRO = `import torch


def train_step(engine, data_iter, gradient_accumulation_steps):
    total_loss = 0.0
    for _ in range(gradient_accumulation_steps):
        input_ids = next(data_iter)
        loss = engine(input_ids)[0].mean()
        engine.backward(loss)
        engine.step()
        total_loss += loss
    return total_loss / gradient_accumulation_steps
`;

describe('torch-loss-accumulated-with-graph: the micro-batches of one step', () => {
  it('is silent over range(gradient_accumulation_steps): a few nodes, each graph freed by backward()', async () => {
    assert.deepEqual(await lint('torch-loss-accumulated-with-graph', MICRO), []);
  });

  it('still reports a loop over the training steps (near miss)', async () => {
    const src = MICRO.replace('range(gradient_accumulation_steps)', 'range(num_steps)').replace(
      'gradient_accumulation_steps):',
      'gradient_accumulation_steps, num_steps):',
    );
    assert.equal((await lint('torch-loss-accumulated-with-graph', src)).length, 1);
  });
});
