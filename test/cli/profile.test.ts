// `perflens check --profile FILE`: findings in hot code first with the measured share, cold code marked, a
// profile that does not match the files said so, and a file that is not a profile refused (exit 2).
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as sarif from 'sarif';
import { project, run } from '../helpers/cli';
import { FIXTURES } from '../helpers/engine';

const DIR = path.join(FIXTURES, 'profiles');
const PIPELINE = readFileSync(path.join(DIR, 'pipeline.py'), 'utf8');
/** Sorts before app/pipeline.py and is in no profile: without ranking its finding would come first. */
const ELSEWHERE = { 'aaa/setup_once.py': 'def build(xs):\n    return sum([x for x in xs])\n' };

const lines = (stdout: string) => stdout.split('\n').filter((l) => /^\S+:\d+:\d+: /.test(l));

describe('cli: --profile', () => {
  it('cProfile run in the test: hot findings first with their share, the function never called marked cold', () => {
    const dir = project({ 'app/pipeline.py': PIPELINE, ...ELSEWHERE });
    const r0 = spawnSync('/usr/bin/python3', ['-m', 'cProfile', '-o', 'out.pstats', 'app/pipeline.py'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r0.status, 0, r0.stderr);
    const r = run(['check', '--profile', 'out.pstats', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    const found = lines(r.stdout);
    assert.match(found[0], /^app\/pipeline\.py:\d+:\d+: warning: append-loop-to-comprehension .* \[hot: \d+ % of time in `hot_loop`\]$/);
    assert.match(found[1], /^app\/pipeline\.py:7:24: info: reduction-over-list-comprehension .* \[hot: \d+ % of time in `hot_loop`\]$/);
    assert.ok(
      found.some((l) => /^app\/pipeline\.py:16:16: hint: reduction-over-list-comprehension .* \[cold: never reached in the profile\]$/.test(l)),
      r.stdout,
    );
    // A file the profile does not name: no verdict, no tag.
    assert.ok(
      found.some((l) => /^aaa\/setup_once\.py:2:\d+: hint: reduction-over-list-comprehension [^[]*$/.test(l.replace('[*]', ''))),
      r.stdout,
    );
    assert.match(r.stderr, /^perflens: profile out\.pstats: 1 of its 1 file is in this workspace$/m);
  });

  it('default impact ranking: a finding ranked down to a hint is shown again, at full severity and up, where the profile is hot', () => {
    const dir = project({ 'app/pipeline.py': PIPELINE, ...ELSEWHERE });
    const plain = lines(run(['check', '.'], dir, 60000, true).stdout);
    assert.ok(!plain.some((l) => /^app\/pipeline\.py:6:5: /.test(l)), plain.join('\n')); // a hint outside measured hot code: left out
    const found = lines(run(['check', '--profile', path.join(DIR, 'scalene.json'), '.'], dir, 60000, true).stdout);
    assert.ok(
      found.some((l) => /^app\/pipeline\.py:6:5: warning: append-loop-to-comprehension .* \[hot: 31 % /.test(l)),
      found.join('\n'),
    );
    assert.ok(!found.some((l) => /\bhint: /.test(l)), found.join('\n'));
  });

  it('Scalene: the larger measured share ranks first, whatever the line order', () => {
    const dir = project({ 'app/pipeline.py': PIPELINE, ...ELSEWHERE });
    const r = run(['check', '--profile', path.join(DIR, 'scalene.json'), '.'], dir);
    const found = lines(r.stdout);
    assert.match(found[0], /^app\/pipeline\.py:7:24: .* \[hot: 60 % of CPU time on these lines, 91 % in `hot_loop`\]$/);
    assert.match(found[1], /^app\/pipeline\.py:6:5: .* \[hot: 31 % of CPU time on these lines, 91 % in `hot_loop`\]$/);
    assert.match(found[2], /^aaa\/setup_once\.py:/);
  });

  it('JSON carries the profile per finding, hot ones first; SARIF in the property bag and as the result rank', () => {
    const dir = project({ 'app/pipeline.py': PIPELINE, ...ELSEWHERE });
    const json = JSON.parse(run(['check', '--format', 'json', '--profile', path.join(DIR, 'py-spy.speedscope.json'), '.'], dir).stdout) as {
      code: string;
      location: { row: number };
      profile?: { heat: string; share?: number; lines?: number; function?: { name: string; share: number }; unit: string; source: string };
    }[];
    assert.deepEqual(
      json.slice(0, 2).map((d) => [d.location.row, d.profile?.heat, d.profile?.lines]),
      [
        [6, 'hot', 0.6],
        [7, 'hot', 0.38],
      ],
    );
    assert.deepEqual(json[0].profile?.function, { name: 'hot_loop', share: 0.98 });
    assert.equal(json[0].profile?.source, 'py-spy');
    assert.equal(json.find((d) => d.location.row === 16)?.profile?.heat, 'cold');
    assert.equal(json.find((d) => d.code === 'reduction-over-list-comprehension' && d.location.row === 2)?.profile?.heat, 'unmatched');
    const log = JSON.parse(run(['check', '--format', 'sarif', '--profile', path.join(DIR, 'py-spy.speedscope.json'), '.'], dir).stdout) as sarif.Log;
    const hot = log.runs[0].results!.find((x) => x.locations![0].physicalLocation!.region!.startLine === 7)!;
    assert.equal(hot.rank, 38);
    assert.equal((hot.properties!.profile as { heat: string }).heat, 'hot');
  });

  it('without --profile nothing changes: no profile field, line order', () => {
    const dir = project({ 'app/pipeline.py': PIPELINE });
    const json = JSON.parse(run(['check', '--format', 'json', '.'], dir).stdout) as { profile?: unknown; location: { row: number } }[];
    assert.ok(json.every((d) => d.profile === undefined));
    assert.deepEqual(
      json.map((d) => d.location.row),
      [...json.map((d) => d.location.row)].sort((a, b) => a - b),
    );
  });

  it('a profile of other code says none of its files are here; the findings are unranked and untagged', () => {
    const dir = project({ 'other.py': 'def f(xs):\n    return sum([x for x in xs])\n' });
    const r = run(['check', '--profile', path.join(DIR, 'py-spy.speedscope.json'), '.'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /py-spy\.speedscope\.json: none of its 2 files are in this workspace$/m);
    assert.doesNotMatch(r.stdout, /\[(hot|warm|cold):/);
  });

  it('a file that is not a profile, a truncated one or a missing one: exit 2 with the reason, nothing checked', () => {
    const dir = project({
      'app/pipeline.py': PIPELINE,
      'notes.json': '{"name": "x"}',
      'cut.json': '{"traceEvents": [{"ph": "X"',
      'bin.pstats': Buffer.from([0x7b, 0x29, 3, 0xda]),
    });
    const cases: [string, RegExp][] = [
      ['notes.json', /^perflens: --profile notes\.json: a JSON file, but not a profile perflens can read \(perflens reads cProfile\/pstats files, py-spy/],
      ['cut.json', /^perflens: --profile cut\.json: not valid JSON .*truncated\?/],
      ['bin.pstats', /^perflens: --profile bin\.pstats: the pstats file is truncated/],
      ['app/pipeline.py', /^perflens: --profile app\/pipeline\.py: not a profile perflens can read/],
      ['missing.prof', /^perflens: --profile missing\.prof: cannot read the profile \(no such file\)/],
    ];
    for (const [file, message] of cases) {
      const r = run(['check', '--profile', file, '.'], dir);
      assert.equal(r.code, 2, file);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });
});
