// Round 98 (issues 24 and 26): findings review74 judged wrong, and what review74's hunt found missing.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { getEngine, messagesInRepository } from '../helpers/engine';

async function findings(source: string, rule: string, filePath = '/tmp/perflens-r98/pkg/module.py') {
  const engine = await getEngine();
  return engine.lintText(source, { select: [rule], filePath, impact: 'all', preview: true }).findings.filter((f) => f.ruleId === rule);
}

describe('numba-prange-without-parallel: pure compiled helpers imported from a module of the package (review74 hunt: thewalrus)', () => {
  const RULE = 'numba-prange-without-parallel';
  const helpers = (body: string) =>
    'import numba\nimport numpy as np\n\n\n@numba.jit(nopython=True, cache=True)\ndef nb_ix(arr, rows, cols):\n    return arr[rows][:, cols]\n\n\n' +
    '@numba.jit(nopython=True, cache=True)\ndef find_kept_edges(j, reps):\n' +
    body;
  const pure =
    '    num = j\n    output = []\n    for base in (np.asarray(reps) + 1)[::-1]:\n        output.append(num % base)\n        num //= base\n    return np.array(output[::-1])\n';
  const kernel =
    'import numba\nimport numpy as np\nfrom ._hafnian import find_kept_edges, nb_ix\n\n\n@numba.jit(nopython=True)\ndef numba_tor(O):\n' +
    '    N = O.shape[0] // 2\n    ones = np.ones(N, dtype=np.int8)\n    total = 0.0\n    for j in numba.prange(2**N):\n' +
    '        X_modes = find_kept_edges(j, ones)\n        kept = np.where(X_modes != 0)[0]\n        O_XX = nb_ix(O, kept, kept)\n' +
    '        bottom = np.sqrt(O.dtype.type(np.real(np.linalg.det(np.eye(len(kept)) - O_XX))))\n        total += 1.0 / bottom\n    return total\n';

  it('reports the serial prange when the imported helpers write nothing they are handed', async () => {
    const messages = await messagesInRepository(
      RULE,
      { 'pkg/__init__.py': '', 'pkg/_hafnian.py': helpers(pure), 'pkg/_torontonian.py': kernel },
      'pkg/_torontonian.py',
    );
    assert.equal(messages.length, 1);
    assert.match(messages[0], /`prange` in `numba_tor` runs serially/);
  });

  it('is silent when an imported helper writes into an array it is handed', async () => {
    const writes = '    reps[0] = j\n    return reps\n';
    const messages = await messagesInRepository(
      RULE,
      { 'pkg/__init__.py': '', 'pkg/_hafnian.py': helpers(writes), 'pkg/_torontonian.py': kernel },
      'pkg/_torontonian.py',
    );
    assert.deepEqual(messages, []);
  });

  it('finishes, silent, when two helper modules import each other (a helper module’s own imports count as impure)', async () => {
    const a = 'import numba\nfrom .b import g\n\n\n@numba.njit\ndef f(x):\n    return g(x) + 1\n';
    const b = 'import numba\nfrom .a import f\n\n\n@numba.njit\ndef g(x):\n    return f(x) - 1 if x > 0 else 0\n';
    const k =
      'import numba\nimport numpy as np\nfrom .a import f\n\n\n@numba.njit\ndef kernel(xs):\n    out = np.zeros(len(xs))\n' +
      '    for i in numba.prange(len(xs)):\n        out[i] = f(xs[i])\n    return out\n';
    const messages = await messagesInRepository(RULE, { 'pkg/__init__.py': '', 'pkg/a.py': a, 'pkg/b.py': b, 'pkg/k.py': k }, 'pkg/k.py');
    assert.deepEqual(messages, []);
  });

  it('is silent when the imported helper is not compiled by numba', async () => {
    const plain = helpers(pure).replace(/@numba\.jit\(nopython=True, cache=True\)\ndef find_kept_edges/, 'def find_kept_edges');
    const messages = await messagesInRepository(
      RULE,
      { 'pkg/__init__.py': '', 'pkg/_hafnian.py': plain, 'pkg/_torontonian.py': kernel },
      'pkg/_torontonian.py',
    );
    assert.deepEqual(messages, []);
  });
});

