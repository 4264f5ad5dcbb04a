// Round 97 (issues 24 and 26): findings review73 judged wrong, and what review73's hunt found missing.
import * as assert from 'node:assert/strict';
import { getEngine, messagesInRepository } from '../helpers/engine';

async function findings(source: string, rule: string, filePath = '/tmp/perflens-r97/pkg/module.py') {
  const engine = await getEngine();
  return engine.lintText(source, { select: [rule], filePath, impact: 'all', preview: true }).findings.filter((f) => f.ruleId === rule);
}

describe('pandas-apply-simple-lambda: a column parsed by to_datetime in a block around the apply (review73 hunt: ProbTS)', () => {
  const RULE = 'pandas-apply-simple-lambda';
  const loader = (parse: string) =>
    'import pandas as pd\n\n\ndef load(path, multivariate, timeenc):\n    df_raw = read_any(path)\n    if multivariate:\n' +
    "        df_stamp = df_raw[['date']]\n" +
    parse +
    '        if timeenc == 0:\n' +
    "            df_stamp['month'] = df_stamp.date.apply(lambda row: row.month, 1)\n" +
    "            return df_stamp.drop(labels='date', axis=1).values\n    return None\n";

  it('reports the per-element month when the same block parsed the column first', async () => {
    const [f] = await findings(loader("        df_stamp['date'] = pd.to_datetime(df_stamp.date)\n"), RULE);
    assert.ok(f);
    assert.match(f.message, /`df_stamp\.date\.dt\.month`/);
  });

  it('is silent when the parse sits in another branch, which need not have run', async () => {
    const other = loader('').replace(
      '    if multivariate:\n',
      "    if timeenc == 2:\n        df_raw['date'] = pd.to_datetime(df_raw.date)\n    if multivariate:\n",
    );
    assert.equal((await findings(other, RULE)).length, 0);
  });
});

describe('torch-eval-without-no-grad: a helper its class calls right after switching the model to eval mode (review73 hunt: wsolevaluation)', () => {
  const RULE = 'torch-eval-without-no-grad';
  const trainer = (caller: string) =>
    'import torch\n\n\nclass Trainer:\n    def __init__(self, model, loaders, optimizer):\n        self.model = model\n        self.loaders = loaders\n' +
    '        self.optimizer = optimizer\n\n    def train(self, loader):\n        self.model.train()\n        for images, targets in loader:\n' +
    '            loss = self.model(images.cuda()).sum()\n            self.optimizer.zero_grad()\n            loss.backward()\n            self.optimizer.step()\n\n' +
    '    def _compute_accuracy(self, loader):\n        correct = 0\n        for images, targets in loader:\n            images = images.cuda()\n' +
    "            pred = self.model(images)['logits'].argmax(dim=1)\n            correct += (pred == targets.cuda()).sum().item()\n        return correct\n\n" +
    caller;

  it('reports the helper', async () => {
    const caller = '    def evaluate(self, split):\n        self.model.eval()\n        return self._compute_accuracy(loader=self.loaders[split])\n';
    const [f] = await findings(trainer(caller), RULE);
    assert.ok(f);
    assert.match(f.message, /`_compute_accuracy` runs the model on every batch with autograd recording/);
  });

  it('is silent when the caller runs it under torch.no_grad()', async () => {
    const caller =
      '    def evaluate(self, split):\n        self.model.eval()\n        with torch.no_grad():\n' +
      '            return self._compute_accuracy(loader=self.loaders[split])\n';
    assert.equal((await findings(trainer(caller), RULE)).length, 0);
  });

  it('is silent when a caller leaves the model in training mode', async () => {
    const caller =
      '    def evaluate(self, split):\n        self.model.eval()\n        return self._compute_accuracy(loader=self.loaders[split])\n\n' +
      "    def train_accuracy(self):\n        return self._compute_accuracy(loader=self.loaders['train'])\n";
    assert.equal((await findings(trainer(caller), RULE)).length, 0);
  });
});

