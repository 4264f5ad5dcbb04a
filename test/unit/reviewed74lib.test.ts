// Round 74 (issue 24): library findings the blind reviewers of held-out review50 judged wrong or not worth a change,
// where the code says why.
import * as assert from 'node:assert/strict';
import { libraryFindingsAll } from '../helpers/engine';

describe("pandas-iterrows: another library's iterrows (review50 A008)", () => {
  const RULE = 'pandas-iterrows';

  it("is silent on rows read without unpacking pairs in a file that does not import pandas (PyTables' Table.iterrows)", async () => {
    // ctapipe's HDF5 event source keeps one PyTables row iterator per telescope table.
    const source =
      'import tables\n\n\nclass Source:\n    def readers(self):\n        return {\n' +
      '            t.name: self.file_.root.images[t.name].iterrows()\n            for t in self.file_.root.images\n        }\n';
    assert.deepEqual(await libraryFindingsAll(RULE, source), []);
    const stored = 'def rows(table):\n    it = table.iterrows()\n    return next(it)\n';
    assert.deepEqual(await libraryFindingsAll(RULE, stored), []);
  });

  it('still reports a pair-unpacking loop in a helper handed a frame, and any iterrows where pandas is imported', async () => {
    const helper = 'def total(df):\n    out = 0\n    for _, row in df.iterrows():\n        out += row["a"] * row["b"]\n    return out\n';
    assert.equal((await libraryFindingsAll(RULE, helper)).length, 1);
    const stored = 'import pandas as pd\n\n\ndef rows(path):\n    df = pd.read_csv(path)\n    it = df.iterrows()\n    return next(it)\n';
    assert.equal((await libraryFindingsAll(RULE, stored)).length, 1);
  });
});

describe('torch-eval-without-no-grad: gradient decisions the file makes elsewhere (review50)', () => {
  const RULE = 'torch-eval-without-no-grad';

  it("is silent on an evaluation whose callers' callers run under no_grad (PointRCNN's eval_rcnn.py, B021-B023)", async () => {
    const source = (main: string) =>
      'import torch\n\n\ndef eval_one_epoch_rpn(model, dataloader):\n    model.eval()\n    outs = []\n    for data in dataloader:\n' +
      '        outs.append(model(data))\n    return outs\n\n\ndef eval_one_epoch(model, dataloader):\n    return eval_one_epoch_rpn(model, dataloader)\n\n\n' +
      `def eval_single_ckpt(model, loader):\n    eval_one_epoch(model, loader)\n\n\nif __name__ == "__main__":\n${main}`;
    assert.deepEqual(await libraryFindingsAll(RULE, source('    with torch.no_grad():\n        eval_single_ckpt(net, loader)\n')), []);
    // Nothing up the chain decides: still reported.
    assert.equal((await libraryFindingsAll(RULE, source('    eval_single_ckpt(net, loader)\n'))).length, 1);
  });

  it('is silent on a REINFORCE action picker that keeps the log-probability for the update (B033-B035)', async () => {
    const source = (keep: string) =>
      'import torch\nfrom torch import nn\nfrom torch.distributions import Categorical\n\n\nclass Policy(nn.Module):\n' +
      '    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 2)\n        self.saved_log_probs = []\n\n' +
      '    def forward(self, x):\n        return torch.softmax(self.fc(x), dim=1)\n\n\npolicy = Policy()\n\n\n' +
      `def select_action(state):\n    state = torch.from_numpy(state).float().unsqueeze(0)\n    probs = policy(state)\n    m = Categorical(probs)\n    action = m.sample()\n${keep}    return action.item()\n\n\n` +
      'def main(env):\n    state = env.reset()\n    for t in range(1000):\n        action = select_action(state)\n        state, reward, done, _ = env.step(action)\n';
    assert.deepEqual(await libraryFindingsAll(RULE, source('    policy.saved_log_probs.append(m.log_prob(action))\n')), []);
    assert.equal((await libraryFindingsAll(RULE, source(''))).length, 1);
  });
});

describe('numpy-as-strided: new strides for an array of the same shape (review50 A010)', () => {
  it('is silent on as_strided(a, shape=a.shape, strides=...) and still reports a window over a', async () => {
    const source = (args: string) =>
      `import numpy as np\n\n\ndef restride(ret_ar, strides, w):\n    ret_ar = np.lib.stride_tricks.as_strided(${args})\n    ret_ar[0] = 1\n    return ret_ar\n`;
    // pynbody: "Use as_strided instead of direct stride assignment (deprecated in NumPy 2.4)".
    for (const args of ['ret_ar, shape=ret_ar.shape, strides=strides, subok=True', 'ret_ar, ret_ar.shape, strides']) {
      assert.deepEqual(await libraryFindingsAll('numpy-as-strided', source(args)), [], args);
    }
    assert.equal((await libraryFindingsAll('numpy-as-strided', source('ret_ar, shape=(len(ret_ar) - w + 1, w), strides=strides'))).length, 1);
  });
});
