// Round 95 (issues 24 and 26): findings review71 judged beside the point, and what its hunt found missing.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function findings(source: string, rule: string, filePath = '/tmp/perflens-r95/pkg/module.py') {
  const engine = await getEngine();
  return engine.lintText(source, { select: [rule], filePath, impact: 'all' }).findings;
}

describe('eval-exec-untrusted: text that spells an attribute around the spliced value (review71: DBNet)', () => {
  it('advises the getattr that finds the attribute', async () => {
    const cases: [string, string][] = [
      ["'self.' + cls_loss + '_loss'", "getattr(self, cls_loss + '_loss')"],
      ["'np.' + name", 'getattr(np, name)'],
    ];
    for (const [text, lookup] of cases) {
      const [f] = await findings(`def pick(self, cls_loss, name):\n    return eval(${text})\n`, 'eval-exec-untrusted');
      assert.ok(f, text);
      assert.equal(f.severity, 'hint', text);
      assert.ok(f.message.includes(`look the attribute up instead: \`${lookup}\``), f.message);
      assert.doesNotMatch(f.message, /literal_eval/, text);
    }
  });

  it('keeps the general lookup advice where an operand would bind looser once joined again', async () => {
    const [f] = await findings("def pick(self, a, b, c):\n    return eval('self.' + (a if c else b))\n", 'eval-exec-untrusted');
    assert.ok(f);
    assert.match(f.message, /look the name up instead/);
    assert.doesNotMatch(f.message, /getattr\(self/);
  });

  it('keeps the parsing advice when the literal parts hold more than a name', async () => {
    for (const text of ["'self.' + expr + ' + 1'", "'[' + expr + ']'", "'self.' + expr + '(x)'"]) {
      const [f] = await findings(`def compute(self, expr):\n    return eval(${text})\n`, 'eval-exec-untrusted');
      assert.ok(f, text);
      assert.doesNotMatch(f.message, /look the attribute up/, text);
    }
  });
});

describe("leftover-breakpoint: a branch's only statement (review71: EnergyPATHWAYS' unit converter)", () => {
  const source = 'import pdb\n\n\ndef convert(df, bad):\n    if bad:\n        pdb.set_trace()\n    else:\n        return df\n';

  it('offers the removal as unsafe and says the case may deserve a raise', async () => {
    const [f] = await findings(source, 'leftover-breakpoint');
    assert.ok(f);
    assert.equal(f.fix?.safety, 'unsafe');
    assert.match(f.message, /only statement: the case it stops on may deserve a `raise`/);
  });

  it('keeps the safe removal where the branch holds other statements', async () => {
    const [f] = await findings(source.replace('pdb.set_trace()\n', 'pdb.set_trace()\n        df = None\n'), 'leftover-breakpoint');
    assert.ok(f);
    assert.equal(f.fix?.safety, 'safe');
    assert.doesNotMatch(f.message, /only statement/);
  });
});

describe('torch-eval-without-no-grad: a callee that settles gradients itself (review71: DyGLib, tdmpc2)', () => {
  const UTILS = [
    'import torch',
    '',
    '',
    'def evaluate_model(model, loader):',
    '    model.eval()',
    '    with torch.no_grad():',
    '        return [model(x) for x in loader]',
    '',
    '',
    'def evaluate_model_open(model, loader):',
    '    model.eval()',
    '    return [model(x) for x in loader]',
    '',
  ].join('\n');
  const AGENT = [
    'import torch',
    '',
    '',
    'class Agent(torch.nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.net = torch.nn.Linear(4, 2)',
    '',
    '    @torch.no_grad()',
    '    def act(self, obs):',
    '        return self.net(torch.as_tensor(obs)).argmax().item()',
    '',
    '    def act_open(self, obs):',
    '        return self.net(torch.as_tensor(obs)).argmax().item()',
    '',
  ].join('\n');
  const TRAIN = (evaluate: string) =>
    [
      'import torch',
      'from utils import evaluate_model, evaluate_model_open',
      '',
      '',
      'def train(model, loader, val_loader, opt, epochs):',
      '    for epoch in range(epochs):',
      '        for x, y in loader:',
      '            loss = torch.nn.functional.mse_loss(model(x), y)',
      '            opt.zero_grad()',
      '            loss.backward()',
      '            opt.step()',
      `        val = ${evaluate}(model, val_loader)`,
      '        if epoch % 5 == 0:',
      `            test = ${evaluate}(model, val_loader)`,
      '',
    ].join('\n');
  const ROLLOUT = (method: string) =>
    [
      'import torch',
      'from agent import Agent',
      '',
      '',
      'def rollout(env, episodes):',
      '    agent = Agent()',
      '    for _ in range(episodes):',
      '        obs, done = env.reset(), False',
      '        while not done:',
      `            action = agent.${method}(obs)`,
      '            obs, reward, done, info = env.step(action)',
      '',
    ].join('\n');

  async function lines(source: string, file: string) {
    const engine = await getEngine();
    const files: Record<string, string> = { '/proj/utils.py': UTILS, '/proj/agent.py': AGENT, [file]: source };
    const before = engine.files;
    engine.files = { exists: (p) => p in files, fileSize: (p) => (p in files ? files[p].length : null), readText: (p) => files[p] ?? null };
    try {
      return engine
        .lintText(source, { select: ['torch-eval-without-no-grad'], filePath: file, projectRoot: '/proj', impact: 'all', preview: true })
        .findings.map((f) => source.slice(0, f.start).split('\n').length);
    } finally {
      engine.files = before;
    }
  }

  it('is silent on a periodic evaluation whose imported function enters no_grad', async () => {
    assert.deepEqual(await lines(TRAIN('evaluate_model'), '/proj/train.py'), []);
  });

  it('still reports one whose imported function records autograd', async () => {
    assert.deepEqual(await lines(TRAIN('evaluate_model_open'), '/proj/train.py'), [14]);
  });

  it("is silent on an action picked by an imported class's @torch.no_grad() method", async () => {
    assert.deepEqual(await lines(ROLLOUT('act'), '/proj/rollout.py'), []);
  });

  it('still reports the action picked by a method that records autograd', async () => {
    assert.deepEqual(await lines(ROLLOUT('act_open'), '/proj/rollout.py'), [10]);
  });
});

describe('torch-sync-in-training-loop: arrays handed to scikit-learn (review71: GraphMixer)', () => {
  const source = (metric: string) =>
    [
      'import torch',
      'from sklearn.metrics import average_precision_score',
      '',
      '',
      '@torch.no_grad()',
      'def evaluate(model, embeds, labels):',
      '    accs = []',
      '    for x, label in zip(embeds, labels):',
      '        x, label = x.cuda(), label.cuda()',
      '        pred = model(x)',
      `        accs.append(${metric})`,
      '    return sum(accs) / len(accs)',
      '',
      '',
      'def train(model, loader, opt, val_x, val_y):',
      '    model = model.cuda()',
      '    while True:',
      '        for x, y in loader:',
      '            loss = torch.nn.functional.cross_entropy(model(x.cuda()), y.cuda())',
      '            loss.backward()',
      '        opt.step()',
      '        acc = evaluate(model, val_x, val_y)',
      '',
    ].join('\n');

  it('is silent where the copy feeds a scikit-learn metric', async () => {
    assert.deepEqual(await findings(source('average_precision_score(label.cpu(), pred.softmax(dim=1)[:, 1].cpu())'), 'torch-sync-in-training-loop'), []);
  });

  it("still reports the copy handed to a function of the program's own", async () => {
    assert.equal((await findings(source('my_metric(label.cpu(), pred.cpu())'), 'torch-sync-in-training-loop')).length, 1);
  });
});

describe('eval-exec-untrusted: evaluation by design (review71: chempy, Dedalus, tdmpc2)', () => {
  it('is a hint without the parse advice where the docstring warns that the function calls eval', async () => {
    const source = [
      'def to_reaction(line, globals_=None):',
      '    """Parses a string into a Reaction.',
      '',
      '    This function calls :func:`eval`, hence there are severe security concerns',
      '    with running this on untrusted data.',
      '    """',
      '    parts = line.split(";")',
      '    return eval(parts[1], globals_)',
      '',
    ].join('\n');
    const [f] = await findings(source, 'eval-exec-untrusted');
    assert.ok(f);
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /docstring warns that it calls `eval`/);
    assert.doesNotMatch(f.message, /literal_eval/);
  });

  it('is a hint for an expression evaluated over a namespace the program hands it', async () => {
    for (const [args, ns] of [
      ['string, namespace', 'namespace'],
      ["eqn['condition'], self.group_dict", 'self.group_dict'],
    ]) {
      const [f] = await findings(`def parse(self, string, namespace, eqn):\n    return eval(${args})\n`, 'eval-exec-untrusted');
      assert.ok(f, args);
      assert.equal(f.severity, 'hint', args);
      assert.ok(f.message.includes(`reads the names of \`${ns}\``), f.message);
    }
  });

  it('keeps the warning for an empty or literal namespace and an undocumented eval', async () => {
    for (const args of ['string, {}', 'string, config', 'string']) {
      const [f] = await findings(`def parse(string, config):\n    """Reads the value."""\n    return eval(${args})\n`, 'eval-exec-untrusted');
      assert.ok(f, args);
      assert.equal(f.severity, 'warning', args);
    }
  });

  it('is silent on arithmetic rebuilt from the groups of a digits-and-operators regex', async () => {
    const source = (pattern: string) =>
      [
        'import re',
        '',
        '',
        'def parse_cfg(cfg):',
        '    for k in cfg:',
        '        v = cfg[k]',
        `        match = re.match(${pattern}, v)`,
        '        if match:',
        '            cfg[k] = eval(match.group(1) + match.group(2) + match.group(3))',
        '    return cfg',
        '',
      ].join('\n');
    assert.deepEqual(await findings(source('r"(\\d+)([+\\-*/])(\\d+)"'), 'eval-exec-untrusted'), []);
    // A group that may hold letters can spell a name or a call.
    assert.equal((await findings(source('r"(\\w+)([+\\-*/])(\\d+)"'), 'eval-exec-untrusted')).length, 1);
    assert.equal((await findings(source('r"(.+)([+\\-*/])(\\d+)"'), 'eval-exec-untrusted')).length, 1);
  });
});