describe('numba-prange-race: an array the prange body also reduces whole (review74: thewalrus loop hafnian)', () => {
  const RULE = 'numba-prange-race';
  const kernel = (update: string) =>
    'import numba\nimport numpy as np\n\n\n@numba.jit(nopython=True, parallel=True)\ndef batch(steps, n):\n    H_batch = np.zeros(n, dtype=np.complex128)\n' +
    '    for j in numba.prange(steps):\n        Hnew = np.zeros(n, dtype=np.complex128)\n        if j % 3 == 0:\n            H_batch[0] += 1.0\n' +
    '        for k in range(n):\n            Hnew[k] += j * k\n' +
    update +
    '    return H_batch\n';

  it('is silent when the body also does `H_batch += Hnew` (numba privatises the array per thread)', async () => {
    assert.equal((await findings(kernel('        H_batch += Hnew\n'), RULE)).length, 0);
  });

  it('still reports the element write when the array is not reduced whole', async () => {
    const [f] = await findings(kernel('        Hnew[0] = 0\n'), RULE);
    assert.ok(f);
    assert.match(f.message, /`H_batch\[0\]` is written by every `prange` iteration/);
  });
});

describe('numpy-python-loop: scatter advice (review74: QuantEcon, dgcnn.pytorch)', () => {
  const RULE = 'numpy-python-loop';

  it('wraps a position source of unknown type in np.asarray (a tuple is read as one index per dimension)', async () => {
    const src =
      'import numpy as np\n\n\nclass BRD:\n    def __init__(self, num_actions, N):\n        self.num_actions = num_actions\n        self.N = N\n\n' +
      '    def _set_action_dist(self, actions):\n        action_dist = np.zeros(self.num_actions)\n        for i in range(self.N):\n' +
      '            action_dist[actions[i]] += 1\n        return action_dist\n';
    const [f] = await findings(src, RULE);
    assert.ok(f);
    assert.match(f.message, /`np\.add\.at\(action_dist, np\.asarray\(actions\[:self\.N\]\), 1\)`/);
  });

  it('runs the advised np.add.at on a tuple of positions and matches the loop', function () {
    // The advice's spelling, checked against the loop with the interpreter that has NumPy.
    const script =
      'import numpy as np\nactions = (0, 2, 2, 1)\nloop = np.zeros(3)\nfor i in range(4):\n    loop[actions[i]] += 1\n' +
      'fast = np.zeros(3)\nnp.add.at(fast, np.asarray(actions[:4]), 1)\nassert (loop == fast).all(), (loop, fast)\n' +
      'try:\n    np.add.at(np.zeros(3), actions[:4], 1)\n    print("tuple ok")\nexcept IndexError:\n    print("tuple raises")\n';
    const run = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
    if (run.error || /No module named/.test(run.stderr)) this.skip();
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'tuple raises');
  });

  it('is silent on a one-hot fill from a DataLoader batch, whose labels may be (B, 1)', async () => {
    const src =
      'import numpy as np\nimport torch\n\n\ndef train(train_loader):\n    for data, label, seg in train_loader:\n' +
      '        label_one_hot = np.zeros((label.shape[0], 16))\n        for idx in range(label.shape[0]):\n            label_one_hot[idx, label[idx]] = 1\n' +
      '        yield torch.from_numpy(label_one_hot)\n';
    assert.equal((await findings(src, RULE)).length, 0);
  });

  it('keeps the one-hot advice for labels the file makes as a 1-D array', async () => {
    const src =
      'import numpy as np\n\n\ndef encode(n):\n    label = np.arange(n) % 16\n    label_one_hot = np.zeros((n, 16))\n' +
      '    for idx in range(n):\n        label_one_hot[idx, label[idx]] = 1\n    return label_one_hot\n';
    const [f] = await findings(src, RULE);
    assert.ok(f);
    assert.match(f.message, /label_one_hot\[np\.arange\(n\), label\[:n\]\] = 1/);
  });

  it('does not advise one isin over every value when only the values passing a test are written', async () => {
    const src =
      'import numpy as np\nimport numpy.ma as ma\n\n\ndef centres(labelled_array, band, num_clusters, threshold):\n    urban = labelled_array.copy()\n' +
      '    for n in range(1, num_clusters + 1):\n        total_pop = ma.sum(ma.masked_where(urban != n, band))\n' +
      '        if total_pop < threshold:\n            urban[urban == n] = 0\n    return urban\n';
    const all = await findings(src, RULE);
    assert.ok(all.length > 0);
    for (const f of all) assert.doesNotMatch(f.message, /isin/);
  });

  it('keeps the isin advice when every value is written', async () => {
    const src =
      'import numpy as np\n\n\ndef drop(labelled_array, rare):\n    urban = np.asarray(labelled_array).copy()\n    for n in rare:\n' +
      '        urban[urban == n] = 0\n    return urban\n';
    const [f] = await findings(src, RULE);
    assert.ok(f);
    assert.match(f.message, /np\.isin\(urban, rare\)/);
  });
});

