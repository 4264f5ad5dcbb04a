// The generic loop rules stay silent inside a function numba compiles (by a decorator or `kernel = njit(kernel)`):
// its loops run as machine code, and their rewrites (a generator in `sum(...)`, `max(...)`, `Counter`, `"".join`)
// gain nothing there; nopython mode does not even compile a generator expression. Found on
// polakowo/vectorbt (records/nb.py), where fix-all rewrote two @njit counting loops into `sum(1 for ...)`.
import * as assert from 'node:assert/strict';
import { GENERIC_LOOP_RULES } from '../../server/engine/rule';
import { getEngine } from '../helpers/engine';

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
