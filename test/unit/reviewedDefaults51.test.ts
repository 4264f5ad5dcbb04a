// Round 51: findings blind reviews of review24 judged wrong, each with the near misses that must keep their rank.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { inTempProject, rankedFindings as ranked } from '../helpers/engine';

const inProjectAt = (files: Record<string, string>, run: (top: string) => Promise<void>) => inTempProject(files, run, 'perflens-r51-');

describe('round 51: review24 findings judged wrong', () => {
  describe("leftover-breakpoint in a package module's __main__ demo block", () => {
    const RULE = 'leftover-breakpoint';
    // tensorpack's dataset modules: the main block loads a few samples and opens a shell on them.
    const demo =
      'class Samples:\n    def __iter__(self):\n        yield from range(3)\n\n\n' +
      'if __name__ == "__main__":\n    ds = Samples()\n    for _ in ds:\n        from IPython import embed\n\n        embed()\n        break\n';

    it('is a hint in a package module, and the hover says why', async () => {
      await inProjectAt({ 'pkg/__init__.py': '', 'pkg/samples.py': demo }, async (top) => {
        const file = path.join(top, 'pkg/samples.py');
        const [f] = await ranked(RULE, demo, file);
        assert.equal(f?.severity, 'hint');
        assert.equal(f.impact?.level, 'low');
        assert.match(f.impact!.reasons.join(' '), /hand-run demo/);
      });
    });

    it('near misses: a standalone script, a function of a package module, and a function defined under the guard keep their rank', async () => {
      // gluonts' group_raw_data.py: an unconditional pdb.set_trace() in a library function halts every caller.
      const library = 'import pdb\n\n\ndef group(rows):\n    out = {}\n    pdb.set_trace()\n    return out\n';
      const nested = 'if __name__ == "__main__":\n    def run():\n        breakpoint()\n        return 1\n\n    run()\n';
      await inProjectAt({ 'pkg/__init__.py': '', 'pkg/group.py': library, 'pkg/nested.py': nested, 'tools/demo.py': demo }, async (top) => {
        const [script] = await ranked(RULE, demo, path.join(top, 'tools/demo.py'));
        assert.equal(script?.severity, 'warning');
        const [lib] = await ranked(RULE, library, path.join(top, 'pkg/group.py'));
        assert.equal(lib?.severity, 'warning');
        const [fn] = await ranked(RULE, nested, path.join(top, 'pkg/nested.py'));
        assert.equal(fn?.severity, 'warning');
      });
    });
  });
});
