// Issue 24, review40: torch-per-sample-forward over the entries of a mapping (llmware's one input per modality, judged
// wrong) is low impact and says why; a loop over a list of samples keeps its rank.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'torch-per-sample-forward';

async function findings(source: string) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [RULE], filePath: '/proj/pkg/infer.py', impact: 'auto', keepHints: true }).findings.filter((f) => f.ruleId === RULE);
}

const MAPPING =
  'import torch\n\n\n' +
  'class Runner:\n    def run(self, inputs):\n        tensors = {k: torch.from_numpy(v) for k, v in inputs.items()}\n' +
  '        with torch.no_grad():\n            outputs = {k: self.model(t.unsqueeze(0)) for k, t in tensors.items()}\n' +
  '        return outputs\n';

describe('torch-per-sample-forward over the entries of a mapping (issue 24, review40)', () => {
  it("is low impact and says the entries are named inputs (llmware's data_type -> tensor)", async () => {
    const [f, ...rest] = await findings(MAPPING);
    assert.equal(rest.length, 0);
    assert.equal(f.impact?.level, 'low');
    assert.match(f.impact?.reasons.join(' ') ?? '', /entries of a mapping \(`tensors\.items\(\)`\)/);
  });

  it('keeps its rank over a list of samples (near miss)', async () => {
    const [f] = await findings(MAPPING.replace('for k, t in tensors.items()', 'for k, t in enumerate(tensors)'));
    assert.doesNotMatch(f.impact?.reasons.join(' ') ?? '', /mapping/);
    assert.notEqual(f.impact?.level, 'low');
  });
});
