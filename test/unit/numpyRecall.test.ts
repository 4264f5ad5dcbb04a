// Loops of numeric code found by hand on review19 that the numpy rules missed: lazyprogrammer's courses import
// `range` from `builtins` (python-future) in every file, and the sum over a third loop of the Baum-Welch numerators
// is a contraction (np.einsum), not a pairwise distance.
import * as assert from 'node:assert/strict';
import { ruleFindings } from '../helpers/engine';

const SUMS = [
  'from builtins import range',
  'import numpy as np',
  '',
  'def numerators(fwd, bwd, trans, emit, obs, K):',
  '    num = np.zeros((K, K))',
  '    for a in range(K):',
  '        for b in range(K):',
  '            for s in range(len(obs) - 1):',
  '                num[a, b] += fwd[s, a] * trans[a, b] * emit[b, obs[s + 1]] * bwd[s + 1, b]',
  '    return num',
  '',
].join('\n');

describe('numpy loops: recall on review19 shapes', () => {
  it('reports a sum over a third loop as a contraction, with np.einsum', async () => {
    const found = await ruleFindings('numpy-pairwise-nested-loop', SUMS);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /add up products of elements into `num\[a, b\]` over `s`.*np\.einsum/);
  });

  it('reads a guard inside the third loop as a mask of the same sum', async () => {
    const src = SUMS.replace('                num[a, b] +=', '                if ends[s] != 1:\n                    num[a, b] +=');
    const found = await ruleFindings('numpy-pairwise-nested-loop', src);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /over `s`.*np\.einsum/);
  });

  it('keeps the pairwise advice when the third loop only accumulates a difference of rows', async () => {
    const src = SUMS.replace('fwd[s, a] * trans[a, b] * emit[b, obs[s + 1]] * bwd[s + 1, b]', '(fwd[a] - bwd[b]) ** 2').replace(
      'for s in range(len(obs) - 1):',
      'for _ in range(1):',
    );
    const found = await ruleFindings('numpy-pairwise-nested-loop', src);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /one pair of/);
  });
});
