// Shown findings of the general rules that a blind review of review14 and review15 judged noise or wrong, and what each
// rule now says: caches on decorator classes whose instances are module-level functions, caches keyed by a time period,
// downloads made only when a file is missing, and append loops beside a pairwise distance matrix.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Finding } from '../../common/types';
import { FIXTURES, getEngine } from '../helpers/engine';

type Found = Finding & { line: number };

async function findings(rule: string, source: string, filePath = '/proj/pkg/kernels.py'): Promise<Found[]> {
  const engine = await getEngine();
  return engine
    .lintText(source, { select: [rule], filePath, impact: 'auto' })
    .findings.filter((f) => f.ruleId === rule)
    .map((f) => ({ ...f, line: source.slice(0, f.start).split('\n').length }));
}

const fixture = (rule: string, name: string) => readFileSync(path.join(FIXTURES, 'rules', rule, name), 'utf8');
const severities = (found: Found[]) => Object.fromEntries(found.map((f) => [f.line, f.severity]));

describe('review14/15: general findings judged noise', () => {
  it('cache-on-method: a hint on a class whose instances wrap functions, a warning on one that only stores a function', async () => {
    const found = await findings('cache-on-method', fixture('cache-on-method', 'positive_wrapper.py'));
    assert.deepEqual(severities(found), { 16: 'hint', 22: 'hint', 32: 'hint', 42: 'warning', 52: 'warning' });
    assert.match(found.find((f) => f.line === 22)!.impact?.reasons.join('; ') ?? '', /instances wrap functions/);
  });

  it('http-call-without-timeout: a hint where the request runs only when a file is missing, info elsewhere', async () => {
    const found = await findings('http-call-without-timeout', fixture('http-call-without-timeout', 'positive_missing_file.py'));
    // 54: the else branch reads the URL on every call that finds no local file and saves nothing (saxutils' resolver).
    // 81: missing, or a flag asks for it again (`or overwrite`, review57's reegis); 90: `or is_stale(path)` may hold on every run.
    assert.deepEqual(severities(found), { 14: 'hint', 25: 'hint', 43: 'hint', 54: 'info', 60: 'info', 65: 'info', 81: 'hint', 90: 'info' });
    assert.match(found.find((f) => f.line === 25)!.impact?.reasons.join('; ') ?? '', /only when a file is missing/);
  });

  it('append-loop-to-comprehension: a pairwise distance matrix on every pass of the loop over data outweighs the saving', async () => {
    const heavy =
      'from scipy.spatial.distance import pdist\n\ndef prepare(lines):\n    out = {}\n    for line in lines:\n        coords = []\n' +
      '        for i in range(0, len(line), 2):\n            coords.append([float(line[i]), float(line[i + 1])])\n' +
      '        out[line] = pdist(coords)\n    return out\n';
    const [found] = await findings('append-loop-to-comprehension', heavy);
    assert.equal(found?.severity, 'hint');
    assert.match(found.impact?.reasons.join('; ') ?? '', /calls `pdist`, far heavier/);
    // Near miss: the same loop beside a cheap call per pass keeps its severity.
    const [light] = await findings('append-loop-to-comprehension', heavy.replace('pdist(coords)', 'len(coords)'));
    assert.notEqual(light?.severity, 'hint');
  });

  it('string-concat-in-loop: a list grown by copying per batch is low impact in a tutorial folder, kept in package code', async () => {
    const grow =
      'def collect(loader, model):\n    names = []\n    for x, batch_names in loader:\n        model(x)\n        names = names + list(batch_names)\n    return names\n';
    const [tutorial] = await findings('string-concat-in-loop', grow, '/proj/docs/tutorials/embed.py');
    assert.equal(tutorial?.severity, 'hint');
    const [pkg] = await findings('string-concat-in-loop', grow, '/proj/pkg/embed.py');
    assert.equal(pkg?.severity, 'warning');
  });
});