describe('pandas-filter-per-key-loop: the group in the advised loop is named apart from the key (review73: ehrshot-benchmark)', () => {
  const RULE = 'pandas-filter-per-key-loop';
  const loop = (body: string) =>
    "import pandas as pd\n\n\ndef scores(path, preds):\n    df = pd.read_csv(path)\n    out = []\n    for part in df['metric'].unique().tolist():\n" +
    body +
    '    return out\n';

  it('names the group after what the loop binds the selection to', async () => {
    const [f] = await findings(loop("        df2 = df[df['metric'] == part]\n        out.append(len(df2.merge(preds, on='pid')))\n"), RULE);
    assert.ok(f);
    assert.match(f.message, /`for part, df2 in df\.groupby\('metric'\)`/);
  });

  it('never advises `for part, part in ...`', async () => {
    const [f] = await findings(loop("        out.append(len(df[df['metric'] == part].merge(preds, on='pid')))\n"), RULE);
    assert.ok(f);
    assert.match(f.message, /`for part, group in df\.groupby\('metric'\)`/);
  });
});

describe('numba-prange-race: a scatter through the dof map of elements the project colours (review73: bempp-cl)', () => {
  const RULE = 'numba-prange-race';
  const kernel =
    'import numba\nimport numpy as np\n\n\n@numba.njit(parallel=True)\ndef assemble(test_elements, global_dofs, local, result):\n' +
    '    for i in numba.prange(len(test_elements)):\n        element = test_elements[i]\n        for f in range(3):\n' +
    '            result[\n                global_dofs[element, f],\n            ] += local[i, f]\n';
  const caller = (colours: boolean) =>
    colours
      ? 'from .kernels import assemble\n\n\ndef dense(space, local, result):\n    indices, indexptr = space.get_elements_by_color()\n' +
        '    for c in range(len(indexptr) - 1):\n        assemble(indices[indexptr[c]:indexptr[c + 1]], space.global_dofs, local, result)\n'
      : 'from .kernels import assemble\n\n\ndef dense(space, local, result):\n    assemble(space.elements, space.global_dofs, local, result)\n';

  it('is silent when the project hands the kernel one colour at a time', async () => {
    assert.deepEqual(await messagesInRepository(RULE, { 'pkg/kernels.py': kernel, 'pkg/assembly.py': caller(true) }, 'pkg/kernels.py'), []);
  });

  it('still reports the race elsewhere, with the element written on one line', async () => {
    const messages = await messagesInRepository(RULE, { 'pkg/kernels.py': kernel, 'pkg/assembly.py': caller(false) }, 'pkg/kernels.py');
    assert.deepEqual(messages, [
      '`result[global_dofs[element, f]]` is updated through a data-dependent index inside `prange`: iterations that hit the same element race',
    ]);
  });
});

describe('eval-exec-untrusted: sanitised text and IPython magics (review73: pycma, ElexonDataPortal)', () => {
  const RULE = 'eval-exec-untrusted';

  it("is silent on text that went through the program's own sanitiser", async () => {
    const source =
      'class Params:\n    def __init__(self, N, popsize=None):\n' +
      "        self.lam = eval(safe_str(popsize if popsize else '4 + int(3 * log(N))', {'int': 'int', 'log': 'log', 'N': N}))\n";
    assert.equal((await findings(source, RULE)).length, 0);
  });

  it('is silent on the cell an IPython cell magic runs', async () => {
    const source =
      "from IPython.core.magic import register_cell_magic\n\n\n@register_cell_magic('warn_exceptions')\ndef warn_exceptions(line, cell):\n" +
      '    try:\n        exec(cell)\n    except Exception as e:\n        print(e)\n';
    assert.equal((await findings(source, RULE)).length, 0);
  });

  it('still reports the same parameter without either', async () => {
    const source = 'class Params:\n    def __init__(self, N, popsize=None):\n        self.lam = eval(popsize)\n';
    assert.equal((await findings(source, RULE)).length, 1);
  });
});

