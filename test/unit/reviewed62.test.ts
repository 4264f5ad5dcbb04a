// Round 62 (issues 24 and 26): torch-tensor-created-then-moved findings that review38's blind reviewers judged noise,
// a copy of nothing or a copy on the branch for an empty batch, each with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

const RULE = 'torch-tensor-created-then-moved';

/** The rule's findings on `source` saved in a published package, ranked as the default output ranks them (hints kept). */
function ranked(source: string) {
  const published = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '' };
  return rankedInRepository(RULE, source, published, 'pkg/model.py', 'perflens-r62-');
}

const reasons = (f: { impact?: { reasons: string[] } } | undefined) => f?.impact?.reasons.join('; ') ?? '';

/** A module whose forward makes `made` (a factory call moved to x's device) as the statement `line`. */
const forward = (line: string) =>
  `import torch\n\n\nclass Head(torch.nn.Module):\n    def forward(self, x):\n${line
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n')}\n        return x\n`;

describe('torch-tensor-created-then-moved: a tensor with no elements copies nothing', () => {
  // Review63: shown even ranked low (HIPT's multi-crop wrapper, `torch.empty(0).to(x[0].device)`), the claim of a blocking
  // transfer was judged wrong by both reviewers: such a tensor is not reported at all.
  it('not reported for torch.empty(0), torch.Tensor(0) and torch.zeros(0, d)', async () => {
    for (const made of ['torch.empty(0).to(x.device)', 'torch.Tensor(0).cuda()', 'torch.zeros((0, 8)).to(x.device)']) {
      const found = await ranked(forward(`pad = ${made}\nx = x + pad`));
      assert.deepEqual(found, [], `${made}: ${JSON.stringify(found)}`);
    }
  });

  it('near miss: a batch-sized tensor keeps its rank', async () => {
    const [f] = await ranked(forward('pad = torch.zeros(x.size(0), 8).to(x.device)\nx = x + pad'));
    assert.notEqual(f?.impact?.level, 'low', JSON.stringify(f?.impact));
  });
});

describe('torch-tensor-created-then-moved: the branch for an empty batch returns at once', () => {
  const assigner = (test: string, tail = 'return zeros') =>
    `import torch\n\n\nclass Assigner(torch.nn.Module):\n    def forward(self, boxes, scores):\n        n_boxes = boxes.size(1)\n` +
    `        if ${test}:\n            zeros = torch.zeros(scores.size(0), 100).to(scores.device)\n            ${tail}\n` +
    `        return boxes.sum() + scores.sum()\n`;

  it('low impact for `n == 0`, `len(x) == 0`, `not len(x)` and an `or` with one', async () => {
    for (const test of ['n_boxes == 0', 'len(boxes) == 0', 'not len(boxes)', 'boxes is None or boxes.numel() == 0']) {
      const [f] = await ranked(assigner(test));
      assert.equal(f?.impact?.level, 'low', `${test}: ${JSON.stringify(f?.impact)}`);
      assert.match(reasons(f), /branch for an empty input/);
    }
  });

  it("near misses: a test that is not emptiness (a flag: RVC's `if not reverse:`), and an empty branch that goes on", async () => {
    for (const [test, tail] of [
      ['not self.reverse', 'return zeros'],
      ['n_boxes > 0', 'return zeros'],
      ['n_boxes == 1', 'return zeros'],
      ['n_boxes == 0', 'scores = scores + zeros'],
    ]) {
      const [f] = await ranked(assigner(test, tail));
      assert.ok(f, `${test}: expected a finding`);
      assert.notEqual(f.impact?.level, 'low', `${test} / ${tail}: ${JSON.stringify(f.impact)}`);
    }
  });
});

describe('torch-cuda-amp-deprecated: a flag named for a version comparison guards the old versions’ fallback', () => {
  // LMFlow's Trainer copy: `if is_torch_greater_or_equal_than_1_10: ... else: torch.cuda.amp.autocast()` (review38: the
  // else branch runs only on torch < 1.10, where `torch.amp.autocast` does not exist; judged wrong and noise).
  const guarded = (flag: string) =>
    `import torch\n\nfrom .utils import ${flag}\n\n\ndef autocast_context(use_amp):\n    if use_amp:\n        if ${flag}:\n` +
    `            return torch.autocast("cuda")\n        else:\n            return torch.cuda.amp.autocast()\n    return None\n`;
  const found = (source: string) =>
    rankedInRepository('torch-cuda-amp-deprecated', source, { 'requirements.txt': 'torch>=2.0.1\n', 'setup.py': '' }, 'pkg/trainer.py', 'perflens-r62-');

  it('silent under is_torch_greater_or_equal_than_1_10, _TORCH_GREATER_EQUAL_1_12 and TORCH_GE_2_0', async () => {
    for (const flag of ['is_torch_greater_or_equal_than_1_10', '_TORCH_GREATER_EQUAL_1_12', 'TORCH_GE_2_0']) {
      assert.deepEqual(await found(guarded(flag)), [], flag);
    }
  });

  it('silent in the then-branch of a flag that says the older versions (is_torch_less_than_1_10, not ..._greater_...)', async () => {
    const older = (test: string) =>
      `import torch\n\nfrom .utils import flags\n\n\ndef autocast_context():\n    if ${test}:\n        return torch.cuda.amp.autocast()\n    return torch.autocast("cuda")\n`;
    assert.deepEqual(await found(older('flags.is_torch_less_than_1_10')), []);
    assert.deepEqual(await found(older('not is_torch_greater_or_equal_than_1_10')), []);
  });

  it('near misses: the branch for newer versions, and a flag that names no version, keep the finding', async () => {
    // LMFlow's newer branch also spells torch.cuda.amp.autocast: judged worth changing (it runs on every torch the project supports).
    const newer = `import torch\n\nfrom .utils import is_torch_greater_or_equal_than_1_10\n\n\ndef autocast_context():\n    if is_torch_greater_or_equal_than_1_10:\n        return torch.cuda.amp.autocast(dtype=torch.bfloat16)\n    return None\n`;
    assert.equal((await found(newer)).length, 1);
    assert.equal((await found(guarded('use_fast_path'))).length, 1);
  });
});
