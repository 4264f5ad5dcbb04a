// Round 76 (issues 24 and 26): findings review53's blind reviewers judged wrong, where the code says why, and the
// near-misses that must keep their rank.
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

/** The rule's findings on `source`, linted as a package module of /proj, every finding at its full severity. */
async function findings(ruleId: string, source: string): Promise<Finding[]> {
  const engine = await getEngine();
  return engine
    .lintText(source, { select: [ruleId], filePath: '/proj/pkg/mod.py', projectRoot: '/proj', impact: 'all', preview: true })
    .findings.filter((f) => f.ruleId === ruleId);
}

describe('eval-exec-untrusted: a parameter bound anew before the call', () => {
  it("does not call the value a caller's when the function replaced it first (dynamo's signature default)", async () => {
    const source = [
      'from inspect import signature',
      '',
      '',
      'def embed(x, n_neighbors=30):',
      '    return x',
      '',
      '',
      'def mnn(adata, n_neighbors=None, save=False):',
      '    if save:',
      '        n_neighbors = signature(embed).parameters["n_neighbors"]',
      '        adata["params"] = {"n_neighbors": eval(n_neighbors)}',
      '    return adata',
      '',
    ].join('\n');
    const [f] = await findings('eval-exec-untrusted', source);
    assert.ok(f, 'still listed: the text is not a literal');
    assert.doesNotMatch(f.message, /a parameter of/);
    assert.equal(f.severity, 'hint');
  });

  it("keeps the parameter's origin when the new value is made from it, or bound only on another path", async () => {
    for (const body of ['    expr = expr.strip()\n    return eval(expr)\n', '    if env:\n        expr = os.getcwd()\n    return eval(expr)\n']) {
      const [f] = await findings('eval-exec-untrusted', `import os\n\n\ndef calc(expr, env=False):\n${body}`);
      assert.match(f?.message ?? '', /`expr`, a parameter of `calc`/, body);
      assert.notEqual(f.severity, 'hint', body);
    }
  });
});

describe("eval-exec-untrusted: a private helper that every call gives a string literal (deeplift's layers)", () => {
  const layers = (third: string) =>
    [
      'class Layer:',
      '    def get_shape(self):',
      '        return self._call_on_inputs("get_shape")',
      '',
      '    def get_mxts(self):',
      `        return self._call_on_inputs(${third})`,
      '',
      '',
      'class SingleInput(Layer):',
      '    def _call_on_inputs(self, function_name):',
      '        return eval("self.inputs." + function_name + "()")',
      '',
    ].join('\n');

  it('is silent: the text is assembled from the program own names', async () => {
    assert.deepEqual(await findings('eval-exec-untrusted', layers('function_name="get_mxts"')), []);
  });

  it('still reports when one call passes something else, or the helper is public', async () => {
    assert.equal((await findings('eval-exec-untrusted', layers('self.name'))).length, 1);
    const publicHelper = layers('"get_mxts"').replace(/_call_on_inputs/g, 'call_on_inputs');
    assert.equal((await findings('eval-exec-untrusted', publicHelper)).length, 1);
  });
});
