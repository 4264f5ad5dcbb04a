// Round 93 (issue 24, review69): a gradient helper that reads each parameter's norm back with `.item()` costs one wait per
// parameter tensor each time it runs. How often that is depends on callers the helper's module does not show (unitable's
// compute_grad_norm runs every 10 steps, for a log line), so the message states the cost per call, not "once per
// optimizer step". A loop inside the training step keeps "on every training step".
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

const SYNC = 'torch-sync-in-training-loop';

async function findings(source: string): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { select: [SYNC], filePath: '/proj/pkg/utils.py', impact: 'all' }).findings.filter((f) => f.ruleId === SYNC);
}

describe('torch-sync-in-training-loop: what a per-parameter gradient helper costs (round 93, review69)', () => {
  it('states the cost per call of a helper, not how often its callers run it', async () => {
    const [f] = await findings(`import torch

device = torch.device("cuda")


def compute_grad_norm(model):
    total = 0.0
    for p in model.parameters():
        if p.grad is not None:
            total += p.grad.detach().norm(2).item() ** 2
    return total ** 0.5
`);
    assert.ok(f);
    assert.match(f.message, /once per parameter tensor, each time this gradient helper runs: .* so hundreds of waits a call;/);
    assert.doesNotMatch(f.message, /once per optimizer step/);
  });

  it('keeps "on every training step" for a loop inside the step (near miss)', async () => {
    const [f] = await findings(`import torch
import torch.nn.functional as F

device = torch.device("cuda")


def train(model, loader, optimizer):
    for x, y in loader:
        optimizer.zero_grad()
        F.cross_entropy(model(x.to(device)), y.to(device)).backward()
        bad = 0
        for p in model.parameters():
            bad += (torch.isfinite(p.grad) == 0).sum().item()
        if bad == 0:
            optimizer.step()
`);
    assert.ok(f);
    assert.match(f.message, /on every training step: .* so hundreds of waits a step;/);
  });

  const clip = (test: string) => `import torch

device = torch.device("cuda")


def clip_gradients(model, clip):
    norms = []
    for name, p in model.named_parameters():
        if p.grad is not None:
            param_norm = p.grad.data.norm(2)
            norms.append(param_norm.item())
            clip_coef = clip / (param_norm + 1e-6)
            if ${test}:
                p.grad.data.mul_(clip_coef)
    return norms
`;

  // DINO's clip_gradients (review64's SSL4EO, review69's 3D-Speaker): reviewers noted the `if` waits per parameter too.
  it('names a tensor test per parameter, which waits as well, and advises scaling on the device', async () => {
    const [f] = await findings(clip('clip_coef < 1'));
    assert.ok(f);
    assert.match(f.message, /`if clip_coef < 1:` waits once per parameter as well: scale on the device without the test/);
    assert.doesNotMatch(f.message, /torch\.stack\(values\)\.sum\(\)/);
  });

  it('keeps the usual advice when the test reads plain numbers (near miss)', async () => {
    const [f] = await findings(clip('clip < 1'));
    assert.ok(f);
    assert.match(f.message, /combine them on the device \(`torch\.stack\(values\)\.sum\(\)`/);
    assert.doesNotMatch(f.message, /waits once per parameter as well/);
  });
});
