// Methods a framework calls once per item, step or bar of its own loop (issues 24 + 26): an RL environment's `step`,
// a Dataset's `__getitem__`, a backtest strategy's `next`, a Keras or Lightning batch hook. The loop that runs them is
// in the framework, not in the file, so the loop-based hot reasons never see it. A method is such a hook only when its
// class derives from the framework's base (resolved through imports and the file's own classes) and it is one of the
// hooks that base runs per step: a `step` method elsewhere, or the `__init__`/`reset`/`setup` of the same class, which
// run once, are not. zipline's algorithms are module-level functions, so there the file's import of the framework and
// the function's name and parameters decide.
// Left out on purpose: a module's `forward`, which the PyTorch rules already rank themselves (a blind review judged
// the findings it lifted noise: tiny tensors in tutorials, `all([...])` over a few shapes), and bt's `Algo.__call__`,
// where the loops it lifted ran over the few transactions of one date (2 of 3 judged noise).
import type { FileFacts } from './facts';
import { nodeMemo } from './nodeMemo';
import type { Node } from '../syntax/parser';
import { classIndex, inheritedBaseNames } from './classIndex';
import { classOfMethod, parameterNames } from './scopes';
import { values } from './values';

interface Framework {
  /** Who runs the hook, as the reason names it. */
  caller: string;
  /** The hooks the base runs per step, and what a step is. */
  hooks: Readonly<Record<string, string>>;
}

const STEP = 'environment step';
const GYM_ENV: Framework = { caller: 'an RL agent', hooks: { step: STEP } };
const TORCH_DATASET: Framework = { caller: 'a DataLoader', hooks: { __getitem__: 'sample' } };
const KERAS_SEQUENCE: Framework = { caller: 'Keras', hooks: { __getitem__: 'batch' } };
const BATCH_CALLBACK_HOOKS = Object.fromEntries(
  [
    'on_batch_begin',
    'on_batch_end',
    'on_train_batch_begin',
    'on_train_batch_end',
    'on_test_batch_begin',
    'on_test_batch_end',
    'on_predict_batch_begin',
    'on_predict_batch_end',
  ].map((h) => [h, 'batch']),
);
const KERAS_CALLBACK: Framework = { caller: 'Keras', hooks: BATCH_CALLBACK_HOOKS };
const LIGHTNING_MODULE: Framework = {
  caller: 'Lightning',
  hooks: { training_step: 'batch', validation_step: 'batch', test_step: 'batch', predict_step: 'batch' },
};
const LIGHTNING_CALLBACK: Framework = {
  caller: 'Lightning',
  hooks: Object.fromEntries(
    ['on_train_batch_start', 'on_train_batch_end', 'on_validation_batch_start', 'on_validation_batch_end', 'on_test_batch_start', 'on_test_batch_end'].map(
      (h) => [h, 'batch'],
    ),
  ),
};
const BACKTRADER: Framework = { caller: 'backtrader', hooks: { next: 'bar', prenext: 'bar', nextstart: 'bar' } };
const BACKTESTING: Framework = { caller: 'backtesting.py', hooks: { next: 'bar' } };
const SB3_CALLBACK: Framework = { caller: 'stable-baselines3', hooks: { _on_step: STEP } };

function each(names: string[], framework: Framework): [string, Framework][] {
  return names.map((n) => [n, framework]);
}