describe('cache-impure-function: a cached lookup whose every argument defaults to None (review73: upgini)', () => {
  const RULE = 'cache-impure-function';
  const source = (params: string) =>
    'import requests\nfrom functools import lru_cache\n\n\n@lru_cache\n' +
    `def track_metrics(${params}):\n    ip = client_ip or requests.get("https://api64.ipify.org", timeout=10).text\n    return {"ip": ip}\n`;

  it('is silent: the cache computes the identity once, with optional overrides', async () => {
    assert.equal((await findings(source('client_ip=None, visitor=None'), RULE)).length, 0);
  });

  it('still reports a cached request keyed by a required argument', async () => {
    assert.equal((await findings(source('client_ip, visitor=None'), RULE)).length, 1);
  });
});

describe('numpy-python-loop: accumulating whole arrays, and reducing rows of arrays of unknown rank (review73: TFC-pretraining, openpose-plus)', () => {
  const RULE = 'numpy-python-loop';

  it('is silent where each pass adds an array into an array', async () => {
    const source =
      'import numpy as np\n\n\ndef pairs(pids):\n    pid1, pid2 = np.meshgrid(pids, pids)\n    pid_matrix = pid1 * 1000 + pid2\n' +
      '    interest = np.unique(pid_matrix)\n    counts = np.zeros((len(pids), len(pids)))\n    for pid in interest:\n' +
      '        counts += pid_matrix == pid\n    return counts\n';
    assert.equal((await findings(source, RULE)).length, 0);
  });

  it('still advises the reduction into a number', async () => {
    const source =
      'import numpy as np\n\n\ndef total(values):\n    arr = np.asarray(values)\n    acc = 0.0\n    for v in arr:\n        acc += v * 2\n    return acc\n';
    const [f] = await findings(source, RULE);
    assert.ok(f);
    assert.match(f.message, /`acc \+= np\.sum\(arr \* 2\)`/);
  });

  const rows = (make: string) =>
    `import numpy as np\n\n\ndef peaks(n):\n    conf = ${make}\n    out = []\n    for i in range(len(conf)):\n        out.append(np.max(conf[i]))\n    return out\n`;

  it('flattens each row first when the rank is unknown', async () => {
    const [f] = await findings(rows('np.asarray(load())'), RULE);
    assert.ok(f);
    assert.match(f.message, /`np\.max\(conf\.reshape\(len\(conf\), -1\), axis=1\)`/);
  });

  it('keeps `axis=1` for a matrix', async () => {
    const [f] = await findings(rows('np.zeros((n, 4))'), RULE);
    assert.ok(f);
    assert.match(f.message, /`np\.max\(conf, axis=1\)`/);
  });
});

describe('numpy-python-loop: a scan per value that only tests membership (review73: forest)', () => {
  it('advises np.isin over the visited values', async () => {
    const source =
      'import numpy as np\n\n\ndef select(t1, t2, all_t):\n    unique_t = np.unique(np.concatenate((t1, t2)))\n    index = []\n' +
      '    for j, time in enumerate(all_t):\n        if np.any(unique_t == time):\n            index.append(j)\n    return np.array(index)\n';
    const [f] = await findings(source, 'numpy-python-loop');
    assert.ok(f);
    assert.match(f.message, /`np\.isin\(all_t, unique_t\)` answers that for every value/);
    assert.doesNotMatch(f.message, /bincount/);
  });
});

describe('tf-keras-predict-per-sample: a frame read afresh each pass is not fed back (review73: keras-yolo2)', () => {
  const RULE = 'tf-keras-predict-per-sample';
  const source = (read: string) =>
    'import numpy as np\nfrom keras.models import load_model\n\nmodel = load_model("m.h5")\n\n\ndef video(reader, image, n):\n' +
    `    for i in range(n):\n${read}        batch = np.expand_dims(image / 255.0, 0)\n        netout = model.predict(batch)\n` +
    '        boxes = decode(netout[0])\n        image = draw_boxes(image, boxes)\n        write(image)\n';

  it('does not say the input comes from the last prediction when each pass reads a new frame first', async () => {
    const [f] = await findings(source('        ret, image = reader.read()\n'), RULE);
    assert.ok(f);
    assert.doesNotMatch(f.message, /comes from the last prediction/);
  });

  it('still says so when the drawn frame is what the next pass predicts on', async () => {
    const [f] = await findings(source(''), RULE);
    assert.ok(f);
    assert.match(f.message, /comes from the last prediction/);
  });
});

