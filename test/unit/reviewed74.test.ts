// Round 74 (issue 26): default findings the blind reviewers of held-out review49 and review50 judged not worth a
// change, where the code says why.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

describe("copies of another project's official code", () => {
  const IS = 'def pick(mode):\n    return 1 if mode is "train" else 0\n';
  const setup = { 'setup.py': 'from setuptools import setup\nsetup(name="genforce")\n' };

  it('ranks findings in a `<name>_official/` folder low, as vendored code', async () => {
    // genforce's converters/stylegan2_official/ (NVIDIA's StyleGAN2 code, kept to convert its weights).
    for (const rel of ['converters/stylegan2_official/training/networks.py', 'stylegan3-official/legacy.py']) {
      const [f] = await rankedInRepository('is-literal-comparison', IS, setup, rel, 'perflens-r74-', true);
      assert.equal(f?.severity, 'hint', rel);
      assert.match(f.impact?.reasons.join(' ') ?? '', /vendored/, rel);
    }
  });

  it("keeps a project's own `official/` folder and names that only contain the word", async () => {
    for (const rel of ['official/vision/train.py', 'officials/pick.py', 'unofficial/pick.py', 'genforce/official_models.py']) {
      const [f] = await rankedInRepository('is-literal-comparison', IS, setup, rel, 'perflens-r74-', true);
      assert.equal(f?.severity, 'warning', rel);
    }
  });
});
