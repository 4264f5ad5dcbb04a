// Round 48 (review19): torch-sync-in-training-loop leaves alone the syncs a step needs (actions handed to an environment,
// numbers shown on every step) and ranks low the logged numbers of an update loop whose iteration already waits for the
// environment. Each case has a near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

const SYNC = 'torch-sync-in-training-loop';

/** The rule's findings as the default output ranks them, hints kept so their level can be read. */
async function ranked(source: string, filePath = '/proj/pkg/train.py'): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { select: [SYNC], filePath, impact: 'auto', keepHints: true }).findings.filter((f) => f.ruleId === SYNC);
}

/**
 * Round 67 (issue 24): a per-step sync whose number is logged, kept or computed with ranks low (blind reviews of review36-40
 * judged 1 of 27 such findings useful). A near miss now shows the finding exists (impact "all"), ranked low as a per-step
 * sync rather than left out by the rule's own exceptions.
 */
async function perStepLow(source: string, filePath = '/proj/pkg/train.py'): Promise<Finding> {
  const engine = await getEngine();
  assert.deepEqual(await ranked(source, filePath), []);
  const [f] = engine.lintText(source, { select: [SYNC], filePath, impact: 'all' }).findings.filter((x) => x.ruleId === SYNC);
  assert.equal(f?.impact?.level, 'low');
  assert.match(f.impact!.reasons.join(';'), /one wait per step for numbers the step logs/);
  return f;
}

/** An on-policy RL script: a rollout that steps the environment, then minibatch updates that log a clip fraction. */
const rollout = (act: string, guard = '') => `import numpy as np
import torch

device = torch.device("cuda")


def learn(envs, agent, optimizer, iterations, num_steps, epochs, batch_size, minibatch_size, writer):
    obs = torch.zeros((num_steps, envs.num_envs) + envs.obs_shape).to(device)
    actions = torch.zeros((num_steps, envs.num_envs)).to(device)
    next_obs = torch.as_tensor(envs.reset()).to(device)
    for iteration in range(iterations):
        for step in range(num_steps):
            obs[step] = next_obs
            with torch.no_grad():
                action, logprob = agent.act(next_obs)
            actions[step] = action
${guard}            next_obs, reward, done, info = envs.step(${act})
            next_obs = torch.as_tensor(next_obs).to(device)
        inds = np.arange(batch_size)
        clipfracs = []
        for epoch in range(epochs):
            np.random.shuffle(inds)
            for start in range(0, batch_size, minibatch_size):
                mb = inds[start : start + minibatch_size]
                ratio = agent.ratio(obs.reshape(-1, *envs.obs_shape)[mb], actions.reshape(-1)[mb])
                clipfracs += [((ratio - 1.0).abs() > 0.2).float().mean().item()]
                loss = -ratio.mean()
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        writer.add_scalar("losses/clipfrac", np.mean(clipfracs), iteration)
`;

describe('torch-sync-in-training-loop: an update loop inside an iteration that waits for the environment', () => {
  it('a logged number per minibatch is not reported (round 57)', async () => {
    const [f, ...rest] = await ranked(rollout('action.cpu().numpy()'));
    assert.equal(rest.length, 0);
    assert.equal(f, undefined);
  });
  it('near miss: actions kept on the device (a GPU simulator) leave the update loop its finding (low since round 67)', async () => {
    const f = await perStepLow(rollout('action'));
    assert.doesNotMatch(f.message, /already waits/);
  });
  it('near miss: a host copy once per pass of the outer loop (a per-epoch check) does not count', async () => {
    const src = rollout('action').replace(
      '        inds = np.arange(batch_size)\n',
      '        inds = np.arange(batch_size)\n        envs.render(actions.cpu().numpy())\n',
    );
    assert.match(src, /envs\.render/);
    await perStepLow(src);
  });
  it('near miss: a host copy only under a logging guard of the rollout does not count', async () => {
    const src = rollout('action', '            if step % 100 == 0:\n                writer.add_text("action", str(action.cpu().numpy()), step)\n');
    await perStepLow(src);
  });
});

