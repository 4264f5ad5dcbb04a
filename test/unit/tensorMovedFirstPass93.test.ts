// Round 93 (review69): `torch.eye(n).to(A.device)` under `if i == 0:` in a loop over layers (torcheeg's
// generate_cheby_adj) runs once per call of the function, not on every pass of the loop: the message says so.
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

const RULE = 'torch-tensor-created-then-moved';

async function findings(source: string): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { select: [RULE], filePath: '/proj/pkg/models.py', impact: 'all' }).findings.filter((f) => f.ruleId === RULE);
}

const cheby = (test: string) => `import torch


def generate_cheby_adj(A, num_layers):
    support = []
    for i in range(num_layers):
        if ${test}:
            support.append(torch.eye(A.shape[1]).to(A.device))
        else:
            support.append(torch.matmul(support[-1], A))
    return support
`;

describe('torch-tensor-created-then-moved: a copy on the first pass of a loop only (round 93, review69)', () => {
  it('says the copy runs each time the function runs', async () => {
    const [f] = await findings(cheby('i == 0'));
    assert.ok(f);
    assert.match(f.message, /each time `generate_cheby_adj` runs/);
    assert.doesNotMatch(f.message, /every pass of this loop/);
  });

  it('keeps "every pass of this loop" when the branch runs on other passes too (near miss)', async () => {
    const [f] = await findings(cheby('i % 2 == 0'));
    assert.ok(f);
    assert.match(f.message, /every pass of this loop/);
  });
});
