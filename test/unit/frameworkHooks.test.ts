// Methods a framework calls once per step, sample, bar or batch (issues 24 + 26): hot for the impact ranking when
// their class derives from the framework's base, never by their name alone.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';
import { releaseFactTrees } from '../helpers/probe';

/** A general rule whose findings are normal in package code: the stand-in for what the ranking decides. */
const LEAK = 'mkdtemp-without-cleanup';
const LEAKS = '        d = tempfile.mkdtemp()\n        self.save(d)\n';

async function impactIn(source: string, filePath = '/proj/pkg/mod.py') {
  const engine = await getEngine();
  const findings = engine.lintText(source, { select: [LEAK], filePath, impact: 'auto', keepHints: true }).findings.filter((f) => f.ruleId === LEAK);
  assert.equal(findings.length, 1, source);
  return findings[0].impact;
}

/** A class with `bases` whose `method` leaks a temporary directory. */
function classWith(imports: string, bases: string, method: string, params = 'self, x'): string {
  return `import tempfile\n${imports}\n\nclass Thing(${bases}):\n    def ${method}(${params}):\n${LEAKS}`;
}

describe('framework hooks: methods a framework runs once per step', () => {
  after(releaseFactTrees);

  const positives: [string, string, string, string][] = [
    ['import gymnasium as gym', 'gym.Env', 'step', 'in `Thing.step`, which an RL agent calls once per environment step'],
    ['import gym', 'gym.Wrapper', 'step', 'in `Thing.step`, which an RL agent calls once per environment step'],
    ['from torch.utils.data import Dataset', 'Dataset', '__getitem__', 'in `Thing.__getitem__`, which a DataLoader calls once per sample'],
    ['from tensorflow import keras', 'keras.utils.Sequence', '__getitem__', 'in `Thing.__getitem__`, which Keras calls once per batch'],
    ['import tensorflow as tf', 'tf.keras.callbacks.Callback', 'on_train_batch_end', 'in `Thing.on_train_batch_end`, which Keras calls once per batch'],
    ['import pytorch_lightning as pl', 'pl.LightningModule', 'training_step', 'in `Thing.training_step`, which Lightning calls once per batch'],
    ['import backtrader as bt', 'bt.Strategy', 'next', 'in `Thing.next`, which backtrader calls once per bar'],
    ['from backtesting import Strategy', 'Strategy', 'next', 'in `Thing.next`, which backtesting.py calls once per bar'],
    [
      'from stable_baselines3.common.callbacks import BaseCallback',
      'BaseCallback',
      '_on_step',
      'in `Thing._on_step`, which stable-baselines3 calls once per environment step',
    ],
  ];

  it('ranks the per-step hook of a framework subclass high, naming the framework and its step', async () => {
    for (const [imports, bases, method, reason] of positives) {
      const impact = await impactIn(classWith(imports, bases, method));
      assert.deepEqual(impact, { level: 'high', reasons: [reason] }, `${bases}.${method}`);
    }
  });

  it('follows the base through a class of the same file', async () => {
    const src = `import tempfile\nimport gymnasium\n\nclass Base(gymnasium.Env):\n    pass\n\nclass Trading(Base):\n    def step(self, action):\n${LEAKS}`;
    assert.deepEqual(await impactIn(src), { level: 'high', reasons: ['in `Trading.step`, which an RL agent calls once per environment step'] });
  });

  it('leaves the once-run methods of the same classes, and same-named methods of other classes, as they were', async () => {
    const nearMisses: [string, string, string][] = [
      ['import gymnasium as gym', 'gym.Env', '__init__'],
      ['import gymnasium as gym', 'gym.Env', 'reset'],
      ['import gymnasium as gym', 'gym.Env', 'render'],
      ['import pytorch_lightning as pl', 'pl.LightningModule', 'setup'],
      ['import pytorch_lightning as pl', 'pl.LightningModule', 'configure_optimizers'],
      ['import tensorflow as tf', 'tf.keras.callbacks.Callback', 'on_epoch_end'],
      ['from torch.utils.data import Dataset', 'Dataset', '__len__'],
      ['import backtrader as bt', 'bt.Strategy', 'stop'],
      // The hook names on a class with no framework base, or a base of another framework.
      ['', 'object', 'step'],
      ['from mylib import Env', 'Env', 'step'],
      ['', '', 'forward'],
      ['import backtrader as bt', 'bt.Strategy', 'forward'],
      ['from torch import nn', 'nn.Module', 'step'],
      // Left to the PyTorch rules, which rank a forward pass themselves; and bt's per-date algos, whose loops run over one date's rows.
      ['from torch import nn', 'nn.Module', 'forward'],
      ['import pytorch_lightning as pl', 'pl.LightningModule', 'forward'],
      ['import bt', 'bt.Algo', '__call__'],
      // `bt` bound to backtrader: not pmorissette's bt, whose Algo runs `__call__` per date.
      ['import backtrader as bt', 'bt.Algo', '__call__'],
    ];
    for (const [imports, bases, method] of nearMisses) {
      const impact = await impactIn(classWith(imports, bases, method));
      assert.equal(impact?.level, 'normal', `${bases}.${method}`);
    }
  });

  it('a function nested in a hook is not the hook: it may run once or never', async () => {
    const src = `import tempfile\nimport gymnasium as gym\n\nclass Thing(gym.Env):\n    def step(self, action):\n        def later():\n            d = tempfile.mkdtemp()\n            self.save(d)\n        return later\n`;
    assert.equal((await impactIn(src))?.level, 'normal');
  });

  it("keeps a reason the ranking already gives: a hook's loop over data, a test file", async () => {
    const inLoop = `import tempfile\nimport gymnasium as gym\n\nclass Net(gym.Env):\n    def step(self, rows):\n        for row in rows:\n            d = tempfile.mkdtemp()\n            row.save(d)\n`;
    const impact = await impactIn(inLoop);
    assert.equal(impact?.level, 'high');
    assert.ok(!impact!.reasons.some((r) => r.includes('calls once per')), impact!.reasons.join('; '));
    assert.equal((await impactIn(classWith('import gymnasium as gym', 'gym.Env', 'step'), '/proj/tests/test_env.py'))?.level, 'low');
  });

  it("zipline's handle_data in an algorithm file runs per bar; the same name without zipline, or nested, does not", async () => {
    const algo = (imports: string, params = 'context, data') =>
      `import tempfile\n${imports}\n\ndef handle_data(${params}):\n    d = tempfile.mkdtemp()\n    context.save(d)\n`;
    assert.deepEqual(await impactIn(algo('from zipline.api import order, symbol')), {
      level: 'high',
      reasons: ['in `handle_data`, which zipline calls once per bar'],
    });
    assert.equal((await impactIn(algo('import pandas as pd')))?.level, 'normal');
    assert.equal((await impactIn(algo('from zipline.api import order', 'context')))?.level, 'normal');
    const initialize = `import tempfile\nfrom zipline.api import order\n\ndef initialize(context, data):\n    d = tempfile.mkdtemp()\n    context.save(d)\n`;
    assert.equal((await impactIn(initialize))?.level, 'normal');
  });
});