describe('tf-data-missing-prefetch: a builder whose callers in other files prefetch (review73: TF-TRT)', () => {
  const RULE = 'tf-data-missing-prefetch';
  const builder =
    'import tensorflow as tf\n\n\ndef get_dataset(filename, batch_size):\n    dataset = tf.data.TextLineDataset(filename)\n' +
    '    dataset = dataset.map(parse, num_parallel_calls=tf.data.AUTOTUNE)\n    dataset = dataset.batch(batch_size)\n    return dataset\n';
  const caller = (prefetch: boolean) =>
    'import tensorflow as tf\nfrom dataloading import get_dataset\n\n\ndef run(path):\n    dataset = get_dataset(path, 32)\n' +
    (prefetch ? '    dataset = dataset.prefetch(tf.data.AUTOTUNE)\n' : '') +
    '    for batch in dataset:\n        infer(batch)\n';

  it('is silent when the caller adds the prefetch', async () => {
    assert.deepEqual(await messagesInRepository(RULE, { 'dataloading.py': builder, 'infer.py': caller(true) }, 'dataloading.py'), []);
  });

  it('still gives the hint when no caller does', async () => {
    const messages = await messagesInRepository(RULE, { 'dataloading.py': builder, 'infer.py': caller(false) }, 'dataloading.py');
    assert.equal(messages.length, 1);
    assert.match(messages[0], /returned to callers outside this file/);
  });
});

describe('recursion-without-memoization: an argument indexed as a sequence (review73: interpolation.py)', () => {
  const RULE = 'recursion-without-memoization';
  it('says lru_cache needs it hashable, as a hint', async () => {
    const source =
      'def B0(u, i, x):\n    return 1.0 if u[i] <= x < u[i + 1] else 0.0\n\n\ndef B(p, u, i, x):\n    if p == 0:\n        return B0(u, i, x)\n' +
      '    return ((x - u[i]) / (u[i + p] - u[i])) * B(p - 1, u, i, x) + ((u[i + p + 1] - x) / (u[i + p + 1] - u[i + 1])) * B(p - 1, u, i + 1, x)\n';
    const [f] = await findings(source, RULE);
    assert.ok(f);
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /`u` is indexed as a sequence, and an array or list there makes `lru_cache` raise TypeError/);
  });
});

describe('torch-tensor-created-then-moved: a tensor wrapped in Variable (review73 hunt: GraphRNN, FewRel)', () => {
  const RULE = 'torch-tensor-created-then-moved';
  const source = (wrap: string) =>
    'import torch\nimport torch.nn as nn\nfrom torch.autograd import Variable\n\n\nclass Sampler(nn.Module):\n    def __init__(self, n):\n' +
    '        super().__init__()\n        self.lin = nn.Linear(n, n)\n\n    def forward(self, y):\n' +
    `        thresh = ${wrap}.cuda()\n        return torch.gt(self.lin(y), thresh).float()\n`;

  it('sees through Variable(...), which returns the tensor itself', async () => {
    const [f] = await findings(source('Variable(torch.rand(y.size(0), y.size(1), y.size(2)))'), RULE);
    assert.ok(f);
    assert.match(f.message, /`torch\.rand\(\.\.\.\)` is allocated in host memory/);
  });

  it('leaves a Variable that requires grad alone', async () => {
    assert.equal((await findings(source('Variable(torch.rand(y.size(0), y.size(1), y.size(2)), requires_grad=True)'), RULE)).length, 0);
  });
});
