// Round 67 (issue 24, review43): torch-sync-in-training-loop must not promise a saving that cannot happen. When the step
// waits for the device elsewhere on every step too (a NaN check of the loss, a TensorBoard `add_scalar` handed the loss
// tensor), removing the flagged syncs removes no wait: the message says so and the finding ranks low. Near misses (the
// logger call guarded to every N steps, or handed a plain number) keep the usual advice.
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

const SYNC = 'torch-sync-in-training-loop';

async function findings(source: string): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { select: [SYNC], filePath: '/proj/pkg/train.py', impact: 'all' }).findings.filter((f) => f.ruleId === SYNC);
}

/** A segmentation-style step that sums two loss terms per step for an epoch average; `extra` is one more statement of the step. */
const step = (extra: string) => `import torch
import torch.nn.functional as F

device = torch.device("cuda")


class Trainer:
    def train(self, model, loader, optimizer, writer, epochs, lr):
        step = 0
        for epoch in range(epochs):
            ce_total = 0.0
            mse_total = 0.0
            for x, y in loader:
                x, y = x.to(device), y.to(device)
                out = model(x)
                loss_ce = F.cross_entropy(out, y)
                loss_mse = F.mse_loss(out.softmax(1), F.one_hot(y, 10).float())
                loss = loss_ce + loss_mse
${extra}
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                step += 1
                ce_total += loss_ce.item()
                mse_total += loss_mse.item()
            ce_total /= len(loader)
            mse_total /= len(loader)
            print(epoch, ce_total, mse_total)
`;

describe('torch-sync-in-training-loop: a step that waits elsewhere too (round 67, review43)', () => {
  it('says a NaN check of the loss already waits each step, and ranks the finding low', async () => {
    const [f] = await findings(step('                self._check_nan(loss)'));
    assert.ok(f);
    assert.match(f.message, /also waits for the device at `self\._check_nan\(loss\)` each step, so removing these alone saves no wait/);
    assert.doesNotMatch(f.message, /keep it on the device/);
    assert.equal(f.impact?.level, 'low');
    assert.match(f.impact!.reasons.join(';'), /waits for the device elsewhere on every step/);
  });

  it('says an add_scalar of the loss tensor already waits each step', async () => {
    const [f] = await findings(step('                writer.add_scalar("train/loss", loss, step)'));
    assert.ok(f);
    assert.match(f.message, /also waits for the device at `writer\.add_scalar\("train\/loss", loss, step\)`/);
    assert.equal(f.impact?.level, 'low');
  });

  it('keeps the advice when the logger call runs only every N steps (near miss)', async () => {
    const [f] = await findings(step('                if step % 100 == 0:\n                    writer.add_scalar("train/loss", loss, step)'));
    assert.ok(f);
    assert.match(f.message, /keep it on the device and sync every N steps/);
    assert.doesNotMatch(f.impact?.reasons.join(';') ?? '', /waits for the device elsewhere/);
  });

  // Round 93 (review68): MMRec's trainer tests the loss in the `if` itself (`if self._check_nan(loss): return`); the
  // condition runs on every step, so the step waits there as surely as with a bare call.
  it('counts a NaN check that is the condition of an if as a wait each step', async () => {
    const [f] = await findings(step('                if self._check_nan(loss):\n                    return loss'));
    assert.ok(f);
    assert.match(f.message, /also waits for the device at `self\._check_nan\(loss\)` each step/);
    assert.equal(f.impact?.level, 'low');
  });

  it('keeps the advice when the NaN check sits in the body of an every-N-steps test (near miss)', async () => {
    const [f] = await findings(step('                if step % 100 == 0 and self._check_nan(loss):\n                    return loss'));
    assert.ok(f);
    assert.match(f.message, /keep it on the device and sync every N steps/);
    assert.doesNotMatch(f.impact?.reasons.join(';') ?? '', /waits for the device elsewhere/);
  });

  it('keeps the advice when add_scalar is handed a plain number (near miss)', async () => {
    const [f] = await findings(step('                writer.add_scalar("train/lr", lr, step)'));
    assert.ok(f);
    assert.match(f.message, /keep it on the device and sync every N steps/);
  });
});
