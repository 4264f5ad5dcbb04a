// Round 43 (issue 26, precision of general rules): default-output findings a blind review of review12 judged noise,
// each with the near miss that must keep its rank.
import * as assert from 'node:assert/strict';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';

/** One rule's findings, ranked as the default output ranks them (impact "auto"). */
async function ranked(ruleId: string, source: string, filePath: string, options: LintOptions = {}) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'auto', ...options }).findings.filter((f) => f.ruleId === ruleId);
}

describe('reduction-over-list-comprehension over a slice with literal bounds', () => {
  const SUM = 'reduction-over-list-comprehension';
  /** imgaug's geometric.py: any() over the two spatial axes of each image's shape. */
  const source = (slice: string) =>
    `def warp(images):\n    out = []\n    for image in images:\n        shape = image.shape\n        out.append(any([axis <= 1 for axis in shape[${slice}]]))\n    return out\n`;

  it('shape[0:2], shape[:3], shape[-2:] take a few items: not in the default output, and the hint says why', async () => {
    for (const [slice, n] of [
      ['0:2', 2],
      [':3', 3],
      ['-2:', 2],
      ['1:3', 2],
    ] as const) {
      assert.deepEqual(await ranked(SUM, source(slice), '/proj/pkg/warp.py'), [], slice);
      const [all] = await ranked(SUM, source(slice), '/proj/pkg/warp.py', { impact: 'all' });
      assert.match(all!.impact!.reasons[0], new RegExp(`at most ${n} items`), slice);
    }
  });

  it("a slice whose length is not written (shape[2:], shape[:n]) is still an item's few axes: hidden, with that reason", async () => {
    for (const slice of ['2:', ':n', ':-1', '0:100']) {
      const src = source(slice).replace('def warp(images)', 'def warp(images, n=2)');
      assert.deepEqual(await ranked(SUM, src, '/proj/pkg/warp.py'), [], slice);
      const [all] = await ranked(SUM, src, '/proj/pkg/warp.py', { impact: 'all' });
      assert.match(all!.impact!.reasons[0], /does not show growing with the data/, slice);
    }
  });

  it("near misses: the same slices of something that grows with the data (a file's lines) stay shown", async () => {
    for (const slice of ['2:', ':n', ':-1', '0:100']) {
      const src =
        `def check(paths, n=2):\n    out = []\n    for p in paths:\n        lines = open(p).readlines()\n` +
        `        out.append(any([line.startswith("#") for line in lines[${slice}]]))\n    return out\n`;
      const [f] = await ranked(SUM, src, '/proj/pkg/check.py');
      assert.equal(f?.severity, 'info', slice);
    }
  });
});