/** Framework bases by qualified name. */
const BASES: ReadonlyMap<string, Framework> = new Map([
  ...each(
    ['gym.Env', 'gym.core.Env', 'gym.Wrapper', 'gym.core.Wrapper', 'gymnasium.Env', 'gymnasium.core.Env', 'gymnasium.Wrapper', 'gymnasium.core.Wrapper'],
    GYM_ENV,
  ),
  ...each(['torch.utils.data.Dataset', 'torch.utils.data.dataset.Dataset'], TORCH_DATASET),
  ...['keras', 'tensorflow.keras', 'tf_keras'].flatMap((k) => [
    ...each([`${k}.utils.Sequence`, `${k}.utils.PyDataset`, `${k}.utils.data_utils.Sequence`], KERAS_SEQUENCE),
    ...each([`${k}.callbacks.Callback`], KERAS_CALLBACK),
  ]),
  ...each(
    [
      'pytorch_lightning.LightningModule',
      'pytorch_lightning.core.LightningModule',
      'pytorch_lightning.core.lightning.LightningModule',
      'lightning.LightningModule',
      'lightning.pytorch.LightningModule',
      'lightning.pytorch.core.LightningModule',
    ],
    LIGHTNING_MODULE,
  ),
  ...each(
    ['pytorch_lightning.Callback', 'pytorch_lightning.callbacks.Callback', 'lightning.pytorch.Callback', 'lightning.pytorch.callbacks.Callback'],
    LIGHTNING_CALLBACK,
  ),
  ...each(
    [
      'backtrader.Strategy',
      'backtrader.strategy.Strategy',
      'backtrader.SignalStrategy',
      'backtrader.Indicator',
      'backtrader.indicator.Indicator',
      'backtrader.Analyzer',
      'backtrader.analyzer.Analyzer',
      'backtrader.Observer',
    ],
    BACKTRADER,
  ),
  ...each(['backtesting.Strategy', 'backtesting.backtesting.Strategy'], BACKTESTING),
  ...each(['stable_baselines3.common.callbacks.BaseCallback'], SB3_CALLBACK),
]);

/** Every hook name of a framework base. */
const HOOK_NAMES: ReadonlySet<string> = new Set([...BASES.values()].flatMap((f) => Object.keys(f.hooks)));

/** zipline and its forks run an algorithm file's module-level `handle_data(context, data)` per bar. */
const ALGORITHM_MODULES = ['zipline', 'catalyst', 'quantopian', 'pylivetrader'];
const ALGORITHM_HOOKS: Readonly<Record<string, string>> = { handle_data: 'bar', before_trading_start: 'trading day' };

const hookReasons = nodeMemo<string | null>();

/**
 * Why a def runs once per step of a framework's loop, as a hot reason ("in `TradingEnv.step`, which an RL agent calls
 * once per environment step"), or null. Memoised per def.
 */
export function frameworkHookReason(def: Node, facts: FileFacts): string | null {
  return hookReasons(facts, def, () => hookReason(def, facts));
}

function hookReason(def: Node, facts: FileFacts): string | null {
  const name = def.childForFieldName('name')?.text ?? '';
  const cls = classOfMethod(def);
  if (!cls) return algorithmHook(def, name, facts);
  // Most methods are no framework's hook: their class's bases are not worth resolving.
  if (!HOOK_NAMES.has(name)) return null;
  const framework = frameworkOf(cls, facts);
  const unit = framework && Object.hasOwn(framework.hooks, name) ? framework.hooks[name] : null;
  if (!framework || !unit) return null;
  const className = cls.childForFieldName('name')?.text ?? '';
  return `in \`${className}.${name}\`, which ${framework.caller} calls once per ${unit}`;
}

function algorithmHook(def: Node, name: string, facts: FileFacts): string | null {
  if (!Object.hasOwn(ALGORITHM_HOOKS, name) || def.parent?.type !== 'module') return null;
  if (parameterNames(def).length < 2) return null;
  const framework = ALGORITHM_MODULES.find((m) => facts.importsModule(m));
  return framework ? `in \`${name}\`, which ${framework} calls once per ${ALGORITHM_HOOKS[name]}` : null;
}

/** The framework a class derives from: a base named by import, a class of the file deriving from one, or (for a Dataset) a workspace base. */
function frameworkOf(cls: Node, facts: FileFacts): Framework | null {
  const info = classIndex(facts).info(cls);
  if (!info) return null;
  for (const name of inheritedBaseNames(cls, facts)) {
    const known = BASES.get(name);
    if (known) return known;
  }
  // A base imported from the workspace (`from models import BaseNet`): the value layer reads the module defining it.
  if (info.bases.length > 0 && values(facts).classInstance(cls)?.kind === 'dataset') return TORCH_DATASET;
  return null;
}