describe('torch-sync-in-training-loop: actions the step hands to the environment', () => {
  const offPolicy = (tail: string) => `import numpy as np
import torch

device = torch.device("cuda")


def learn(envs, q_net, optimizer, memory, steps, writer):
    obs, _ = envs.reset()
    for step in range(steps):
        q_values = q_net(torch.Tensor(obs).to(device))
        actions = torch.argmax(q_values, dim=1).cpu().numpy()
${tail}
        data = memory.sample(32)
        loss = (q_net(data.obs).max(1).values - data.target).pow(2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`;
  it('actions passed to envs.step through a name are not flagged', async () => {
    assert.deepEqual(await ranked(offPolicy('        obs, rewards, dones, _, _ = envs.step(actions)\n        memory.add(obs, actions, rewards, dones)')), []);
  });
  // Round 57: actions only logged are one stall a step, no longer reported either (they were a warning here before).
  it('actions only logged are one stall a step: not reported', async () => {
    assert.deepEqual(await ranked(offPolicy('        writer.add_histogram("actions", actions, step)\n        obs = envs.observe()')), []);
  });
  it('a loss weight synced beside the environment step is not reported (one stall a step)', async () => {
    const src = offPolicy('        obs, rewards, dones, _, _ = envs.step(actions)\n        alpha = q_values.max().item()\n        q_net.alpha.fill_(alpha)');
    const [f] = await ranked(src);
    assert.equal(f, undefined);
  });
});

describe('torch-sync-in-training-loop: numbers shown on every step', () => {
  const bar = (show: string) => `import torch
from tqdm.auto import tqdm

device = torch.device("cuda")


def train_step(model, loader, loss_fn, optimizer, history):
    model.train()
    train_loss, train_acc = 0.0, 0.0
    bar = tqdm(enumerate(loader), total=len(loader))
    for batch, (X, y) in bar:
        X, y = X.to(device), y.to(device)
        y_pred = model(X)
        loss = loss_fn(y_pred, y)
        train_loss += loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        train_acc += (y_pred.argmax(1) == y).sum().item() / len(y_pred)
${show}
    return train_loss / len(loader), train_acc / len(loader)
`;
  it('running totals in a progress bar postfix every step: silent', async () => {
    assert.deepEqual(await ranked(bar('        bar.set_postfix({"loss": train_loss / (batch + 1), "acc": train_acc / (batch + 1)})')), []);
  });
  it('one total shown, the other only kept: not reported (round 57)', async () => {
    const [f, ...rest] = await ranked(bar('        bar.set_description(f"loss {train_loss / (batch + 1):.3f}")\n        history.append(train_acc)'));
    assert.equal(rest.length, 0);
    assert.equal(f, undefined);
  });
  it('near miss: totals shown only after the loop keep the finding (low since round 67)', async () => {
    const f = await perStepLow(bar('    print(train_loss, train_acc)'));
    assert.match(f.message, /2 syncs in this loop/);
  });
});

describe('torch-sync-in-training-loop: a per-micro-step count in a loop that otherwise avoids syncs', () => {
  it('token counts summed into a metrics dict each step and printed every N steps keep their finding (low since round 67)', async () => {
    const src = `import torch


def fit(fabric, model, optimizer, batches, max_iters, log_interval):
    counts = {"raw": 0, "padded": 0}
    for it in range(max_iters):
        batch = next(batches)
        input_ids = batch["input_ids"].to(fabric.device)
        logits = model(input_ids)
        loss = torch.nn.functional.cross_entropy(logits, batch["labels"].to(fabric.device))
        fabric.backward(loss)
        optimizer.step()
        counts["raw"] += batch["token_counts"].sum().item()
        counts["padded"] += batch["padded_counts"].sum().item()
        if it % log_interval == 0:
            fabric.print(f"iter {it} tokens {counts['raw']}")
`;
    await perStepLow(src);
  });
});
