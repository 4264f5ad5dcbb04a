// torch-accumulate-per-element-loop names the loop that repeats the per-row adds by its header alone: a comment written
// after the colon (cleanrl's `for global_step in range(...):  # ALGO LOGIC`) is not part of it.
import * as assert from 'node:assert/strict';
import { ruleFindings } from '../helpers/engine';

const PROJECTION = [
  'import torch',
  '',
  'def train(q_net, replay, total_steps, v_min, delta):',
  '    for global_step in range(total_steps):  # ALGO LOGIC: put action logic here',
  '        batch = replay.sample(32)',
  '        probs = q_net(batch.next_obs)',
  '        low = ((probs - v_min) / delta).floor().long()',
  '        target = torch.zeros_like(probs)',
  '        for i in range(target.size(0)):',
  '            target[i].index_add_(0, low[i], probs[i])',
  '',
].join('\n');

describe('torch-accumulate-per-element-loop: the repeating loop in the message', () => {
  it('quotes the header of the loop around it without the comment after its colon', async () => {
    const found = await ruleFindings('torch-accumulate-per-element-loop', PROJECTION);
    assert.equal(found.length, 1);
    assert.match(found[0].message, /runs again on every pass of `for global_step in range\(total_steps\)`\)/);
    assert.doesNotMatch(found[0].message, /ALGO/);
  });
});
