// Round 88 (issue 24): what review65's blind review judged wrong in the advice itself, with the near misses that keep it.
import * as assert from 'node:assert/strict';
import { autotuneName } from '../../server/analysis';
import { messagesInRepository, rankedFindings } from '../helpers/engine';

/** One rule's messages on `source`, every impact level shown. */
async function messages(ruleId: string, source: string): Promise<string[]> {
  return (await rankedFindings(ruleId, source, '/proj/pkg/mod.py', { impact: 'all' })).map((f) => f.message);
}

// NSVF's voxel export: the walked tensor is an expression that takes a method only in parentheses.
const FACE_KEYS = [
  'import torch',
  '',
  '',
  'def face_keys(vertex_coords, faceidxs):',
  '    all_faces = torch.stack([torch.stack([vertex_coords[:, k] for k in f]) for f in faceidxs])',
  '    keys = {}',
  '    for l in range(all_faces.size(0)):',
  '        key = " ".join(["{}".format(int(p)) for p in all_faces[l].sum(0) // 4])',
  '        keys[key] = l',
  '    return keys',
  '',
].join('\n');

// AoANet's beam step: the loops read a beam x beam corner of a beam x vocabulary tensor.
const BEAM_STEP = (bound: string) =>
  [
    'import torch',
    '',
    '',
    'def beam_step(logprobs, beam_logprobs_sum, beam_size):',
    '    ys, ix = torch.sort(logprobs, 1, True)',
    `    cols = ${bound}`,
    '    rows = beam_size',
    '    candidates = []',
    '    for c in range(cols):',
    '        for q in range(rows):',
    '            local_logprob = ys[q, c].item()',
    '            candidates.append((q, c, beam_logprobs_sum[q] + local_logprob))',
    '    return sorted(candidates, key=lambda x: -x[2])',
    '',
  ].join('\n');

// An evaluation written for PyTorch 0.3: its inputs are volatile.
const VOLATILE_TEST = [
  'import torch',
  'from torch.autograd import Variable',
  '',
  '',
  'def test(model, loader):',
  '    model.eval()',
  '    correct = 0',
  '    for data, target in loader:',
  '        data = Variable(data.cuda(), volatile=True)',
  '        correct += model(data).data.max(1)[1].eq(target.cuda()).cpu().sum()',
  '    return correct',
  '',
  '',
  'def main(model, loader, epochs):',
  '    for epoch in range(epochs):',
  '        test(model, loader)',
  '',
].join('\n');

describe('review65: advice the blind review judged wrong as written', () => {
  it('parenthesises a walked expression before `.tolist()` (NSVF: `all_faces[l].sum(0) // 4`)', async () => {
    const found = await messages('torch-tensor-python-iteration', FACE_KEYS);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0], /`\(all_faces\[l\]\.sum\(0\) \/\/ 4\)\.tolist\(\)`/);
    assert.doesNotMatch(found[0], /\/\/ 4\.tolist/);
  });

  it('converts only the corner a beam step reads, and the whole tensor when the loops cover it', async () => {
    const corner = await messages('torch-sync-in-training-loop', BEAM_STEP('min(beam_size, ys.size(1))'));
    assert.equal(corner.length, 1, corner.join('\n'));
    assert.match(corner[0], /`ys\[:rows, :cols\]\.tolist\(\)`/);
    // near misses: a loop over a dimension's own size reads all of it, and a walk over every element converts the whole tensor
    const rowsFull = BEAM_STEP('min(beam_size, ys.size(1))').replace(
      '    for c in range(cols):\n        for q in range(rows):',
      '    for q in range(ys.size(0)):\n        for c in range(cols):',
    );
    const allRows = await messages('torch-sync-in-training-loop', rowsFull);
    assert.equal(allRows.length, 1, allRows.join('\n'));
    assert.match(allRows[0], /`ys\[:, :cols\]\.tolist\(\)`/);
    const walk = 'import torch\n\n\ndef top(scores):\n    ys, ix = torch.sort(scores, 0, True)\n    return [ys[i].item() * 2 for i in range(len(ys))]\n';
    const whole = await messages('torch-sync-in-training-loop', walk);
    assert.equal(whole.length, 1, whole.join('\n'));
    assert.match(whole[0], /convert once with `ys\.tolist\(\)`/);
  });

  it("spells AUTOTUNE as TensorFlow 1 code needs it when the file uses names TensorFlow 2 removed (kaggle-web-traffic's `tf.random_shuffle`)", () => {
    assert.equal(autotuneName('import tensorflow as tf\nidx = tf.random_shuffle(tf.range(n))\n'), 'experimental.AUTOTUNE');
    assert.equal(autotuneName('import tensorflow as tf\nout = tf.py_func(f, [x], tf.float32)\n'), 'experimental.AUTOTUNE');
    // near misses: TensorFlow 2's spellings of the same things, and a Keras layer
    assert.equal(autotuneName('import tensorflow as tf\nidx = tf.random.shuffle(tf.range(n))\n'), 'AUTOTUNE');
    assert.equal(autotuneName('import tensorflow as tf\nlayer = tf.keras.layers.Dense(4)\n'), 'AUTOTUNE');
  });

  it('leaves a volatile evaluation alone where the README says the project runs on PyTorch 0.3 (rethinking-network-pruning)', async () => {
    const pinned = await messagesInRepository(
      'torch-eval-without-no-grad',
      { 'README.md': 'Our experiment environment is Python 3.6 & PyTorch 0.3.1.\n', 'cifar/main.py': VOLATILE_TEST },
      'cifar/main.py',
    );
    assert.deepEqual(pinned, []);
    // near misses: a README naming a PyTorch that ignores `volatile`, and none at all, keep the hint that says both
    const newer = await messagesInRepository(
      'torch-eval-without-no-grad',
      { 'README.md': 'Tested with PyTorch 1.8.\n', 'cifar/main.py': VOLATILE_TEST },
      'cifar/main.py',
    );
    assert.equal(newer.length, 1, newer.join('\n'));
    assert.match(newer[0], /volatile=True/);
    const silent = await messagesInRepository('torch-eval-without-no-grad', { 'cifar/main.py': VOLATILE_TEST }, 'cifar/main.py', 'perflens-r88-');
    assert.equal(silent.length, 1, silent.join('\n'));
  });
});
