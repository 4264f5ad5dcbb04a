// Call-argument helpers (server/analysis/callArgs.ts reads them, server/fixes/arguments.ts edits them).
import * as assert from 'node:assert/strict';
import { keywordValue, positionalArguments, hasSplatArguments } from '../../server/analysis/callArgs';
import { appendArgument, prependArgument } from '../../server/fixes/arguments';
import { applyEdits } from '../../server/syntax/text';
import { findDescendants } from '../../server/analysis/scopes';
import { getEngine } from '../helpers/engine';

async function withCall<T>(source: string, fn: (call: import('../../server/syntax/parser').Node) => T): Promise<T> {
  const engine = await getEngine();
  const tree = engine.parse(source);
  try {
    const call = findDescendants(tree.rootNode, (n) => n.type === 'call')[0];
    return fn(call);
  } finally {
    tree.delete();
  }
}

async function append(source: string, arg: string): Promise<string> {
  return withCall(source, (call) => applyEdits(source, [appendArgument(source, call, arg)!]));
}

async function prepend(source: string, arg: string): Promise<string> {
  return withCall(source, (call) => applyEdits(source, [prependArgument(source, call, arg)!]));
}

describe('callArgs', () => {
  it('reads positional and keyword arguments, skipping comments', async () => {
    await withCall('f(a, # c\n  b, k=1, *xs)\n', (call) => {
      assert.deepEqual(
        positionalArguments(call).map((a) => a.text),
        ['a', 'b'],
      );
      assert.equal(keywordValue(call, 'k')?.text, '1');
      assert.equal(keywordValue(call, 'z'), null);
      assert.ok(hasSplatArguments(call));
    });
  });

  it('appends an argument in every layout', async () => {
    assert.equal(await append('f()\n', 'k=1'), 'f(k=1)\n');
    assert.equal(await append('f(a, b)\n', 'k=1'), 'f(a, b, k=1)\n');
    assert.equal(await append('f(a, b,)\n', 'k=1'), 'f(a, b, k=1)\n');
    assert.equal(await append('f(\n    a,\n    b,  # note\n)\n', 'k=1'), 'f(\n    a,\n    b,  # note\n    k=1,\n)\n');
    assert.equal(await append('x = f(a,\n      b,\n)\n', 'k=1'), 'x = f(a,\n      b,\n      k=1,\n)\n');
    assert.equal(await append('f(a  # note\n)\n', 'k=1'), 'f(a, k=1  # note\n)\n');
  });

  it('prepends an argument', async () => {
    assert.equal(await prepend('f()\n', '"cuda"'), 'f("cuda")\n');
    assert.equal(await prepend('f(a, k=1)\n', '"cuda"'), 'f("cuda", a, k=1)\n');
    assert.equal(await prepend('f(\n    k=1,\n)\n', '"cuda"'), 'f(\n    "cuda",\n    k=1,\n)\n');
  });
});

describe('callArgs.removeArgument', () => {
  async function remove(source: string, index: number): Promise<string> {
    const { callArguments } = await import('../../server/analysis/callArgs');
    const { removeArgument } = await import('../../server/fixes/arguments');
    return withCall(source, (call) => applyEdits(source, [removeArgument(source, call, callArguments(call)[index])!]));
  }

  it('removes first, middle, last and only arguments', async () => {
    assert.equal(await remove('f(a, b, c)\n', 0), 'f(b, c)\n');
    assert.equal(await remove('f(a, b, c)\n', 1), 'f(a, c)\n');
    assert.equal(await remove('f(a, b, c)\n', 2), 'f(a, b)\n');
    assert.equal(await remove('f(a)\n', 0), 'f()\n');
    assert.equal(await remove('f(a, b,)\n', 1), 'f(a,)\n');
  });

  it('keeps comments and removes whole lines in vertical layouts', async () => {
    assert.equal(await remove('f(\n    a,\n    b,  # keep\n    c,\n)\n', 2), 'f(\n    a,\n    b,  # keep\n)\n');
    assert.equal(await remove('f(\n    a,\n    b,\n    c\n)\n', 2), 'f(\n    a,\n    b,\n)\n');
    assert.equal(await remove('f(a,  # note\n  b)\n', 1), 'f(a,  # note\n  )\n');
    assert.equal(await remove('f(a, b,  # note\n  c)\n', 1), 'f(a, # note\n  c)\n');
  });
});
