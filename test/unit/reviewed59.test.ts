// Round 59 (issue 24): findings of the blind review of review34 judged wrong, each with the near miss that keeps firing.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

/** One rule's findings on `source` saved as `rel` in a checkout, as the default output ranks them (hints kept). */
function ranked(ruleId: string, source: string, rel = 'pkg/train.py') {
  return rankedInRepository(ruleId, source, {}, rel, 'perflens-r59-');
}

describe('tf-keras-predict-per-sample: a thinc Model is not a Keras model', () => {
  // explosion/thinc's MNIST test and intro notebook: `model.predict(X)` once per batch of `model.ops.multibatch(...)`,
  // where the model is thinc's (the test also wraps a Keras model in one with TensorFlowWrapper).
  const RULE = 'tf-keras-predict-per-sample';
  const evaluate = (imports: string, build: string) =>
    `${imports}\n\n\ndef evaluate(dev_X, dev_Y, batch_size):\n    model = ${build}\n` +
    '    correct = 0\n    for X, Y in model.ops.multibatch(batch_size, dev_X, dev_Y):\n        Yh = model.predict(X)\n' +
    '        correct += (Yh.argmax(axis=1) == Y.argmax(axis=1)).sum()\n    return correct\n';
  const both = 'import tensorflow as tf\nfrom thinc.api import Relu, Softmax, chain, with_array';

  it('held in `self.model`, set to a thinc combinator (the value layer knows it): silent', async () => {
    const held =
      `${both}\n\n\nclass Tagger:\n    def __init__(self):\n        self.model = with_array(chain(Relu(nO=32), Softmax()))\n\n` +
      '    def score(self, dev_X, dev_Y, batch_size):\n        scores = []\n' +
      '        for X, Y in self.model.ops.multibatch(batch_size, dev_X, dev_Y):\n            scores.append(self.model.predict(X))\n' +
      '        return scores\n';
    assert.deepEqual(await ranked(RULE, held), []);
  });

  it('a model the code does not show, in a file that imports thinc: silent', async () => {
    const test = evaluate(both, 'create_model(width=32)').replace('def evaluate(dev_X', 'def evaluate(create_model, dev_X');
    assert.deepEqual(await ranked(RULE, test), []);
  });

  it('near misses: a Keras model beside thinc, and an unknown model in a file without thinc, keep their finding', async () => {
    const [keras] = await ranked(RULE, evaluate(both, 'tf.keras.models.load_model("mnist.keras")'));
    assert.match(keras?.message ?? '', /runs once per batch/);
    const unknown = evaluate('import tensorflow as tf', 'create_model(width=32)').replace('def evaluate(dev_X', 'def evaluate(create_model, dev_X');
    const [f] = await ranked(RULE, unknown);
    assert.match(f?.message ?? '', /runs once per batch/);
  });
});

describe('torch-per-sample-forward: a loop over the modules of a ModuleList', () => {
  // openai/jukebox's VQ-VAE decodes each level's code with that level's decoder: one call per module, not per sample.
  const RULE = 'torch-per-sample-forward';
  const vqvae = (loop: string) =>
    'import torch\nfrom torch import nn\n\n\nclass VQVAE(nn.Module):\n    def forward(self, xs_quantised):\n        x_outs = []\n' +
    `${loop}\n        return x_outs\n`;

  it('the decoder picked per level, or the loop item itself: silent', async () => {
    const picked =
      '        for level in range(self.levels):\n            decoder = self.decoders[level]\n' +
      '            x_out = decoder(xs_quantised[level:level + 1], all_levels=False)\n            x_outs.append(x_out)';
    assert.deepEqual(await ranked(RULE, vqvae(picked)), []);
    const item = '        for prior, x in zip(self.priors, xs_quantised):\n            x_outs.append(prior(x.unsqueeze(0)))';
    assert.deepEqual(await ranked(RULE, vqvae(item)), []);
  });

  it('near miss: one decoder run on each sample of the batch', async () => {
    const same =
      '        for level in range(self.levels):\n            decoder = self.decoders[0]\n' +
      '            x_out = decoder(xs_quantised[level:level + 1], all_levels=False)\n            x_outs.append(x_out)';
    const [f] = await ranked(RULE, vqvae(same));
    assert.match(f?.message ?? '', /`decoder\(\.\.\.\)` runs once per item of `xs_quantised`/);
    const item = '        for x in xs_quantised:\n            x_outs.append(self.decoder(x.unsqueeze(0)))';
    const [g] = await ranked(RULE, vqvae(item));
    assert.match(g?.message ?? '', /`self\.decoder\(\.\.\.\)` runs once per item/);
  });
});

describe('cache-impure-function: a cached download of a published dataset', () => {
  // pastas/pastas's `load_dataset(name)` lists a folder of its data repository through GitHub's contents API, then
  // downloads the files listed: the arguments decide the answer, and caching it is the point.
  const RULE = 'cache-impure-function';
  const loader = (name: string, address: string, extra = '') =>
    `from functools import lru_cache\n\nimport requests\nfrom pandas import read_csv\n\nGITHUB_URL = "${address}"\n\n\n` +
    `@lru_cache\ndef ${name}(name):\n${extra}    r = requests.get(f"{GITHUB_URL}/{name}/")\n    listing = r.json()\n` +
    '    kwargs = requests.get(next(x for x in listing if x["name"] == "settings.json")["download_url"]).json()\n' +
    '    return {f["name"]: read_csv(f["download_url"], **kwargs) for f in listing}\n';
  const PASTAS = 'https://api.github.com/repos/pastas/pastas-data/contents/';

  it("from a data repository's address, or a function named for a dataset: silent", async () => {
    assert.deepEqual(await ranked(RULE, loader('load_dataset', PASTAS)), []);
    assert.deepEqual(await ranked(RULE, loader('load_frames', PASTAS)), []);
    assert.deepEqual(await ranked(RULE, loader('load_dataset', 'https://example.org/files')), []);
    const list =
      `from functools import lru_cache\n\nimport requests\n\nURL = "${PASTAS}"\n\n\n@lru_cache\ndef list_datasets(silent=True):\n` +
      '    return [f["name"] for f in requests.get(URL).json() if f["type"] == "dir"]\n';
    assert.deepEqual(await ranked(RULE, list), []);
  });

  it('near misses: a quote service, an address the caller passes, the clock, an address from state: reported', async () => {
    const quote = loader('latest_price', 'https://api.example.com/v1/price');
    assert.match((await ranked(RULE, quote))[0]?.message ?? '', /requests\.get\(\)/);
    const passed = loader('load_dataset', PASTAS).replace('f"{GITHUB_URL}/{name}/"', 'name');
    assert.match((await ranked(RULE, passed))[0]?.message ?? '', /requests\.get\(\)/);
    const clock = loader('load_dataset', PASTAS, '    print(time.time())\n').replace('import requests\n', 'import time\n\nimport requests\n');
    assert.match((await ranked(RULE, clock))[0]?.message ?? '', /time\.time\(\)/);
    const state =
      `from functools import lru_cache\n\nimport requests\n\n\nclass Client:\n    @lru_cache\n    def load_dataset(self, name):\n` +
      '        return requests.get(f"{self.base}/{name}.csv").text\n';
    assert.match((await ranked(RULE, state))[0]?.message ?? '', /requests\.get\(\)/);
  });
});
