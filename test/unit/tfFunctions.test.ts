// The file's tf.functions (server/analysis/tfFunctions.ts).
import * as assert from 'node:assert/strict';
import type { FileFacts } from '../../server/analysis/facts';
import type { Node } from '../../server/syntax/parser';
import { findDescendants } from '../../server/analysis/scopes';
import { calledTfFunction, enclosingTfFunction, tfFunctions } from '../../server/analysis/tfFunctions';
import { factsOf, releaseFactTrees } from '../helpers/probe';

function calls(facts: FileFacts, prefix: string): Node[] {
  return findDescendants(facts.root, (n) => n.type === 'call' && n.text.startsWith(prefix));
}

describe('tfFunctions', () => {
  after(() => releaseFactTrees());

  it('finds decorated defs, wrapped defs, methods and lambdas with their options', async () => {
    const facts = await factsOf(`import tensorflow as tf
from tensorflow import function as tff

@tf.function
def a(x): return x

@tff(input_signature=[tf.TensorSpec([None], tf.float32)])
def b(x): return x

def c(x): return x
fast_c = tf.function(c, reduce_retracing=True)
d = tf.function(lambda x: x * 2)

class M(tf.Module):
    def __init__(self):
        self.step = tf.function(self.step)
    def step(self, x): return x
    @tf.function
    def call(self, x): return x

a(1); fast_c(2); c(3); self_free = d(4)
`);
    const idx = tfFunctions(facts);
    const summary = idx.all.map((t) => [[...t.callNames].join(','), t.def?.type ?? null, t.isMethod, t.inputSignature, t.reduceRetracing]);
    assert.deepEqual(summary, [
      ['a', 'function_definition', false, false, false],
      ['b', 'function_definition', false, true, false],
      ['call', 'function_definition', true, false, false],
      ['fast_c', 'function_definition', false, false, true],
      ['d', 'lambda', false, false, false],
      ['step', 'function_definition', true, false, false],
    ]);
    assert.ok(calledTfFunction(calls(facts, 'a(1)')[0], facts));
    assert.ok(calledTfFunction(calls(facts, 'fast_c(2)')[0], facts));
    assert.equal(calledTfFunction(calls(facts, 'c(3)')[0], facts), undefined, 'the raw Python function is not traced');
    assert.equal(idx.origins.length, 6);
  });

  it('a nested def inside a tf.function is traced with it; a class body stops the search', async () => {
    const facts = await factsOf(`import tensorflow as tf

@tf.function
def outer(x):
    def helper(y):
        return g(y)
    return helper(x)

def plain():
    return h()
`);
    assert.ok(enclosingTfFunction(calls(facts, 'g(')[0], facts));
    assert.equal(enclosingTfFunction(calls(facts, 'h(')[0], facts), null);
  });

  it('is built once for a lint and the copies its findings are ranked on, each reader marked as reading the whole file', async () => {
    const facts = await factsOf(`import tensorflow as tf

@tf.function
def step(x): return x
`);
    const copy = facts.withOwnReads();
    const index = tfFunctions(facts);
    assert.equal(index.all.length, 1);
    assert.ok(!copy.words.reads.wholeFile, 'the copy has read nothing yet');
    assert.equal(tfFunctions(copy), index, 'the copy reads the index its facts built');
    assert.ok(copy.words.reads.wholeFile);
  });

  it('is empty without a tensorflow import', async () => {
    const facts = await factsOf(`import jax
@jax.jit
def f(x): return x
function = tf.function(f)
`);
    assert.equal(tfFunctions(facts).all.length, 0);
  });
});
