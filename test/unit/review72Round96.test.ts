// Round 96 (issues 24 and 26): findings review71 and review72 judged beside the point, and what review72's hunt found missing.
import * as assert from 'node:assert/strict';
import { getEngine, messagesInRepository } from '../helpers/engine';
import { probe } from '../helpers/probe';
import { ensureImport } from '../../server/fixes/imports';

async function findings(source: string, rule: string, filePath = '/tmp/perflens-r96/pkg/module.py', impact: 'all' | 'auto' = 'all') {
  const engine = await getEngine();
  return engine.lintText(source, { select: [rule], filePath, impact, preview: true }).findings.filter((f) => f.ruleId === rule);
}

describe('pandas-groupby-apply-transform: a count per group in a notebook cell (review71: FinanceOps)', () => {
  const RULE = 'pandas-groupby-apply-transform';
  const cell = 'import pandas as pd\n\ndf = pd.read_csv("prices.csv")\ncounts = df.groupby("ticker").apply(len)\n';

  it('is quiet in a notebook cell that counts once', async () => {
    const [f] = await findings(cell, RULE, '/tmp/perflens-r96/research/forecast.ipynb');
    assert.ok(f, 'listed with impact all');
    assert.match(f.impact?.reasons.join(' ') ?? '', /notebook cell runs once per session/);
    assert.equal((await findings(cell, RULE, '/tmp/perflens-r96/research/forecast.ipynb', 'auto')).length, 0);
  });

  it('still reports the count in a module, and in a notebook loop over data', async () => {
    assert.equal((await findings(cell, RULE, '/tmp/perflens-r96/pkg/stats.py', 'auto')).length, 1);
    const loop = 'import pandas as pd\n\nfor path in paths:\n    df = pd.read_csv(path)\n    counts = df.groupby("ticker").apply(len)\n    print(counts)\n';
    assert.equal((await findings(loop, RULE, '/tmp/perflens-r96/research/forecast.ipynb', 'auto')).length, 1);
  });
});

describe('torch-eval-without-no-grad: a gradient-context decorator reached through star imports (review72: CasStereoNet)', () => {
  const RULE = 'torch-eval-without-no-grad';
  const experiment = (guarded: boolean) =>
    'import torch\n\n\ndef make_nograd_func(func):\n    def wrapper(*f_args, **f_kwargs):\n' +
    (guarded ? '        with torch.no_grad():\n            ret = func(*f_args, **f_kwargs)\n' : '        ret = func(*f_args, **f_kwargs)\n') +
    '        return ret\n\n    return wrapper\n';
  const main =
    'import torch\nfrom utils import *\n\nmodel = build_model()\n\n\ndef test(loader):\n    for batch_idx, sample in enumerate(loader):\n' +
    '        loss = test_sample(sample)\n        print(batch_idx, loss)\n\n\n@make_nograd_func\ndef test_sample(sample):\n    model.eval()\n' +
    '    outputs = model(sample)\n    return float(outputs.mean())\n';
  const files = (guarded: boolean) => ({
    'utils/__init__.py': 'from utils.experiment import *\nfrom utils.metrics import *\n',
    'utils/experiment.py': experiment(guarded),
    'utils/metrics.py': 'def epe(a, b):\n    return (a - b).abs().mean()\n',
    'main.py': main,
  });

  it('is silent when the package re-exports a decorator that runs the function under torch.no_grad()', async () => {
    assert.deepEqual(await messagesInRepository(RULE, files(true), 'main.py'), []);
  });

  it('still reports when the re-exported decorator of that name leaves the gradient mode alone', async () => {
    const messages = await messagesInRepository(RULE, files(false), 'main.py');
    assert.ok(
      messages.some((m) => /`test_sample` runs `model` in eval mode with autograd recording/.test(m)),
      messages.join('\n'),
    );
  });
});

describe('torch-eval-without-no-grad: a helper that runs the eval-mode model, a module-level name, under no_grad (review72: TPLinker)', () => {
  const RULE = 'torch-eval-without-no-grad';
  const source = (guard: boolean) =>
    'import torch\n\nrel_extractor = build_model()\n\n\ndef valid_step(batch):\n    inputs = batch.to("cuda")\n' +
    (guard ? '    with torch.no_grad():\n        outputs = rel_extractor(inputs)\n' : '    outputs = rel_extractor(inputs)\n') +
    '    return (outputs.argmax(-1) == batch.labels).float().mean().item()\n\n\ndef valid(dataloader):\n    rel_extractor.eval()\n' +
    '    total = 0.0\n    for batch in dataloader:\n        total += valid_step(batch)\n    return total\n';

  it('is silent when the helper runs that model only under a gradient context', async () => {
    assert.equal((await findings(source(true), RULE)).length, 0);
  });

  it('still reports the validation loop when the helper records autograd', async () => {
    const [f] = await findings(source(false), RULE);
    assert.ok(f);
    assert.match(f.message, /`valid` runs the model on every batch with autograd recording/);
  });

  it('does not take the helper for the eval-mode model when it binds a model of its own under that name', async () => {
    const rebinding = source(true).replace('    inputs = batch.to("cuda")\n', '    rel_extractor = load_other()\n    inputs = batch.to("cuda")\n');
    assert.ok(rebinding.includes('load_other'));
    assert.equal((await findings(rebinding, RULE)).length, 1);
  });
});