describe('requirement pins in a checkout without a project marker (review71: Nonstationary Transformers, no .git)', () => {
  const source = 'import torch\n\n\ndef step(model, x):\n    with torch.cuda.amp.autocast():\n        return model(x)\n';
  async function lintWith(files: Record<string, string>) {
    const engine = await getEngine();
    const before = engine.files;
    engine.files = {
      exists: (p) => p in files || Object.keys(files).some((f) => f.startsWith(p + '/')),
      fileSize: (p) => (p in files ? files[p].length : null),
      readText: (p) => files[p] ?? null,
    };
    try {
      return engine.lintText(source, { select: ['torch-cuda-amp-deprecated'], filePath: '/dl/nsformer/exp/exp_main.py', impact: 'all', preview: true })
        .findings;
    } finally {
      engine.files = before;
    }
  }
  const env = 'name: nsformer\nchannels:\n  - pytorch\ndependencies:\n  - python=3.7\n  - pip:\n    - torch==1.9.0\n';

  it("reads the conda environment beside the code as the project's pins", async () => {
    assert.deepEqual(
      await lintWith({ '/dl/nsformer/environment.yml': env, '/dl/nsformer/requirements.txt': 'torch\n', '/dl/nsformer/exp/exp_main.py': source }),
      [],
    );
  });

  it('still reports where the pinned torch has the replacement', async () => {
    const found = await lintWith({ '/dl/nsformer/environment.yml': env.replace('1.9.0', '2.5.1'), '/dl/nsformer/exp/exp_main.py': source });
    assert.equal(found.length, 1);
  });
});