describe('torch-cuda-amp-deprecated: the old spelling inside a try whose except is the fallback for old torch (review74: RAFT)', () => {
  const RULE = 'torch-cuda-amp-deprecated';

  it('is silent on the alias and on calls of a name imported in such a try', async () => {
    const src =
      'import torch\n\ntry:\n    autocast = torch.cuda.amp.autocast\nexcept:\n    # dummy autocast for PyTorch < 1.6\n    class autocast:\n' +
      '        def __init__(self, enabled):\n            pass\n\ntry:\n    from torch.cuda.amp import GradScaler\nexcept ImportError:\n' +
      '    class GradScaler:\n        def __init__(self, enabled=False):\n            pass\n\n\ndef train(args):\n' +
      '    scaler = GradScaler(enabled=args.mixed_precision)\n    return scaler\n';
    assert.equal((await findings(src, RULE)).length, 0);
  });

  it('still reports a call outside any try', async () => {
    const src = 'import torch\n\n\ndef train(args):\n    scaler = torch.cuda.amp.GradScaler(enabled=args.mixed_precision)\n    return scaler\n';
    assert.equal((await findings(src, RULE)).length, 1);
  });

  it('still reports the old spelling in a try around a whole step that catches Exception (a retry, not a fallback)', async () => {
    const src =
      'import torch\n\n\ndef probe(model, batches):\n    for x in batches:\n        try:\n            with torch.cuda.amp.autocast():\n' +
      '                loss = model(x).sum()\n            loss.backward()\n        except Exception:\n            torch.cuda.empty_cache()\n';
    assert.equal((await findings(src, RULE)).length, 1);
  });

  it('still reports the old spelling in a try whose except only handles a runtime error', async () => {
    const src =
      'import torch\n\n\ndef train(args):\n    try:\n        scaler = torch.cuda.amp.GradScaler(enabled=args.mixed_precision)\n' +
      '    except RuntimeError:\n        scaler = None\n    return scaler\n';
    assert.equal((await findings(src, RULE)).length, 1);
  });
});

describe('tf-legacy-loss-scale-api: a call guarded by `in dir(optimizer)` (review74: tf-keras-vis)', () => {
  const RULE = 'tf-legacy-loss-scale-api';
  const step = (guard: string) =>
    'import tensorflow as tf\n\n\ndef step(optimizer, model, x):\n    with tf.GradientTape() as tape:\n        loss = model(x)\n' + guard + '    return loss\n';

  it('is silent when the branch runs only where the optimizer has the method', async () => {
    const guarded =
      "        if 'get_scaled_loss' in dir(optimizer):\n            loss = optimizer.get_scaled_loss(loss)\n        else:\n            loss = optimizer.scale_loss(loss)\n";
    assert.equal((await findings(step(guarded), RULE)).length, 0);
  });

  it('reports the unguarded call', async () => {
    assert.equal((await findings(step('        loss = optimizer.get_scaled_loss(loss)\n'), RULE)).length, 1);
  });
});

describe('eval-exec-untrusted: text naming an attribute `hasattr` has just confirmed (review74: nmt-keras)', () => {
  const RULE = 'eval-exec-untrusted';
  const model = (guard: string) =>
    'class Model:\n    def __init__(self, params, model_type="Transformer"):\n' +
    guard +
    '\n    def Transformer(self, params):\n        self.params = params\n';

  it('is silent inside `if hasattr(self, model_type):`', async () => {
    const guarded =
      "        if hasattr(self, model_type):\n            eval('self.' + model_type + '(params)')\n        else:\n            raise Exception('not implemented')\n";
    assert.equal((await findings(model(guarded), RULE)).length, 0);
  });

  it('reports the same eval without the check', async () => {
    assert.equal((await findings(model("        eval('self.' + model_type + '(params)')\n"), RULE)).length, 1);
  });

  it('reports it when hasattr checks another name', async () => {
    const other = "        if hasattr(self, 'Transformer'):\n            eval('self.' + model_type + '(params)')\n";
    assert.equal((await findings(model(other), RULE)).length, 1);
  });
});

describe('pandas-groupby-apply-transform: a per-row method minus the group itself (review74 hunt: fpl-prediction)', () => {
  const RULE = 'pandas-groupby-apply-transform';
  const features = (lambda: string) =>
    'import pandas as pd\n\n\ndef player_lag_features(df, features):\n    df_new = df.copy()\n    for feature in features:\n' +
    `        df_new[feature + "_last_all"] = df_new.groupby(["player"])[feature].apply(${lambda})\n    return df_new\n`;

  it('advises the groupby cumsum minus the column', async () => {
    const [f] = await findings(features('lambda x: x.cumsum() - x'), RULE);
    assert.ok(f);
    assert.match(f.message, /df_new\.groupby\(\["player"\]\)\[feature\]\.cumsum\(\) - df_new\[feature\]/);
  });

  it('is silent on a rolling window minus the group, which has no one-call groupby form here', async () => {
    assert.equal((await findings(features('lambda x: x.rolling(min_periods=1, window=3).sum() - x'), RULE)).length, 0);
  });
});

