// Round 43, r-recall7: slow paths found by hand in /work/review12 whose receiver or model the file cannot type. trax maps
// an augmentation over a `dataset` its caller passes in; stanza's Trainer.predict unpacks `self.model(...)` and reads it
// through `.tolist()` / `.data`. Both are reported as hints that say what is not known.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

async function levels(rule: string, source: string): Promise<string[]> {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  const { findings } = engine.lintText(source, { select: [rule], filePath: '/proj/pkg/train.py', impact: 'auto', keepHints: true });
  return findings.filter((f) => f.ruleId === rule).map((f) => `${f.severity} ${f.message} ${f.impact?.reasons.join('; ') ?? ''}`);
}

describe('tf-data-map-sequential: a dataset passed in by a caller', () => {
  it('is a hint without a fix when the mapped def does TensorFlow image work', async () => {
    const source =
      'import tensorflow as tf\n\n\ndef preprocess(dataset):\n    def augment(x, y):\n        return tf.image.random_flip_left_right(x), y\n\n    return dataset.map(augment)\n';
    const engine = await getEngine();
    const { findings } = engine.lintText(source, { select: ['tf-data-map-sequential'], filePath: '/proj/pkg/train.py', impact: 'all' });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.fix, undefined);
    const [found] = await levels('tf-data-map-sequential', source);
    assert.match(found!, /^hint .*if `dataset` is a `tf\.data\.Dataset`.*does not show where `dataset` comes from/);
  });
});

describe('torch-eval-without-no-grad: unpacked or `.data` predictions', () => {
  const trainer = (model: string) =>
    `import torch\nfrom torch import nn\n\n\nclass Net(nn.Module):\n    def forward(self, x):\n        return x, x\n\n\nclass Trainer:\n    def __init__(self):\n        self.model = ${model}\n\n    def predict(self, batch):\n        self.model.eval()\n        _, preds = self.model(batch)\n        return preds.tolist()\n`;

  it('is a hint when self.model is not known to be a module, shown when it is', async () => {
    const [unknown] = await levels('torch-eval-without-no-grad', trainer('build_model()'));
    assert.match(unknown!, /^hint .*not known here to be a torch module/);
    const [known] = await levels('torch-eval-without-no-grad', trainer('Net()'));
    assert.match(known!, /^warning /);
    assert.doesNotMatch(known!, /not known here/);
  });
});
