// Issue 26 + 24, round 55: numpy-python-loop's full scans per value.
import * as assert from 'node:assert/strict';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';

const RULE = 'numpy-python-loop';

/** The rule's findings as the hosts' defaults show them (impact auto, preview off), in a library module. */
async function shown(source: string, options: LintOptions = {}) {
  const engine = await getEngine();
  const lint: LintOptions = { select: [RULE], filePath: '/proj/pkg/features.py', projectRoot: '/proj', impact: 'auto', preview: false, ...options };
  return engine.lintText(source, lint).findings.filter((f) => f.ruleId === RULE);
}

// mlforecast's fit-time features: the whole of `bucket` compared with each key of a dict.
const ITEMS =
  'import numpy as np\n\n\nclass Pooled:\n    def fill(self, bucket: np.ndarray, times: np.ndarray, per_bucket):\n' +
  '        out = np.full(len(bucket), np.nan)\n        for bid, vals in per_bucket.items():\n            mask = bucket == bid\n' +
  '            out[mask] = vals[np.searchsorted(vals, times[mask])]\n        return out\n';

describe('numpy-python-loop: full scans per value (round 55)', () => {
  it("ranks a scan over a dict's keys high wherever it stands, as the other scans", async () => {
    const [f] = await shown(ITEMS, { preview: true });
    assert.equal(f?.severity, 'warning');
    assert.equal(f.impact?.level, 'high');
    assert.match(f.impact!.reasons[0], /size times the number of values/);
  });
});
