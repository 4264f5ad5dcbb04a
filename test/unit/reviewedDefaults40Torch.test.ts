// Issue 24/26, round 40 (torch): what the default output shows, tuned in-sample on the blind verdicts and the blind hunt
// of review6. Each case is a finding the reviewers judged noise or wrong, now a hint or silent, with a near miss that keeps
// the full severity; and the per-row syncs the hunt found, now shown.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'torch-sync-in-training-loop';

async function severities(source: string, filePath = '/proj/pkg/mod.py') {
  const engine = await getEngine();
  return (
    engine
      // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
      .lintText(source, { select: [RULE], filePath, impact: 'auto', keepHints: true })
      .findings.filter((f) => f.ruleId === RULE)
      .map((f) => f.severity)
  );
}

/** Round 67 (issue 24): the impact levels of the rule's findings with nothing left out (impact "all"). */
async function levels(source: string, filePath = '/proj/pkg/mod.py') {
  const engine = await getEngine();
  return engine
    .lintText(source, { select: [RULE], filePath, impact: 'all' })
    .findings.filter((f) => f.ruleId === RULE)
    .map((f) => f.impact?.level);
}

const HEAD = 'import torch\nimport torch.nn.functional as F\n\n\n';

describe('torch-sync-in-training-loop in the default output (issue 26, round 40)', () => {
  it('is silent in a function that only computes gradients (GradCAM: backward, no optimizer step), even when a loop calls it', async () => {
    const gradcam =
      'def compute_gradcam_batch(model, x, mask):\n    out = model(x)\n    loss = out[:, 1].sum()\n    model.zero_grad()\n    loss.backward()\n' +
      '    with torch.no_grad():\n        lengths = mask.sum(dim=-1).cpu()\n    return lengths, out\n\n\n' +
      'def run(model, batches, mask):\n    device = torch.device("cuda")\n    cams = []\n    for x in batches:\n        cams.append(compute_gradcam_batch(model, x.to(device), mask))\n    return cams\n';
    assert.deepEqual(await severities(HEAD + gradcam), []);
    // Near miss: the same step with an optimizer step is a train step; its copy is flagged when nothing reads it (a copy
    // returned is one stall a step, not reported since round 57).
    const train = gradcam.replace('    return lengths, out\n', '    opt.step()\n    return out\n').replace('(model, x, mask):', '(model, x, mask, opt=None):');
    assert.deepEqual(await severities(HEAD + train), ['warning']);
  });

  it("is silent for an evaluation loop's one metric summed per batch (sentence-transformers' LabelAccuracyEvaluator)", async () => {
    const src =
      'def evaluate(model, loader):\n    device = torch.device("cuda")\n    correct = 0\n    for x, y in loader:\n        with torch.no_grad():\n' +
      '            pred = model(x.to(device))\n        correct += torch.argmax(pred, dim=1).eq(y.to(device)).sum().item()\n    return correct\n';
    assert.deepEqual(await severities(HEAD + src), []);
  });

  it('is silent for a gradient-accumulation total shown once per optimizer step (denoising-diffusion trainers)', async () => {
    const src =
      'def train(model, dl, opt, pbar, steps, accumulate):\n    device = torch.device("cuda")\n    step = 0\n    while step < steps:\n        total_loss = 0.0\n' +
      '        for _ in range(accumulate):\n            loss = model(next(dl).to(device)) / accumulate\n            total_loss += loss.item()\n            loss.backward()\n' +
      "        pbar.set_description(f'loss: {total_loss:.4f}')\n        opt.step()\n        step += 1\n";
    assert.deepEqual(await severities(HEAD + src), []);
    // Near miss: the total is never read.
    assert.deepEqual(await severities(HEAD + src.replace("        pbar.set_description(f'loss: {total_loss:.4f}')\n", '')), ['warning']);
  });

  it('is silent for a step function that returns its losses as numbers (alibi update_actor_critic)', async () => {
    const src =
      'def update_actor_critic(critic, actor, x, r, opt_c, opt_a):\n    losses = {}\n    device = torch.device("cuda")\n    x = x.to(device)\n' +
      '    loss_critic = F.mse_loss(critic(x), r)\n    losses.update({"critic_loss": loss_critic.item()})\n    opt_c.zero_grad()\n    loss_critic.backward()\n    opt_c.step()\n' +
      '    loss_actor = -critic(actor(x)).mean()\n    losses.update({"actor_loss": loss_actor.item()})\n    opt_a.zero_grad()\n    loss_actor.backward()\n    opt_a.step()\n' +
      '    return losses\n';
    assert.deepEqual(await severities(HEAD + src), []);
    // Near miss: one value sets the actor's learning rate instead: the step computes with it. (A dict only logged is a hint
    // since round 41: numbers only shown or logged on the step, judged noise in review8.) Round 67: the finding exists but
    // ranks low, as every per-step sync not thrown away or decided with (review36-40: 1 of 27 judged useful).
    const computed = src.replace('losses.update({"actor_loss": loss_actor.item()})', 'opt_a.param_groups[0]["lr"] = 1e-3 / loss_actor.item()');
    assert.deepEqual(await severities(HEAD + computed), []);
    assert.deepEqual(await levels(HEAD + computed), ['low']);
  });

  it('shows a per-row multinomial sync in a loop over the batch (ALBEF/BLIP hard negatives), wherever the loop stands', async () => {
    const src =
      'class Model(torch.nn.Module):\n    def forward(self, sim, embeds):\n        weights = F.softmax(sim, dim=1)\n        neg = []\n' +
      '        for b in range(sim.size(0)):\n            neg.append(embeds[torch.multinomial(weights[b], 1).item()])\n        return torch.stack(neg)\n';
    assert.deepEqual(await severities(HEAD + src), ['warning']);
    // Near miss: in a test file the ranking keeps it out of the default output.
    assert.deepEqual(await severities(HEAD + src, '/proj/tests/test_model.py'), []);
  });
});