describe('numba-object-mode: object mode that lifts a loop (review71: FinanceOps)', () => {
  const source = (loopBody: string) =>
    [
      'import numpy as np',
      'import pandas as pd',
      'from numba import jit',
      '',
      '',
      '@jit(forceobj=True)',
      'def mean_ann_returns(series, n):',
      '    if len(series) < n:',
      '        raise ValueError("too short")',
      '    values = series.to_numpy()',
      '    out = np.zeros(len(values) - n)',
      '    for i in range(len(values) - n):',
      loopBody,
      '    return pd.Series(out, index=series.index[: len(out)])',
      '',
    ].join('\n');

  it('says nothing where the loop is array code numba lifts into nopython mode', async () => {
    assert.deepEqual(await findings(source('        out[i] = np.mean(values[i : i + n] / values[i])'), 'numba-object-mode'), []);
  });

  it('still says to drop the decorator where the loop works on Python objects', async () => {
    const [f] = await findings(source('        out[i] = series.iloc[i : i + n].mean()'), 'numba-object-mode');
    assert.ok(f);
    assert.match(f.message, /drop the decorator/);
  });
});

describe('lock-acquire-release: statements that call nothing (review71: tomopy)', () => {
  const source = (between: string) =>
    [
      'import threading',
      '',
      'lock = threading.Lock()',
      'BUSY = [0, 0]',
      '',
      '',
      'def pick():',
      '    lock.acquire()',
      between,
      '    lock.release()',
      '    return gpu',
      '',
    ].join('\n');

  it('is a hint where the bracketed statements only scan a list', async () => {
    const [f] = await findings(
      source('    for k in range(len(BUSY)):\n        if BUSY[k] == 0:\n            BUSY[k] = 1\n            gpu = k\n            break'),
      'lock-acquire-release',
    );
    assert.equal(f?.severity, 'hint');
    assert.match(f.message, /call nothing and never leave early/);
  });

  it('keeps the warning where they call out or return', async () => {
    for (const between of ['    gpu = choose(BUSY)', '    if not BUSY:\n        return None\n    gpu = 0']) {
      const [f] = await findings(source(between), 'lock-acquire-release');
      assert.equal(f?.severity, 'warning', between);
    }
  });
});
