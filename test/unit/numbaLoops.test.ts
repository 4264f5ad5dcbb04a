// The generic loop rules stay silent inside a function numba compiles (by a decorator or `kernel = njit(kernel)`):
// its loops run as machine code, and their rewrites (a generator in `sum(...)`, `max(...)`, `Counter`, `"".join`)
// gain nothing there; nopython mode does not even compile a generator expression. Found on
// polakowo/vectorbt (records/nb.py), where fix-all rewrote two @njit counting loops into `sum(1 for ...)`.
import * as assert from 'node:assert/strict';
import { ALL_RULES } from '../../rules';
import { Engine } from '../../server/engine/engine';
import { GENERIC_LOOP_RULES } from '../../server/engine/rule';
import { DIST, getEngine } from '../helpers/engine';

const COMPILED = [
  'import numba',
  'from numba import njit',
  '',
  '',
  '@njit(cache=True)',
  'def count_valid(a):',
  '    n = 0',
  '    for i in range(a.shape[0]):',
  '        if a[i] == a[i]:',
  '            n += 1',
  '    return n',
  '',
  '',
  '@numba.njit',
  'def squares(n):',
  '    out = []',
  '    for i in range(n):',
  '        out.append(i * i)',
  '    return out',
  '',
  '',
  '@njit',
  'def biggest(items):',
  '    best = items[0]',
  '    for x in items:',
  '        if x > best:',
  '            best = x',
  '    return best',
  '',
  '',
  '@numba.jit(nopython=True)',
  'def tally(words):',
  '    counts = {}',
  '    for w in words:',
  '        counts[w] = counts.get(w, 0) + 1',
  '    return counts',
  '',
  '',
  '@njit',
  'def joined(parts):',
  '    s = ""',
  '    for p in parts:',
  '        s += p',
  '    return s',
  '',
  '',
  '@njit',
  'def total_squares(n):',
  '    return sum([i * i for i in range(n)])',
  '',
  '',
  'def positives(a):',
  '    n = 0',
  '    for i in range(len(a)):',
  '        if a[i] > 0:',
  '            n += 1',
  '    return n',
  '',
  '',
  'fast_positives = njit(positives)',
  '',
].join('\n');

/** The same functions, compiled by nothing. */
const PLAIN = COMPILED.split('\n')
  .filter((line) => !line.startsWith('@') && !line.startsWith('fast_positives'))
  .join('\n');

describe('generic loop rules inside numba-compiled functions', () => {
  it('report nothing there, and offer no fix-all that numba would refuse to compile', async () => {
    const engine = await getEngine();
    const generic = (source: string) =>
      engine
        .lintText(source, { select: [...GENERIC_LOOP_RULES] })
        .findings.map((f) => f.ruleId)
        .sort();
    // Without numba each function is a finding of its generic rule (so the silence below is numba's doing).
    assert.deepEqual(generic(PLAIN), [...GENERIC_LOOP_RULES, 'manual-sum-loop'].sort());
    assert.deepEqual(generic(COMPILED), []);
  });
});

describe('numba decorators re-exported by a module of the workspace', () => {
  const kernel = [
    'from numba import prange',
    'from proj.jitting import njit',
    '',
    '',
    '@njit(cache=True)',
    'def double(a):',
    '    for i in prange(a.shape[0]):',
    '        a[i] *= 2',
    '',
  ].join('\n');
  const reexport = 'try:\n    from numba import njit\nexcept ImportError:\n    def njit(*args, **kwargs):\n        return lambda f: f\n';
  const ownWrapper = 'from numba import njit as _njit\n\n\ndef njit(*args, **kwargs):\n    return _njit(*args, parallel=True, **kwargs)\n';

  it("follow the module's import to numba's, and read the module again when its text changes", async () => {
    const engine = await Engine.create(ALL_RULES, DIST);
    try {
      const files: Record<string, string> = { '/w/proj/jitting.py': reexport };
      engine.files = { exists: (p) => p in files, fileSize: (p) => files[p]?.length ?? null, readText: (p) => files[p] ?? null };
      const lint = () => engine.lintText(kernel, { filePath: '/w/proj/kernels.py', select: ['numba-prange-without-parallel'] });
      const first = lint();
      assert.deepEqual(
        first.findings.map((f) => f.ruleId),
        ['numba-prange-without-parallel'],
      );
      assert.deepEqual(first.dependencies, ['/w/proj/jitting.py'], 'the finding rests on the other module');
      // The module now defines a decorator of its own: no longer numba's, so nothing is claimed.
      files['/w/proj/jitting.py'] = ownWrapper;
      assert.deepEqual(lint().findings, []);
      // Without a path (an unsaved buffer), the module cannot be found: silent.
      files['/w/proj/jitting.py'] = reexport;
      assert.deepEqual(engine.lintText(kernel, { select: ['numba-prange-without-parallel'] }).findings, []);
      assert.equal(lint().findings.length, 1);
    } finally {
      engine.dispose();
    }
  });
});
