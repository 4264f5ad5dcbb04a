// Round 59 (issue 24): findings of the blind review of review34 judged wrong, each with the near miss that keeps firing.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

/** One rule's findings on `source` saved as `rel` in a checkout, as the default output ranks them (hints kept). */
function ranked(ruleId: string, source: string, rel = 'pkg/train.py') {
  return rankedInRepository(ruleId, source, {}, rel, 'perflens-r59-');
}

describe('torch-per-sample-forward: a loop over the modules of a ModuleList', () => {
  // openai/jukebox's VQ-VAE decodes each level's code with that level's decoder: one call per module, not per sample.
  const RULE = 'torch-per-sample-forward';
  const vqvae = (loop: string) =>
    'import torch\nfrom torch import nn\n\n\nclass VQVAE(nn.Module):\n    def forward(self, xs_quantised):\n        x_outs = []\n' +
    `${loop}\n        return x_outs\n`;

  it('the decoder picked per level, or the loop item itself: silent', async () => {
    const picked =
      '        for level in range(self.levels):\n            decoder = self.decoders[level]\n' +
      '            x_out = decoder(xs_quantised[level:level + 1], all_levels=False)\n            x_outs.append(x_out)';
    assert.deepEqual(await ranked(RULE, vqvae(picked)), []);
    const item = '        for prior, x in zip(self.priors, xs_quantised):\n            x_outs.append(prior(x.unsqueeze(0)))';
    assert.deepEqual(await ranked(RULE, vqvae(item)), []);
  });

  it('near miss: one decoder run on each sample of the batch', async () => {
    const same =
      '        for level in range(self.levels):\n            decoder = self.decoders[0]\n' +
      '            x_out = decoder(xs_quantised[level:level + 1], all_levels=False)\n            x_outs.append(x_out)';
    const [f] = await ranked(RULE, vqvae(same));
    assert.match(f?.message ?? '', /`decoder\(\.\.\.\)` runs once per item of `xs_quantised`/);
    const item = '        for x in xs_quantised:\n            x_outs.append(self.decoder(x.unsqueeze(0)))';
    const [g] = await ranked(RULE, vqvae(item));
    assert.match(g?.message ?? '', /`self\.decoder\(\.\.\.\)` runs once per item/);
  });
});
