// Round 42, p-tfsync: what the blind review of /work/review10 judged in tf-data-missing-prefetch, tf-data-element-loop and
// torch-sync-in-training-loop. Prefetch was noise over arrays already in memory with light maps and on loops that only
// print elements; the element loop was wrong on lists filled for a printout; the sync rule was wrong under a guard lost in a
// parse error and on CPU-only devices, and noise where the step stalls once whatever becomes of the reported sync.
import * as assert from 'node:assert/strict';
import type { FileFacts } from '../../server/analysis/facts';
import type { Node } from '../../server/syntax/parser';
import { mapFunctionWork } from '../../server/analysis/tfData';
import { findDescendants } from '../../server/analysis/scopes';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { getEngine, tempRepository } from '../helpers/engine';
import { factsOf, releaseFactTrees } from '../helpers/probe';

async function found(rule: string, source: string, filePath = '/proj/pkg/train.py'): Promise<string[]> {
  const engine = await getEngine();
  const { findings } = engine.lintText(source, { select: [rule], filePath, impact: 'all' });
  return findings.filter((f) => f.ruleId === rule).map((f) => `${f.severity} ${f.message}`);
}

/** The function given to the first `.map(...)` of the file. */
function mappedFunction(facts: FileFacts): { fn: Node; call: Node } {
  const call = findDescendants(facts.root, (n) => n.type === 'call' && /\.map$/.test(n.childForFieldName('function')?.text ?? ''))[0];
  assert.ok(call, 'no .map call');
  const fn = call.childForFieldName('arguments')!.namedChildren.find((c) => c !== null && c.type !== 'comment')!;
  return { fn, call };
}

describe('mapFunctionWork: what a mapped function does per element', () => {
  after(() => releaseFactTrees());

  const work = async (defs: string, fn: string) => {
    const facts = await factsOf(`import tensorflow as tf\n\n${defs}\n\nds = tf.data.Dataset.from_tensor_slices(x).map(${fn})\n`);
    const { fn: node, call } = mappedFunction(facts);
    return mapFunctionWork(node, call, facts);
  };

  it('is light for arithmetic, slicing and non-decoding TensorFlow ops', async () => {
    assert.equal(await work('', 'lambda x, y: (x * 2 - 1.0, y)'), 'light');
    assert.equal(await work('def split(chunk):\n    return chunk[:-1], chunk[1:]\n', 'split'), 'light');
    assert.equal(await work('', 'lambda x: tf.cast(tf.reshape(x, [-1]), tf.float32)'), 'light');
    assert.equal(await work('', 'tf.transpose'), 'light');
  });

  it('is python for tf.py_function and tf.numpy_function wrappers, directly or in a helper', async () => {
    const encode = 'def encode(t, label):\n    return tokenizer.encode(t.numpy()), label\n';
    assert.equal(
      await work(`${encode}\ndef encode_map_fn(t, label):\n    return tf.py_function(encode, inp=[t, label], Tout=(tf.int64, tf.int64))\n`, 'encode_map_fn'),
      'python',
    );
    assert.equal(await work('', 'lambda x: tf.numpy_function(sorted, [x], tf.float32)'), 'python');
    assert.equal(await work('', 'tf.py_function'), 'python');
  });

  it('is other for decoding, reading, unknown helpers and functions the file does not show', async () => {
    assert.equal(await work('def load(p):\n    return tf.io.decode_jpeg(tf.io.read_file(p))\n', 'load'), 'other');
    assert.equal(await work('', 'lambda p: tf.image.resize(p, (224, 224))'), 'other');
    assert.equal(await work('', 'lambda x: augmenter(x)'), 'other');
    assert.equal(await work('', 'preprocess'), 'other');
  });
});

const PREFETCH = 'tf-data-missing-prefetch';