describe('torch-eval-without-no-grad: an evaluation method named test_* and a pass beside a no_grad block (review74 hunt: UniTS)', () => {
  const RULE = 'torch-eval-without-no-grad';
  // The class runs its own test_* method, as UniTS' `test` does for every task: the program's evaluation, not a test case.
  const exp = (firstPass: string, called = true) =>
    'import numpy as np\nimport torch\nimport torch.nn as nn\n\n\nclass Exp_All_Task:\n    def __init__(self, model, device):\n        self.model = model\n        self.device_id = device\n\n' +
    (called ? '    def test(self, loaders):\n        return self.test_anomaly_detection(*loaders)\n\n' : '') +
    '    def test_anomaly_detection(self, train_loader, test_loader):\n        energy = []\n        crit = nn.MSELoss(reduction="none")\n        self.model.eval()\n' +
    firstPass +
    '        for i, (batch_x, batch_y) in enumerate(test_loader):\n            batch_x = batch_x.float().to(self.device_id)\n' +
    '            outputs = self.model(batch_x)\n            energy.append(torch.mean(crit(batch_x, outputs), dim=-1).detach().cpu())\n        return energy\n';
  const graded =
    '        with torch.no_grad():\n            for i, (batch_x, batch_y) in enumerate(train_loader):\n                outputs = self.model(batch_x.float().to(self.device_id))\n' +
    '                energy.append(torch.mean(crit(batch_x, outputs), dim=-1).detach().cpu())\n';

  it('reports the pass that the no_grad block beside it does not cover', async () => {
    const [f] = await findings(exp(graded), RULE);
    assert.ok(f);
    assert.match(f.message, /the `with torch\.no_grad\(\):` on line 18 covers another pass, not this one/);
  });

  it('is silent when nothing calls the test_* method (a test of the class, as before)', async () => {
    assert.equal((await findings(exp(graded, false), RULE)).length, 0);
  });

  it('is silent when the other pass turns recording off with set_grad_enabled, which also covers what follows', async () => {
    const switched = '        torch.set_grad_enabled(False)\n        for batch_x, _ in train_loader:\n            energy.append(self.model(batch_x))\n';
    assert.equal((await findings(exp(switched), RULE)).length, 0);
  });

  it('is silent when the uncovered pass needs gradients', async () => {
    const src = exp(graded).replace(
      '            outputs = self.model(batch_x)\n',
      '            outputs = self.model(batch_x)\n            outputs.sum().backward()\n',
    );
    assert.equal((await findings(src, RULE)).length, 0);
  });
});

describe('pandas-groupby-apply-transform: an apply assigned back to a column breaks on pandas 2 (review74 reviewers: fpl-prediction)', () => {
  const RULE = 'pandas-groupby-apply-transform';
  const src =
    'import pandas as pd\n\n\ndef lag(path):\n    df = pd.read_csv(path)\n    df["pts_before"] = df.groupby("player")["pts"].apply(lambda x: x.cumsum() - x)\n' +
    '    total = df.groupby("player")["pts"].apply(lambda x: x.cumsum())\n    return df, total\n';

  it('says so where the result is assigned to a column of the same frame, in a project that does not cap pandas', async () => {
    const messages = await messagesInRepository(RULE, { 'pkg/features.py': src, 'requirements.txt': 'pandas>=1.3\n' }, 'pkg/features.py');
    assert.equal(messages.length, 2);
    assert.match(messages[0], /from pandas 2\.0 this apply puts the group keys in the result's index, so assigning it to a column of `df` raises TypeError/);
    assert.doesNotMatch(messages[1], /pandas 2\.0/);
  });

  it('leaves it out where the project caps pandas below 2', async () => {
    const messages = await messagesInRepository(RULE, { 'pkg/features.py': src, 'requirements.txt': 'pandas==1.5.3\n' }, 'pkg/features.py');
    assert.equal(messages.length, 2);
    for (const m of messages) assert.doesNotMatch(m, /pandas 2\.0/);
  });

  it('checks the claim against the pandas on this machine', function () {
    const script =
      'import pandas as pd\ndf = pd.DataFrame({"k": [1, 1, 2], "v": [1.0, 2.0, 3.0]})\nr = df.groupby("k")["v"].apply(lambda x: x.cumsum() - x)\n' +
      'major = int(pd.__version__.split(".")[0])\ntry:\n    df["x"] = r\n    print("assigned", major)\nexcept TypeError:\n    print("raised", major)\n';
    const run = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
    if (run.error || /No module named/.test(run.stderr)) this.skip();
    const [what, major] = run.stdout.trim().split(' ');
    // pandas 1.x (Debian's) still assigns; pandas 2 and later raise, as the message says.
    assert.equal(what, Number(major) >= 2 ? 'raised' : 'assigned');
  });
});
