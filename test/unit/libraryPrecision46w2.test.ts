// Library-rule findings that blind reviews of review14-16 judged noise when shown (issue 24): each case below is left out
// of the default output (impact "auto") or silent, and a near miss beside it keeps its old level.
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';

async function lint(source: string, rule: string, options: LintOptions = { impact: 'auto' }, filePath = '/proj/pkg/model.py'): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { extendSelect: [rule], filePath, ...options }).findings.filter((f) => f.ruleId === rule);
}
const lineOf = (source: string, f: Finding) => source.slice(0, f.start).split('\n').length;

describe('library findings judged noise when shown (review14-16)', () => {
  describe('torch-dataparallel: an opt-in flag that is off by default', () => {
    const source = (flag: string) => `import torch
from torch.nn import DataParallel


class DNNModel:
    def __init__(self, net, lr=0.001, data_parall=${flag}):
        self.data_parall = data_parall
        self.net = net
        if self.data_parall:
            self.net = DataParallel(self.net).to("cuda")
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=lr)

    def fit(self, loader):
        for x, y in loader:
            self.optimizer.zero_grad()
            torch.nn.functional.mse_loss(self.net(x), y).backward()
            self.optimizer.step()
`;
    it('is left out of the default output, kept for a profile as a hint demoted from its warning', async () => {
      assert.deepEqual(await lint(source('False'), 'torch-dataparallel'), []);
      const [f] = await lint(source('False'), 'torch-dataparallel', { impact: 'auto', keepHints: true });
      assert.equal(f?.severity, 'hint');
      assert.equal(f.impact?.demotedFrom, 'warning');
    });
    it('near miss: a flag on by default keeps the warning', async () => {
      const [f] = await lint(source('True'), 'torch-dataparallel');
      assert.equal(f?.severity, 'warning');
    });
    it('near miss: a plain parameter flag defaulting to False is opt-in too, one without a default is not', async () => {
      const plain = (param: string) => `import torch
import torch.nn as nn


def train(model, loader, optimizer, ${param}):
    if multi_gpu:
        model = nn.DataParallel(model)
    for x, y in loader:
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        optimizer.step()
`;
      assert.deepEqual(await lint(plain('multi_gpu=False'), 'torch-dataparallel'), []);
      assert.equal((await lint(plain('multi_gpu'), 'torch-dataparallel'))[0]?.severity, 'warning');
    });
  });

  describe('numpy-as-strided: a local view only ever reduced', () => {
    const source = (use: string) => `import numpy as np


def rolling_max(arr, window):
    n = len(arr)
    result = np.empty(n)
    shape = (n - window + 1, window)
    windows = np.lib.stride_tricks.as_strided(arr, shape=shape, strides=(arr.strides[0], arr.strides[0]))
    ${use}
    return result
`;
    it('np.max(view, axis=1) and view.min(axis=1): a hint, out of the default output', async () => {
      for (const use of ['result[window - 1:] = np.max(windows, axis=1)', 'result[window - 1:] = windows.min(axis=1)']) {
        assert.deepEqual(await lint(source(use), 'numpy-as-strided'), [], use);
        assert.equal((await lint(source(use), 'numpy-as-strided', { impact: 'all' }))[0]?.severity, 'hint', use);
      }
    });
    it('near miss: a view written through, passed on, or reduced into itself keeps the warning', async () => {
      for (const use of [
        'windows[0, 0] = 0.0\n    result[window - 1:] = np.max(windows, axis=1)',
        'result[window - 1:] = np.max(windows, axis=1)\n    fill(windows)',
        'np.max(windows, axis=1, out=windows[:, 0])',
      ]) {
        assert.equal((await lint(source(use), 'numpy-as-strided'))[0]?.severity, 'warning', use);
      }
    });
  });

  describe('pandas-filter-per-key-loop', () => {
    const ledger = (record: string) => `import pandas as pd


class Ledger:
    def __init__(self):
        self.transactions = []

    def commit(self, transaction):
        ${record}

    def as_frame(self):
        df = pd.DataFrame(self.transactions)
        frames = []
        for poid in df.poid.unique():
            frames += [df.loc[df.poid == poid, :]]
        return pd.concat(frames, ignore_index=True, axis=0)

    def reset(self):
        self.transactions = []
`;
    it('a frame of records the object kept one by one: left out of the default output', async () => {
      for (const record of ['self.transactions += [transaction]', 'self.transactions.append(transaction)']) {
        assert.deepEqual(await lint(ledger(record), 'pandas-filter-per-key-loop'), [], record);
        assert.equal((await lint(ledger(record), 'pandas-filter-per-key-loop', { impact: 'all' })).length, 1, record);
      }
    });
    it('near miss: a list the object replaces wholesale is not a log of records, the warning stays', async () => {
      const [f] = await lint(ledger('self.transactions = transaction.rows'), 'pandas-filter-per-key-loop');
      assert.equal(f?.severity, 'warning');
    });
    it('over a given list of keys, the advice says groupby leaves out keys with no rows and how to keep them', async () => {
      const source = `import pandas as pd


def per_pair(pairs, trades: pd.DataFrame):
    out = {}
    for pair in pairs:
        out[pair] = trades[trades["pair"] == pair]["profit"].sum()
    return out
`;
      const [f] = await lint(source, 'pandas-filter-per-key-loop', { impact: 'all' });
      assert.match(f?.message ?? '', /leaves out keys with no rows.*`\.reindex\(pairs\)`/);
      assert.equal(lineOf(source, f), 7);
      // Over the column's own distinct values every key has rows: nothing to reindex.
      const [g] = await lint(ledger('self.transactions += [transaction]'), 'pandas-filter-per-key-loop', { impact: 'all' });
      assert.doesNotMatch(g?.message ?? '', /reindex/);
    });
  });
});
