// Round 70 (issue 24): advice a blind review of review46 judged wrong for the code it was given, each case modelled on it.
import * as assert from 'node:assert/strict';
import { ruleFindings } from '../helpers/engine';

const ITERATION = 'torch-tensor-python-iteration';

describe('torch-tensor-python-iteration: a tensor shown to have a second dimension, read as one number per element', () => {
  // generative-recommenders' eval: `B, _ = target_ids.shape`, then `int(target_id)` per element of a [B, 1] tensor.
  const source = (shape: string) => `import torch


def check(target_ids: torch.Tensor, known: set):
    ${shape}
    for target_id in target_ids:
        target_id = int(target_id)
        if target_id not in known:
            print(target_id)
`;
  const advice = async (shape: string) => (await ruleFindings(ITERATION, source(shape))).map((f) => f.message.match(/convert it once with `([^`]+)`/)?.[1]);

  it('advises flattening first: `.tolist()` alone would give one-item lists that int() rejects', async () => {
    assert.deepEqual(await advice('B, _ = target_ids.shape'), ['target_ids.flatten().tolist()']);
    assert.deepEqual(await advice('width = target_ids.size(1)'), ['target_ids.flatten().tolist()']);
  });

  it('near miss: no second dimension shown (`n = target_ids.shape[0]`), the plain `.tolist()` advice', async () => {
    assert.deepEqual(await advice('n = target_ids.shape[0]'), ['target_ids.tolist()']);
  });
});
