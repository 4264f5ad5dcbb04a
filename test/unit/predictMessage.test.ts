// tf-keras-predict-per-sample tells a loop over independent samples (batch them) from a step-by-step loop that feeds
// each prediction into the next input (decoding, forecasting), where batching is impossible and calling the model is the fix.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'tf-keras-predict-per-sample';

async function messages(body: string): Promise<string[]> {
  const engine = await getEngine();
  const source = `import numpy as np\nimport tensorflow as tf\n\n\n${body}`;
  return engine
    .lintText(source, { select: [RULE], filePath: '/proj/pkg/mod.py', impact: 'all' })
    .findings.filter((f) => f.ruleId === RULE)
    .map((f) => f.message);
}

const FEEDS_BACK = /each step's input comes from the last prediction: call the model directly, `model\(x, training=False\)\.numpy\(\)`/;
const BATCH = /predict on all samples at once, or call the model directly/;

describe('tf-keras-predict-per-sample: batching advice only where the samples are independent', () => {
  it('says "call the model" when the next input is built from the prediction', async () => {
    const loops = [
      // the input grows by the predicted value
      'def forecast(model, X):\n    for _ in range(14):\n        y = model.predict(X)\n        X = np.concatenate([X, y.reshape(1, 1, 1)], axis=1)\n',
      // the prediction is written into the sequence the input is made of
      'def fill(model, tokens, n):\n    for i in range(1, n):\n        p = model.predict(np.array([tokens]))\n        tokens[i] = int(np.argmax(p[0, i - 1]))\n',
      // through a string the input is encoded from, two steps away
      'def chars(model, seed, n, vocab):\n    for _ in range(n):\n        x = np.zeros((1, n, len(vocab)))\n        for t, c in enumerate(seed):\n            x[0, t, vocab.index(c)] = 1.0\n' +
        '        preds = model.predict(x)[0]\n        seed = seed[1:] + vocab[int(np.argmax(preds))]\n',
      // decoding: prediction -> index -> token -> sentence -> tokenized input, five steps away
      'def translate(model, tok, src, lookup, n):\n    source = tok([src])\n    sentence = "[start]"\n    for i in range(n):\n        target = tok([sentence])\n' +
        '        inputs = [source, target]\n        p = model.predict(inputs, verbose=0)\n        index = np.argmax(p[0, i, :])\n        token = lookup[index]\n        sentence += " " + token\n',
      // a recurrent state returned by predict and passed back in
      'def gen(model, ids):\n    state = np.zeros((1, 16))\n    for t in ids:\n        x = np.expand_dims([t], 0)\n        out, state = model.predict((x, state))\n    return out\n',
    ];
    for (const loop of loops) {
      const found = await messages(loop);
      assert.equal(found.length, 1, loop);
      assert.match(found[0]!, FEEDS_BACK, loop);
    }
  });

  it('keeps the batching advice for a loop over independent samples, even when results are collected', async () => {
    const loops = [
      'def classify(model, images):\n    out = []\n    for img in images:\n        p = model.predict(np.expand_dims(img, 0))\n        out.append(np.argmax(p))\n    return out\n',
      'def score(model, rows, total):\n    for row in rows:\n        p = model.predict(row[None])\n        total = total + p\n    return total\n',
    ];
    for (const loop of loops) {
      const found = await messages(loop);
      assert.equal(found.length, 1, loop);
      assert.match(found[0]!, BATCH, loop);
    }
  });
});