describe('tf-data-missing-prefetch: data in memory, a few elements, loops that print', () => {
  const fit = (pipeline: string, defs = '') =>
    `import tensorflow as tf\n\n${defs}\n\ndef run(model, x, y, files, paths):\n    ds = ${pipeline}\n    model.fit(ds)\n`;

  it('is a hint when light maps compute the elements from arrays in memory, or from zipped in-memory datasets', async () => {
    for (const pipeline of [
      'tf.data.Dataset.from_tensor_slices((x, y)).map(lambda a, b: (a * 2 - 1.0, b)).batch(32)',
      'tf.data.Dataset.zip((tf.data.Dataset.from_tensor_slices(x), tf.data.Dataset.from_tensor_slices(y))).batch(8)',
    ]) {
      const [f] = await found(PREFETCH, fit(pipeline));
      assert.match(f!, /^hint .*computed from arrays in memory by light maps|^hint .*slices of arrays in memory/, pipeline);
    }
  });

  it('is a hint when take(n) keeps at most 1,000 elements before batching', async () => {
    const [f] = await found(PREFETCH, fit('tf.data.TFRecordDataset(files).map(parse).take(500).batch(32)'));
    assert.match(f!, /^hint .*`take\(500\)` keeps at most 500 elements/);
  });

  it('stays at full severity over files, decoding, Python maps and large takes (near misses)', async () => {
    const encode = 'def encode(t):\n    return t\n\n\ndef py_map(t):\n    return tf.py_function(encode, [t], tf.int64)\n';
    for (const pipeline of [
      'tf.data.Dataset.from_tensor_slices(paths).map(lambda p: tf.io.decode_png(tf.io.read_file(p))).batch(32)',
      'tf.data.Dataset.from_tensor_slices(x).map(py_map).batch(32)',
      'tf.data.TFRecordDataset(files).map(parse).take(5000).batch(32)',
    ]) {
      // In a project that supports TensorFlow before 2.12, which does not add a final prefetch by itself.
      const top = tempRepository({ 'requirements.txt': 'tensorflow>=2.8,<2.11\n' }, 'perflens-tf-');
      try {
        const [f] = await found(PREFETCH, fit(pipeline, encode), path.join(top, 'pkg', 'train.py'));
        assert.match(f!, /^info .*loading and training take turns/, pipeline);
      } finally {
        rmSync(top, { recursive: true, force: true });
      }
    }
  });

  it('is silent on a loop that only prints elements, flagged when the loop also trains', async () => {
    const loop = (body: string) =>
      `import tensorflow as tf\n\n\ndef look(files, step):\n    ds = tf.data.TFRecordDataset(files).map(parse).padded_batch(4)\n    for b in ds:\n${body}`;
    assert.deepEqual(await found(PREFETCH, loop('        shape = b[0].numpy().shape\n        print("Batch shape:", shape)\n')), []);
    assert.equal((await found(PREFETCH, loop('        print(b[0].shape)\n        step(b)\n'))).length, 1);
    assert.equal((await found(PREFETCH, loop('        shape = step(b)\n        print(shape)\n'))).length, 1);
  });
});

const ELEMENTS = 'tf-data-element-loop';

