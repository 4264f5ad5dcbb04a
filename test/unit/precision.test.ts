// Precision work from the issue-26 reviews: a finding a maintainer would not act on is a hint or silent,
// and a fix is offered only where it keeps the program working.
import * as assert from 'node:assert/strict';
import type { Finding } from '../../common/types';
import { getEngine } from '../helpers/engine';

async function findings(rule: string, source: string, filePath = '/proj/pkg/mod.py'): Promise<Finding[]> {
  const engine = await getEngine();
  return engine.lintText(source, { select: [rule], filePath }).findings.filter((f) => f.ruleId === rule);
}

describe('precision (issue 26)', () => {
  describe('eval-exec-untrusted', () => {
    const RULE = 'eval-exec-untrusted';

    it("a field of the program's parsed configuration is a hint; a plain parameter stays a warning", async () => {
      for (const expr of ['args.decoder_layers', 'cfg.model.layers', 'getattr(override_args, "model_overrides", "{}")']) {
        const [f] = await findings(RULE, `def build(args, cfg, override_args):\n    return eval(${expr})\n`);
        assert.equal(f?.severity, 'hint', expr);
      }
      const [plain] = await findings(RULE, 'def build(layers):\n    return eval(layers)\n');
      assert.equal(plain?.severity, 'warning');
      // Near miss: in a web app the same field is outside input.
      const [web] = await findings(RULE, 'import flask\n\ndef build(args):\n    return eval(args.layers)\n');
      assert.equal(web?.severity, 'error');
    });

    it('offers no ast.literal_eval fix when the result is called', async () => {
      for (const src of ['def resolve(name):\n    return eval(name)(3)\n', 'def resolve(name):\n    cls = eval(name)\n    return cls()\n']) {
        const [f] = await findings(RULE, src);
        assert.ok(f, src);
        assert.equal(f.fix, undefined, src);
        assert.doesNotMatch(f.message, /literal_eval/, src);
        assert.match(f.message, /getattr\(module, name\)/, src);
      }
      // Near miss: a value that is only read keeps the fix.
      const [read] = await findings(RULE, 'def parse(text):\n    value = eval(text)\n    return value + 1\n');
      assert.ok(read?.fix);
    });
  });
});