describe('torch-eval-without-no-grad: a TensorRT engine built by torch2trt (review72: torch2trt demo notebooks)', () => {
  const RULE = 'torch-eval-without-no-grad';
  const source = (build: string) =>
    `import torch\nfrom torch2trt import torch2trt, TRTModule\n\nmodel = load_model().cuda().eval()\nmodel_trt = ${build}\n\n\n` +
    'def execute(change):\n    image = preprocess(change["new"])\n    output = model_trt(image).detach().cpu().numpy()\n    show(output)\n\n\n' +
    'camera.observe(execute, names="value")\n';

  it('is silent where the model is an engine torch2trt or TRTModule built', async () => {
    assert.equal((await findings(source('torch2trt(model, [data], fp16_mode=True)'), RULE)).length, 0);
    assert.equal((await findings(source('TRTModule()'), RULE)).length, 0);
  });

  it('still reports the same callback on the torch model', async () => {
    assert.equal((await findings(source('model.half()'), RULE)).length, 1);
  });
});

describe('eval-exec-untrusted: fixed dotted names and attribute paths (review72: torch2trt)', () => {
  const RULE = 'eval-exec-untrusted';

  it('is silent where every call in the file passes a dotted name', async () => {
    const source =
      "def get_methods(namespace):\n    return [m for m in dir(eval(namespace)) if not m.startswith('_')]\n\n\n" +
      "TORCH = get_methods('torch') + get_methods('torch.Tensor')\n";
    assert.equal((await findings(source, RULE)).length, 0);
  });

  it('still reports where a caller passes something else', async () => {
    const source =
      "def get_methods(namespace):\n    return [m for m in dir(eval(namespace)) if not m.startswith('_')]\n\n\n" +
      "TORCH = get_methods('torch') + get_methods(input())\n";
    assert.equal((await findings(source, RULE)).length, 1);
  });

  it('advises a lookup, not a parser, for text that spells an attribute path', async () => {
    const [f] = await findings("def kind(method):\n    return eval(method + '.__class__.__name__')\n", RULE);
    assert.ok(f);
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /look the name up instead/);
    assert.doesNotMatch(f.message, /literal_eval/);
  });

  it('keeps the parsing advice where the literal parts hold more than a name', async () => {
    const [f] = await findings("def total(expr):\n    return eval(expr + ' + 1')\n", RULE);
    assert.ok(f);
    assert.match(f.message, /literal_eval/);
  });
});

describe('values: the libraries a project module passes on through a star import (review72: qagnn)', () => {
  const RULE = 'torch-tensor-created-then-moved';
  const layer = (imports: string) =>
    `${imports}\nimport torch.nn.functional as F\nfrom torch_geometric.nn import MessagePassing\n\n\n` +
    'class EdgeConv(MessagePassing):\n    def forward(self, x, edge_vec):\n' +
    '        self_edge_vec = torch.zeros(x.size(0), 8).to(edge_vec.device)\n        return F.relu(self_edge_vec + x)\n';

  it("reads `torch` from a project module's star import, in a PyTorch Geometric layer", async () => {
    const [f] = await findings(layer('from utils.layers import *'), RULE);
    assert.ok(f);
    assert.match(f.message, /copied to the GPU/);
  });

  it('leaves the name alone where the star import is a library, or the file binds torch another way', async () => {
    assert.equal((await findings(layer('from math import *'), RULE)).length, 0);
    assert.equal((await findings(layer('from utils.layers import *\nimport torch as T'), RULE)).length, 0);
    assert.equal((await findings(layer('from utils.layers import *\ntorch = load_backend()'), RULE)).length, 0);
  });
});

describe('fixes: a conventional name a star import may pass on (review72)', () => {
  async function refFor(src: string): Promise<{ ref: string; added: boolean }> {
    let out = { ref: '', added: false };
    await probe(src, '(module) @m', (_m, ctx) => {
      const r = ensureImport(ctx.facts, 'numpy', 'sum');
      out = { ref: r.ref, added: r.edits.length > 0 };
    });
    return out;
  }

  it('writes `np.` where the file spells `np` and imports it through a project module', async () => {
    assert.deepEqual(await refFor('from utils.helpers import *\n\nx = np.zeros(3)\n'), { ref: 'np.sum', added: false });
  });

  it('adds the import where the file never spells the name: nothing shows the star import passes it on', async () => {
    assert.deepEqual(await refFor('from utils.helpers import *\n\nx = [0] * 3\n'), { ref: 'numpy.sum', added: true });
  });
});
