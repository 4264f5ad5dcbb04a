// Round 39, lead: findings the blind review of 18 fresh repositories (review5) judged noise or wrong in the default output.
// http-call-without-timeout names a hang: it matters in code that runs unattended (a library, a service), not in a
// notebook, example or script someone runs and watches. A blind review of 18 fresh repositories judged 6 of 8 such
// findings in tutorial notebooks, demo downloads and one-off scripts noise, though several stood in loops.
import * as assert from 'node:assert/strict';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';

const RULE = 'http-call-without-timeout';
const SOURCE = 'import requests\n\n\ndef fetch_all(urls):\n    out = []\n    for url in urls:\n        out.append(requests.get(url).json())\n    return out\n';

async function shown(filePath: string, options: LintOptions = {}): Promise<string[]> {
  const engine = await getEngine();
  // A notebook calls what it defines (a def nothing calls there is low impact for that reason: never called).
  const source = filePath.endsWith('.ipynb') ? `${SOURCE}\n\nprint(fetch_all(open("urls.txt").read().split()))\n` : SOURCE;
  const { findings } = engine.lintText(source, { select: [RULE], filePath, impact: 'auto', ...options });
  return findings.filter((f) => f.ruleId === RULE).map((f) => `${f.severity} ${f.impact?.reasons.join('; ') ?? ''}`);
}

describe('unattendedOnly rules: low impact in code run by hand', () => {
  it('keeps its severity in a library module, in a loop or not', async () => {
    const [found] = await shown('/proj/pkg/client.py');
    assert.match(found!, /^info /);
  });

  it('is a hint in an example, a tutorial or a notebook, whatever loop surrounds it', async () => {
    for (const file of ['/proj/examples/download.py', '/proj/docs/source/tutorials/health.py', '/proj/analysis.ipynb', '/proj/notebooks/explore.py']) {
      const [found] = await shown(file);
      assert.match(found!, /^hint in an example, script or notebook run by hand/, `${file}: ${found}`);
    }
  });

  it('shows everything with impact = "all"', async () => {
    const [found] = await shown('/proj/examples/download.py', { impact: 'all' });
    assert.match(found!, /^info /);
  });
});

describe('eval-exec-untrusted: text that must evaluate to a function', () => {
  const found = async (src: string) => {
    const engine = await getEngine();
    return engine.lintText(src, { select: ['eval-exec-untrusted'], filePath: '/proj/pkg/callbacks.py', impact: 'auto' }).findings;
  };

  it('is a hint without the literal parsers when the result must be callable (a lambda from a config)', async () => {
    for (const check of [
      '    if not callable(fn):\n        raise ValueError("not a function")\n',
      '    if fn.__code__.co_argcount != 2:\n        raise ValueError("two arguments")\n',
    ]) {
      const [f] = await found(
        `class Filter:\n    def __init__(self, fn):\n        if isinstance(fn, str):\n            fn = eval(fn)\n${check.replace(/^ {4}/gm, '        ')}        self.fn = fn\n`,
      );
      assert.equal(f?.severity, 'hint', check);
      assert.match(f!.message, /its result must be callable/);
      assert.doesNotMatch(f!.message, /literal_eval|json\.loads/);
    }
  });

  it('keeps the literal-parser advice when the result is used as data (near miss)', async () => {
    const [f] = await found('class Filter:\n    def __init__(self, spec):\n        spec = eval(spec)\n        self.n = len(spec)\n');
    assert.match(f!.message, /literal_eval/);
  });
});
