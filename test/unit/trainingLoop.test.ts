// The shared training-loop notion (server/analysis/trainingLoop.ts).
import * as assert from 'node:assert/strict';
import type { FileFacts } from '../../server/analysis/facts';
import type { Node } from '../../server/syntax/parser';
import {
  enclosingTrainingLoop,
  enclosingTrainStep,
  isDataLoaderExpr,
  isInTrainingLoop,
  isLoggingGuardCondition,
  isOptimizerExpr,
  isTestCode,
  isUnderLoggingGuard,
  trainingLoops,
  trainSteps,
} from '../../server/analysis/trainingLoop';
import { findDescendants } from '../../server/analysis/scopes';
import { factsOf, releaseFactTrees } from '../helpers/probe';

/** The first call whose text starts with `prefix`. */
function call(facts: FileFacts, prefix: string, nth = 0): Node {
  const found = findDescendants(facts.root, (n) => n.type === 'call' && n.text.startsWith(prefix));
  assert.ok(found[nth], `no call starting with ${prefix}`);
  return found[nth];
}

function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}

describe('trainingLoop', () => {
  after(() => releaseFactTrees());

  it('finds the per-step loop, not the epoch loop around it', async () => {
    const facts = await factsOf(`import torch
from torch.utils.data import DataLoader as DL

def fit(model, ds, epochs):
    optimizer = torch.optim.AdamW(model.parameters())
    loader = DL(ds, batch_size=32)
    for epoch in range(epochs):
        total = 0.0
        for i, (x, y) in enumerate(loader):
            loss = model(x).sum()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(total.item())
`);
    const loops = trainingLoops(facts);
    assert.equal(loops.length, 1);
    assert.equal(loops[0].kind, 'train');
    assert.equal(loops[0].framework, 'torch');
    assert.equal(lineOf(loops[0].node), 9);
    assert.equal(loops[0].indexName, 'i');
    assert.deepEqual(loops[0].batchNames, ['x', 'y']);
    assert.equal(loops[0].loader?.text, 'loader');
    assert.ok(isInTrainingLoop(call(facts, 'loss.item'), facts));
    assert.ok(!isInTrainingLoop(call(facts, 'total.item'), facts), 'once per epoch is not per step');
  });

  it('resolves optimizers by constructor and by name, not schedulers', async () => {
    const facts = await factsOf(`import torch
from torch import optim

def run(net, data, sched, env):
    g = optim.SGD(net.parameters(), lr=0.1)
    while True:
        net(data).mean().backward()
        g.step()
        sched.step()
        env.step(0)
`);
    assert.ok(isOptimizerExpr(call(facts, 'g.step').childForFieldName('function')!.childForFieldName('object'), facts));
    assert.ok(!isOptimizerExpr(call(facts, 'sched.step').childForFieldName('function')!.childForFieldName('object'), facts));
    assert.ok(!isOptimizerExpr(call(facts, 'env.step').childForFieldName('function')!.childForFieldName('object'), facts));
    const loops = trainingLoops(facts);
    assert.equal(loops.length, 1);
    assert.equal(loops[0].node.type, 'while_statement');
    assert.deepEqual(
      loops[0].evidence.map((e) => e.text),
      ['net(data).mean().backward()', 'g.step()'],
    );
  });

  it('a scheduler or RL env step alone does not make a training loop', async () => {
    const facts = await factsOf(`import torch

def rollout(env, policy, scheduler):
    for t in range(100):
        obs, reward = env.step(policy(obs))
        scheduler.step()
        print(reward.item())
`);
    assert.equal(trainingLoops(facts).length, 0);
    assert.ok(!isInTrainingLoop(call(facts, 'reward.item'), facts));
  });

  it('a loop that calls a same-file train-step function is a training loop', async () => {
    const facts = await factsOf(`import torch

def train_step(model, opt, x, y):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()

def main(model, opt, loader):
    for step in range(1000):
        x, y = next(loader)
        running = train_step(model, opt, x, y)
`);
    const steps = trainSteps(facts);
    assert.deepEqual(
      steps.map((s) => s.name),
      ['train_step'],
    );
    assert.equal(enclosingTrainStep(call(facts, 'loss.item'), facts)?.name, 'train_step');
    const loops = trainingLoops(facts);
    assert.equal(loops.length, 1);
    assert.equal(loops[0].indexName, 'step');
    assert.ok(loops[0].evidence[0].text.startsWith('train_step('));
  });

  it('an optimizer step with a closure computes the gradients: its function is a step, through optimizer and retry loops', async () => {
    // composer's trainer: `_train_batch` retries on out-of-memory (`while True:` ... `return`), steps each optimizer
    // with a closure that runs the microbatches' forward and backward; the batch loop calls it once per batch.
    const facts = await factsOf(`import torch

class Trainer:
    def _train_batch(self, batch):
        while True:
            try:
                for optimizer in self.optimizers:
                    optimizer.step(closure=lambda: self._forward_backward(batch))
            except RuntimeError:
                continue
            return self.loss

    def _train_loop(self, loader):
        for batch in self.iterate(loader):
            loss = self._train_batch(batch)
            self.logger.log({"loss": loss.cpu().item()})

def lbfgs_fit(model, optimizer, xs):
    for x in xs:
        optimizer.step(lambda: closure(model, x))

def plain_steps(model, optimizers, xs):
    for x in xs:
        model(x).sum().backward()
        for opt in optimizers:
            opt.step()

def not_a_retry(opt, queue):
    while True:
        opt.step()
        if queue.empty():
            break
        log(queue.get())
`);
    assert.deepEqual(
      trainSteps(facts).map((s) => s.name),
      ['_train_batch'],
    );
    const loops = trainingLoops(facts);
    assert.deepEqual(
      loops.map((l) => lineOf(l.node)),
      [14, 19, 23, 29],
      'the batch loops, the LBFGS loop and the non-retry while loop; not the loops over optimizers or the retry loop',
    );
    assert.ok(isInTrainingLoop(call(facts, 'loss.cpu'), facts));
  });

  it('only gradient-computing, step-like functions are train steps; tests are not', async () => {
    const facts = await factsOf(`import torch

def _maybe_opt_step(optimizer, found_inf):
    if not found_inf.item():
        optimizer.step()

def test_backward_matches(model, x):
    model(x).sum().backward()
    assert x.grad.cpu() is not None

def compute(model, x):
    model(x).sum().backward()

def update(model, opt, x):
    model(x).sum().backward()
    opt.step()

class TestTrainer:
    def check(self, model, x):
        return x.cpu()

for x in xs:
    compute(model, x)
`);
    assert.deepEqual(
      trainSteps(facts).map((s) => s.name),
      ['compute', 'update'],
    );
    assert.equal(enclosingTrainStep(call(facts, 'found_inf.item'), facts), null, 'an optimizer step alone is not a train step');
    assert.equal(enclosingTrainStep(call(facts, 'x.grad.cpu'), facts), null, 'a test is not a train step');
    assert.ok(isTestCode(call(facts, 'x.grad.cpu')));
    assert.ok(isTestCode(call(facts, 'x.cpu()')));
    assert.ok(!isTestCode(call(facts, 'opt.step')));
  });

  it('an evaluation step named test_step or test_epoch, or a train_test function, is not test code; test_accuracy is', async () => {
    const facts = await factsOf(`import torch

def test_step(model, loader):
    return [model(x).argmax(1).sum().item() for x in loader]

def test_epoch(model, loader):
    return [model(x).cpu() for x in loader]

def test_accuracy(model, x):
    assert model(x).max().item() <= 1

def train_test(model, loader):
    return [model(x).mean().item() for x in loader]

def _run_test(model, x):
    return model(x).min().item()
`);
    assert.ok(!isTestCode(call(facts, 'model(x).argmax(1).sum().item')));
    assert.ok(!isTestCode(call(facts, 'model(x).cpu')));
    assert.ok(isTestCode(call(facts, 'model(x).max().item')));
    assert.ok(!isTestCode(call(facts, 'model(x).mean().item')), 'train_test trains, then tests');
    assert.ok(isTestCode(call(facts, 'model(x).min().item')), 'a helper named _run_test stays test code');
  });

  it('a DataLoader loop calling the model is a forward loop', async () => {
    const facts = await factsOf(`import torch
from torch.utils import data

@torch.no_grad()
def evaluate(model, ds):
    val = data.DataLoader(ds, batch_size=64)
    correct = 0
    for batch in val:
        inputs = batch["x"].cuda()
        out = model(inputs)
        correct += (out.argmax(1) == batch["y"].cuda()).sum()
    return correct
`);
    const loops = trainingLoops(facts);
    assert.equal(loops.length, 1);
    assert.equal(loops[0].kind, 'forward');
    assert.equal(enclosingTrainingLoop(call(facts, 'model('), facts), null, "'train' excludes forward loops");
    assert.equal(enclosingTrainingLoop(call(facts, 'model('), facts, 'any')?.kind, 'forward');
  });

  it('understands TensorFlow GradientTape loops and tf.function train steps', async () => {
    const facts = await factsOf(`import tensorflow as tf

@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss

for x, y in dataset:
    train_step(x, y)

for x, y in dataset:
    with tf.GradientTape() as g:
        l = model(x)
    opt.apply_gradients(zip(g.gradient(l, model.trainable_variables), model.trainable_variables))
`);
    const steps = trainSteps(facts);
    assert.equal(steps.length, 1);
    assert.equal(steps[0].framework, 'tf');
    assert.ok(steps[0].compiled);
    const loops = trainingLoops(facts);
    assert.deepEqual(
      loops.map((l) => [lineOf(l.node), l.kind, l.framework]),
      [
        [11, 'train', 'tf'],
        [14, 'train', 'tf'],
      ],
    );
  });

  it('is silent in files that import neither torch nor tensorflow', async () => {
    const facts = await factsOf(`import numpy as np

def fit(loader, optimizer):
    for x, y in loader:
        loss = x.sum()
        loss.backward()
        optimizer.step()
`);
    assert.equal(trainingLoops(facts).length, 0);
    assert.ok(!isDataLoaderExpr(call(facts, 'x.sum').childForFieldName('function'), facts));
  });

  it('recognises DataLoaders by constructor, alias, assignment and name', async () => {
    const facts = await factsOf(`import torch.utils.data as tud
from mylib import make_loader

class Trainer:
    def setup(self, ds):
        self.batches = tud.DataLoader(ds)
        train_loader = make_loader()
        for b in self.batches: pass
        for b in train_loader: pass
        for b in tud.DataLoader(ds): pass
        for b in make_loader: pass
        for b in self.items: pass
`);
    const rights = findDescendants(facts.root, (n) => n.type === 'for_statement').map((f) => f.childForFieldName('right')!);
    assert.deepEqual(
      rights.map((r) => isDataLoaderExpr(r, facts)),
      [true, true, true, false, false],
    );
  });

  it('builds the index once for a lint and the copies its findings are ranked on, each reader marked as reading the whole file', async () => {
    const facts = await factsOf(`import torch

def fit(model, loader, optimizer):
    for x, y in loader:
        loss = model(x).sum()
        loss.backward()
        optimizer.step()
`);
    const [a, b] = [facts.withOwnReads(), facts.withOwnReads()];
    const loops = trainingLoops(a);
    assert.equal(loops.length, 1);
    assert.equal(trainingLoops(b), loops, 'the second copy reads the index the first built');
    assert.equal(trainingLoops(facts), loops, 'so do the facts they are copies of');
    // Each copy's ranking rests on the whole file (nothing of it is carried across an edit), whichever copy built it.
    assert.ok(a.words.reads.wholeFile && b.words.reads.wholeFile && facts.words.reads.wholeFile);
  });

  it('recognises logging guards', async () => {
    const facts = await factsOf(`import torch

def fit(model, loader, opt, log_every):
    for step, (x, y) in enumerate(loader):
        loss = model(x, y)
        loss.backward()
        opt.step()
        if step % log_every == 0:
            print(loss.item())
        if not step % 10:
            a = loss.item()
        elif step == len(loader) - 1:
            b = loss.item()
        else:
            c = loss.item()
        if rank == 0:
            d = loss.item()
        e = loss.item() if (step + 1) % 50 == 0 else None
        if should_log(step):
            f = loss.item()
        if verbose:
            g = loss.item()
        if t_env - last_log >= log_interval:
            h = loss.item()
        if t_env - last_log >= warmup:
            k = loss.item()
`);
    const loop = trainingLoops(facts)[0].node;
    const guarded = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => isUnderLoggingGuard(call(facts, 'loss.item', i), loop));
    // A step count compared with a period (`>= log_interval`) logs every so often; with another threshold it is not a guard.
    assert.deepEqual(guarded, [true, true, true, false, false, true, true, false, true, false]);
    const cond = findDescendants(facts.root, (n) => n.type === 'if_statement')[0].childForFieldName('condition')!;
    assert.ok(isLoggingGuardCondition(cond));
  });
});
