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

  describe('cache-on-method', () => {
    const RULE = 'cache-on-method';
    const method = (decorator: string, name = 'value', bases = '') =>
      `import functools\nfrom functools import lru_cache\n\nclass Box${bases}:\n    ${decorator}\n    def ${name}(self):\n        return 1\n`;

    it('a bounded cache is a hint; an unbounded one stays a warning', async () => {
      for (const d of ['@lru_cache(maxsize=8)', '@lru_cache', '@lru_cache()', '@functools.lru_cache(1024)']) {
        assert.equal((await findings(RULE, method(d)))[0]?.severity, 'hint', d);
      }
      for (const d of ['@functools.cache', '@lru_cache(maxsize=None)', '@lru_cache(None)']) {
        assert.equal((await findings(RULE, method(d)))[0]?.severity, 'warning', d);
      }
    });

    it('proposes cached_property only where no interface can depend on the method being called', async () => {
      const plain = (await findings(RULE, method('@functools.cache')))[0];
      assert.match(plain.message, /cached_property/);
      const base = 'class Base:\n    def value(self):\n        return 0\n\n';
      const cases = [
        method('@functools.cache', '__hash__'),
        method('@functools.cache', 'value', '(Dataset)'),
        base + method('@functools.cache', 'value', '(Base)').replace('import functools\nfrom functools import lru_cache\n\n', ''),
        method('@functools.cache') + '\nclass Sub(Box):\n    def value(self):\n        return 2\n',
      ];
      for (const src of cases) {
        const [f] = await findings(RULE, src.includes('import functools') ? src : 'import functools\n' + src);
        assert.ok(f, src);
        assert.doesNotMatch(f.message, /cached_property/, src);
      }
      // Near miss: a base class of this file that does not define the method.
      const other =
        'import functools\n\nclass Base:\n    def other(self):\n        return 0\n\nclass Box(Base):\n    @functools.cache\n    def value(self):\n        return 1\n';
      assert.match((await findings(RULE, other))[0].message, /cached_property/);
    });
  });
});