describe('tf-data-element-loop: printouts and the tfds advice', () => {
  const collect = (pipeline: string, after: string) =>
    `import numpy as np\nimport tensorflow_datasets as tfds\n\n\ndef look(split):\n    ds = ${pipeline}\n    labels = []\n    for item in ds:\n        labels.append(item["label"])\n${after}`;

  it('is silent when the collected list only feeds a printout, through a conversion into the same name', async () => {
    assert.deepEqual(
      await found(
        ELEMENTS,
        collect('tfds.load("iris", split=split).shuffle(100)', '    labels = np.array(labels)\n    print(len(labels), np.sum(labels == 0))\n'),
      ),
      [],
    );
  });

  it('is flagged when the list is returned or computed with after the printout', async () => {
    assert.equal((await found(ELEMENTS, collect('tfds.load("iris", split=split)', '    print(len(labels))\n    return labels\n'))).length, 1);
    assert.equal((await found(ELEMENTS, collect('tfds.load("iris", split=split)', '    counts = np.bincount(labels)\n    print(counts)\n'))).length, 1);
  });

  it('suggests tfds.load(batch_size=-1) only for a split walked as loaded', async () => {
    const [plain] = await found(ELEMENTS, collect('tfds.load("iris", split=split)', '    return labels\n'));
    assert.match(plain!, /batch_size=-1/);
    const [shuffled] = await found(ELEMENTS, collect('tfds.load("iris", split=split).shuffle(100)', '    return labels\n'));
    assert.match(shuffled!, /ds\.batch\(1024\)\.as_numpy_iterator\(\)/);
    assert.doesNotMatch(shuffled!, /batch_size=-1/);
  });
});

const SYNC = 'torch-sync-in-training-loop';

describe('torch-sync-in-training-loop: one stall a step, CPU devices, broken code', () => {
  const train = (body: string, head = '') =>
    `import torch\n\ndevice = torch.device("cuda")\n${head}\n\ndef train(model, iterator, optimizer, criterion, accuracy):\n    epoch_loss = 0.0\n    epoch_acc = 0.0\n    for batch in iterator:\n        optimizer.zero_grad()\n        predictions = model(batch.text.to(device))\n        loss = criterion(predictions, batch.label)\n        acc = accuracy(predictions, batch.label)\n        loss.backward()\n        optimizer.step()\n${body}    return epoch_loss / len(iterator), epoch_acc / len(iterator)\n`;

  // Round 57: an evaluation loop's metrics summed per batch are not reported at all (issue 24: one stall a batch, judged noise).
  it('is silent for several metrics an evaluation loop sums per batch (deep-learning-v2-pytorch Part 8: noise)', async () => {
    const evaluate = (body: string) =>
      `import torch\n\ndevice = torch.device("cuda")\n\n\ndef evaluate(model, loader, criterion):\n    test_loss = 0.0\n    accuracy = 0.0\n    with torch.no_grad():\n        for inputs, labels in loader:\n            inputs, labels = inputs.to(device), labels.to(device)\n            logps = model(inputs)\n${body}    return test_loss, accuracy\n`;
    const [two] = await found(
      SYNC,
      evaluate('            test_loss += criterion(logps, labels).item()\n            accuracy += (logps.argmax(1) == labels).float().mean().item()\n'),
    );
    assert.equal(two, undefined);
    // The batch is copied to the host on either arm of a conditional: the metric's .item() adds no wait (silent).
    const copied =
      '            test_loss += criterion(logps, labels).item()\n            kept = logps.numpy() if not torch.cuda.is_available() else logps.cpu().numpy()\n            accuracy += float(kept.mean())\n';
    assert.deepEqual(await found(SYNC, evaluate(copied)), []);
  });

  it('is silent when every device of the function is the CPU, reported when one may be a GPU', async () => {
    // A number nothing reads: the sync a step that is worth a change (a returned total is one stall a step, not reported).
    const body = '        last_loss = loss.item()\n';
    assert.deepEqual(await found(SYNC, train(body).replace('torch.device("cuda")', 'torch.device("cpu")')), []);
    assert.equal((await found(SYNC, train(body).replace('torch.device("cuda")', 'torch.device("cuda" if torch.cuda.is_available() else "cpu")'))).length, 1);
  });

  it('is silent when a helper of the file synchronises on every step', async () => {
    const helper = '\n\ndef sync(d):\n    torch.cuda.synchronize(d)\n';
    const body = '        sync(device)\n        last_loss = loss.item()\n';
    assert.deepEqual(await found(SYNC, train(body, helper)), []);
    assert.equal((await found(SYNC, train(body, '\n\ndef sync(d):\n    print(d)\n'))).length, 1);
  });
});
