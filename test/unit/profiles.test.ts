// Profile readers (pstats made here by running a program under cProfile; speedscope, Scalene and torch.profiler
// fixtures written to their documented shapes), path matching, and each finding's verdict from a profile.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeMatch, functionSpans, matchFiles, ProfileError, profileFindings, readProfile, type ProfileIndex } from '../../server/profiles';
import { readMarshal } from '../../server/profiles/marshal';
import { LineIndex } from '../../server/syntax/text';
import type { Finding } from '../../common/types';
import { FIXTURES, getEngine } from '../helpers/engine';

const DIR = path.join(FIXTURES, 'profiles');
const PROGRAM = readFileSync(path.join(DIR, 'pipeline.py'), 'utf8');
const fixture = (name: string) => readFileSync(path.join(DIR, name));

let pipelineProfile: Buffer | undefined;

/** `pipeline.py` run under cProfile once (about a second) for every test that reads it. */
function cProfile(): Buffer {
  pipelineProfile ??= runUnderCProfile(PROGRAM);
  return pipelineProfile;
}

/** Runs a program under cProfile and returns the pstats bytes. */
function runUnderCProfile(source: string): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-profile-'));
  mkdirSync(path.join(dir, 'app'));
  writeFileSync(path.join(dir, 'app', 'pipeline.py'), source);
  const r = spawnSync('/usr/bin/python3', ['-m', 'cProfile', '-o', path.join(dir, 'out.pstats'), path.join(dir, 'app', 'pipeline.py')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(path.join(dir, 'out.pstats'));
}

/** The one profiled file of the pipeline, whatever path the profile gave it. */
function pipelineFile(index: ProfileIndex) {
  const key = [...index.files.keys()].find((k) => k.endsWith('pipeline.py'));
  assert.ok(key, `no pipeline.py in ${[...index.files.keys()].join(', ')}`);
  return index.files.get(key)!;
}

const fn = (index: ProfileIndex, name: string) => pipelineFile(index).functions.find((f) => f.name === name);

/** The engine's findings on a text, with the profile's verdict on each: "line:rule heat share%". */
async function verdicts(index: ProfileIndex, text = PROGRAM): Promise<string[]> {
  const engine = await getEngine();
  const { findings } = engine.lintText(text, {});
  const tree = engine.parse(text);
  try {
    const lines = new LineIndex(text);
    const profiled = profileFindings(findings, (o) => lines.positionAt(o).line + 1, functionSpans(tree), pipelineFile(index), { index, label: 'test' });
    return profiled.map(
      (f: Finding) => `${lines.positionAt(f.start).line + 1}:${f.ruleId} ${f.profile!.heat} ${Math.round(f.profile!.share! * 100)} ${f.severity}`,
    );
  } finally {
    tree.delete();
  }
}

describe('profiles: readers', () => {
  it('reads a pstats file written by cProfile: each function with its own and cumulative share', () => {
    const index = readProfile(cProfile());
    assert.equal(index.format, 'cProfile');
    const hot = fn(index, 'hot_loop')!;
    assert.equal(hot.defLine, 4);
    assert.ok(hot.share.total > 0.5, `hot_loop total ${hot.share.total}`);
    assert.ok(fn(index, 'warm')!.share.total < 0.05);
    assert.equal(fn(index, 'never_called'), undefined);
    assert.ok(fn(index, 'main')!.share.total > 0.9);
    // Its own share leaves out the time in hot_loop and warm (user functions with findings of their own).
    // (Wall-clock time on a busy machine: a margin, not an exact figure.)
    assert.ok(fn(index, 'main')!.share.own! < 0.2, `main own ${fn(index, 'main')!.share.own}`);
    assert.ok(fn(index, 'hot_loop')!.share.own! > 0.5);
    // Built-ins (file `~`) have no source and are left out.
    assert.ok(![...index.files.keys()].includes('~'));
  });

  it('reads py-spy speedscope JSON: line shares from the stacks, function names without py-spy suffixes', () => {
    const index = readProfile(fixture('py-spy.speedscope.json'));
    assert.equal(index.format, 'py-spy');
    const file = pipelineFile(index);
    assert.deepEqual(file.lines.get(6), { self: 0.5, total: 0.6 });
    // Line 7 is on the stack twice (hot_loop, then its <listcomp>): its total counts each sample once.
    assert.deepEqual(file.lines.get(7), { self: 0.38, total: 0.38 });
    assert.equal(fn(index, 'hot_loop')!.share.total, 0.98);
    // main's own samples: none without a user function (hot_loop, warm) below it.
    assert.equal(fn(index, 'main')!.share.own, 0);
    assert.equal(fn(index, 'hot_loop')!.share.own, 0.98);
    assert.equal(fn(index, '<listcomp>')!.share.self, 0.38);
    assert.ok(index.files.has('/srv/venv/lib/python3.11/site-packages/numpy/core/fromnumeric.py'));
  });

  it('reads Scalene JSON: per-line CPU percentages and functions', () => {
    const index = readProfile(fixture('scalene.json'));
    assert.equal(index.format, 'Scalene');
    const file = pipelineFile(index);
    assert.equal(file.lines.get(7)!.total, 0.6);
    assert.equal(Math.round(file.lines.get(6)!.total * 1000), 305);
    assert.equal(fn(index, 'hot_loop')!.defLine, 4);
  });

  it('reads a torch.profiler Chrome trace: Python events nested in time, own time less children', () => {
    const index = readProfile(fixture('torch-trace.json'));
    assert.equal(index.format, 'torch.profiler');
    assert.equal(fn(index, 'hot_loop')!.share.total, 0.89);
    assert.equal(fn(index, 'hot_loop')!.defLine, 4);
    assert.equal(Math.round(fn(index, 'main')!.share.self * 1000), 998 - 890 - 5 - 50);
    assert.equal(fn(index, 'warm')!.share.total, 0.005);
    // main's own: its time less hot_loop and warm, the library call (_call_impl in site-packages) included.
    assert.equal(Math.round(fn(index, 'main')!.share.own! * 1000), 998 - 890 - 5);
  });
});

describe('profiles: bad input', () => {
  const refused = (bytes: Uint8Array | string, message: RegExp) =>
    assert.throws(
      () => readProfile(typeof bytes === 'string' ? Buffer.from(bytes) : bytes),
      (e: unknown) => e instanceof ProfileError && message.test(e.message),
    );

  it('a truncated pstats file, at every length, is a ProfileError (never another exception or a hang)', () => {
    const bytes = cProfile();
    for (let n = 1; n < bytes.length; n++) {
      assert.throws(
        () => readProfile(bytes.subarray(0, n)),
        (e: unknown) => e instanceof ProfileError,
        `length ${n}`,
      );
    }
  });

  it('says what is wrong with files that are not profiles', () => {
    refused('', /empty/);
    refused('print("hello")\n', /not a profile perflens can read/);
    refused('{"traceEvents": [', /not valid JSON.*truncated/);
    refused('{"name": "package", "version": "1.0"}', /JSON file, but not a profile/);
    refused('{"traceEvents": [{"ph": "X", "name": "aten::mm", "ts": 0, "dur": 5}]}', /no Python function events.*with_stack=True/);
    refused('{"shared": {"frames": []}, "profiles": []}', /no samples/);
  });

  it('a marshal count larger than the file, deep nesting and unknown types are refused without allocating', () => {
    // `{` then a tuple claiming 2**31-1 items.
    refused(Uint8Array.from([0x7b, 0x28, 0xff, 0xff, 0xff, 0x7f]), /length runs past the end/);
    refused(Uint8Array.from([0x7b, ...new Array(200).fill(0x5b).flatMap((b) => [b, 1, 0, 0, 0])]), /nested too deeply|truncated/);
    refused(Uint8Array.from([0x7b, 0x63, 0, 0]), /marshal type "c"/);
  });

  it('reads the marshal types pstats uses: ints, longs, floats, strings, tuples, refs', () => {
    // {(u"a.py", 3, r0): (1, 2**40 as long, 0.5)} where r0 refers back to the interned "a.py".
    const long40 = [0x6c, 3, 0, 0, 0, 0, 0, 0, 0, 0, 4]; // 2**40 = 32768**2 * 1024: digits 0, 0, 1024
    const f = new Uint8Array(new Float64Array([0.5]).buffer);
    const bytes = Uint8Array.from([
      0x7b,
      0x29,
      3,
      0xda,
      4,
      ...Buffer.from('a.py'),
      0xe9,
      3,
      0,
      0,
      0,
      0x72,
      0,
      0,
      0,
      0,
      0x29,
      3,
      0x69,
      1,
      0,
      0,
      0,
      ...long40,
      0x67,
      ...f,
      0x30,
    ]);
    assert.deepEqual(readMarshal(bytes), {
      dict: [
        [
          ['a.py', 3, 'a.py'],
          [1, 2 ** 40, 0.5],
        ],
      ],
    });
  });
});

describe('profiles: matching paths to the workspace', () => {
  const workspace = ['app/pipeline.py', 'app/utils.py', 'lib/utils.py', 'src/mypkg/core.py', 'core.py', 'tests/test_core.py'];

  it('matches absolute paths from another machine, relative paths and Windows paths by their longest tail', () => {
    const m = matchFiles(['/srv/build/proj/app/pipeline.py', './tests/test_core.py', 'C:\\work\\proj\\lib\\utils.py'], workspace);
    assert.equal(m.byWorkspaceFile.get('app/pipeline.py'), '/srv/build/proj/app/pipeline.py');
    assert.equal(m.byWorkspaceFile.get('tests/test_core.py'), './tests/test_core.py');
    assert.equal(m.byWorkspaceFile.get('lib/utils.py'), 'C:\\work\\proj\\lib\\utils.py');
    assert.deepEqual(m.unmatched, []);
  });

  it('an installed copy matches by its whole path below site-packages; a library file never matches by name alone', () => {
    const m = matchFiles(
      ['/venv/lib/python3.11/site-packages/mypkg/core.py', '/usr/lib/python3/dist-packages/pandas/core.py', '/usr/lib/python3.11/json/core.py'],
      workspace,
    );
    assert.equal(m.byWorkspaceFile.get('src/mypkg/core.py'), '/venv/lib/python3.11/site-packages/mypkg/core.py');
    assert.equal(m.byWorkspaceFile.has('core.py'), false);
    assert.equal(m.unmatched.length, 2);
  });

  it('a name two workspace files share is not guessed; pseudo-files are not counted', () => {
    const m = matchFiles(['/elsewhere/utils.py', '<string>', '~', '<frozen importlib._bootstrap>'], workspace);
    assert.equal(m.byWorkspaceFile.size, 0);
    assert.equal(m.profileFiles, 1);
    assert.equal(describeMatch('profile.json', m), 'profile.json: none of its 1 file is in this workspace');
    const many = matchFiles(['/a/pipeline.py', ...Array.from({ length: 41 }, (_, i) => `/x/m${i}.py`)], workspace);
    assert.equal(describeMatch('profile.json', many), 'profile.json: 1 of its 42 files is in this workspace');
    assert.equal(describeMatch('p.json', matchFiles(['/x/m.py', '/x/n.py'], workspace)), 'p.json: none of its 2 files are in this workspace');
  });
});

describe('profiles: verdicts on findings', () => {
  it('cProfile: findings in the hot function are hot and one level louder, in a function never called cold and quieter', async () => {
    const v = await verdicts(readProfile(cProfile()));
    assert.ok(
      v.some((s) => /^6:append-loop-to-comprehension hot \d+ warning$/.test(s)),
      v.join('\n'),
    );
    assert.ok(
      v.some((s) => /^7:reduction-over-list-comprehension hot \d+ info$/.test(s)),
      v.join('\n'),
    );
    assert.ok(v.includes('12:reduction-over-list-comprehension warm 0 hint'), v.join('\n'));
    assert.ok(v.includes('16:reduction-over-list-comprehension cold 0 hint'), v.join('\n'));
    // main calls everything (100 % cumulative) but its own code costs nothing: its finding is not hot.
    assert.ok(
      v.some((s) => /^23:timing-with-time-time (warm|cold) \d+ hint$/.test(s)),
      v.join('\n'),
    );
  });

  it('cProfile: functions moved since the profile was taken match by name and nearest def line', async () => {
    const index = readProfile(cProfile());
    const moved = `# a header added after profiling\n\n\n${PROGRAM}`;
    const v = await verdicts(index, moved);
    assert.ok(
      v.some((s) => /^9:append-loop-to-comprehension hot/.test(s)),
      v.join('\n'),
    );
    assert.ok(v.includes('19:reduction-over-list-comprehension cold 0 hint'), v.join('\n'));
  });

  it('py-spy: shares of the finding lines rank it; a line never sampled is cold', async () => {
    const v = await verdicts(readProfile(fixture('py-spy.speedscope.json')));
    assert.ok(v.includes('6:append-loop-to-comprehension hot 60 warning'), v.join('\n'));
    assert.ok(v.includes('7:reduction-over-list-comprehension hot 38 info'), v.join('\n'));
    assert.ok(v.includes('12:reduction-over-list-comprehension warm 2 hint'), v.join('\n'));
    assert.ok(v.includes('16:reduction-over-list-comprehension cold 0 hint'), v.join('\n'));
  });

  it('Scalene and torch.profiler rank the same way', async () => {
    const scalene = await verdicts(readProfile(fixture('scalene.json')));
    assert.ok(scalene.includes('7:reduction-over-list-comprehension hot 60 info'), scalene.join('\n'));
    assert.ok(scalene.includes('16:reduction-over-list-comprehension cold 0 hint'), scalene.join('\n'));
    const torch = await verdicts(readProfile(fixture('torch-trace.json')));
    assert.ok(torch.includes('7:reduction-over-list-comprehension hot 89 info'), torch.join('\n'));
    assert.ok(torch.includes('12:reduction-over-list-comprehension warm 1 hint'), torch.join('\n'));
    assert.ok(torch.includes('16:reduction-over-list-comprehension cold 0 hint'), torch.join('\n'));
  });
});
