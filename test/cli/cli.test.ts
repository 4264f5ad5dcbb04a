// The CLI as a user runs it: `node dist/cli.js …` in a scratch project (test/helpers/cli.ts).
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { CLEAN, CLI, project, run, SLOW } from '../helpers/cli';

describe('cli', () => {
  it('exits 0 and says so on clean code', () => {
    const dir = project({ 'ok.py': CLEAN });
    const r = run(['check', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /All checks passed!/);
  });

  it('exits 1 with ruff-like text lines when it finds something', () => {
    const dir = project({ 'pkg/slow.py': SLOW });
    const r = run(['check'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^pkg\/slow\.py:2:16: hint: reduction-over-list-comprehension \[\*\] /m);
    assert.match(r.stdout, /Found 1 problem \(1 fixable/);
  });

  it("text lines carry each finding's own severity, the one the editor and SARIF show (issue 28, item 5)", () => {
    // The same rule at two severities: bytes are copied on every update (warning); a local str CPython
    // extends in place (hint). `perflens.severity` for the rule wins over both, even set to the default.
    const source = [
      'def pack(chunks):',
      '    out = b""',
      '    for chunk in chunks:',
      '        out += chunk',
      '    return out',
      'def join(items):',
      '    s = ""',
      '    for item in items:',
      '        s += str(item)',
      '    return s',
      '',
    ].join('\n');
    const dir = project({ 'concat.py': source });
    const text = run(['check', '--select', 'string-concat-in-loop', 'concat.py'], dir).stdout;
    assert.match(text, /^concat\.py:4:9: warning: string-concat-in-loop /m);
    assert.match(text, /^concat\.py:9:9: hint: string-concat-in-loop /m);
    const log = JSON.parse(run(['check', '--format', 'sarif', '--select', 'string-concat-in-loop', 'concat.py'], dir).stdout);
    assert.deepEqual(
      log.runs[0].results.map((r: { properties: { severity: string } }) => r.properties.severity),
      ['warning', 'hint'],
    );
    writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.perflens.severity]\n"string-concat-in-loop" = "warning"\n');
    const overridden = run(['check', '--select', 'string-concat-in-loop', 'concat.py'], dir).stdout;
    assert.match(overridden, /^concat\.py:9:9: warning: string-concat-in-loop /m);
  });

  it('--format json prints Ruff-shaped objects with 1-based locations and the fix', () => {
    const dir = project({ 'slow.py': SLOW });
    const r = run(['check', '--format', 'json', 'slow.py'], dir);
    assert.equal(r.code, 1);
    const [d] = JSON.parse(r.stdout);
    assert.equal(d.code, 'reduction-over-list-comprehension');
    assert.equal(d.filename, path.join(dir, 'slow.py'));
    assert.deepEqual(d.location, { row: 2, column: 16 });
    assert.deepEqual(d.end_location, { row: 2, column: 35 });
    assert.equal(d.fix.applicability, 'safe');
    assert.deepEqual(d.fix.edits[0], { content: '', location: { row: 2, column: 16 }, end_location: { row: 2, column: 17 } });
    assert.match(d.url, /^file:\/\/.*guide\/generators-and-iterators\.md$/);
  });

  it('--format sarif prints a SARIF 2.1.0 log with rule metadata and results', () => {
    const dir = project({ 'slow.py': SLOW });
    const r = run(['check', '--format', 'sarif'], dir);
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    const runInfo = log.runs[0];
    assert.equal(runInfo.tool.driver.name, 'perflens');
    assert.ok(runInfo.tool.driver.rules.length >= 3);
    const result = runInfo.results[0];
    assert.equal(runInfo.tool.driver.rules[result.ruleIndex].id, result.ruleId);
    assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'slow.py');
    assert.equal(result.locations[0].physicalLocation.region.startLine, 2);
    // SARIF's `note` covers both info and hint; the property bag says which perflens meant.
    assert.equal(result.level, 'note');
    assert.equal(result.properties.severity, 'hint');
  });

  // Two astral characters (two UTF-16 units each) before the finding on its line: Ruff's columns count
  // code points, so `[` is column 26 (28 in UTF-16 units) and the closing `]` ends at 45 (not 47).
  const ASTRAL = 'def total(xs):\n    s = "😀😀"; return sum([x * 2 for x in xs])\n';
  // time.sleep in a coroutine: an unsafe fix, with its reason.
  const SLEEPY = 'import asyncio\nimport time\n\nasync def poll():\n    time.sleep(1)\n';

  it('--format json counts columns in code points, for the finding and its fix edits (and so does the text)', () => {
    const dir = project({ 'astral.py': ASTRAL });
    assert.match(run(['check', 'astral.py'], dir).stdout, /^astral\.py:2:26: hint: reduction-over-list-comprehension /m);
    const [d] = JSON.parse(run(['check', '--format', 'json', 'astral.py'], dir).stdout);
    assert.equal(d.code, 'reduction-over-list-comprehension');
    assert.deepEqual(d.location, { row: 2, column: 26 });
    assert.deepEqual(d.end_location, { row: 2, column: 45 });
    assert.deepEqual(
      d.fix.edits.map((e: { location: unknown; end_location: unknown }) => [e.location, e.end_location]),
      [
        [
          { row: 2, column: 26 },
          { row: 2, column: 27 },
        ],
        [
          { row: 2, column: 44 },
          { row: 2, column: 45 },
        ],
      ],
    );
  });

  it("--format json gives an unsafe fix its reason beside Ruff's fields (none for a safe fix)", () => {
    const dir = project({ 'sleepy.py': SLEEPY, 'slow.py': SLOW });
    const found = JSON.parse(run(['check', '--format', 'json', '--select', 'async-time-sleep,reduction-over-list-comprehension', '.'], dir).stdout);
    const sleep = found.find((d: { code: string }) => d.code === 'async-time-sleep');
    assert.equal(sleep.fix.applicability, 'unsafe');
    assert.match(sleep.fix.reason, /suspends here/);
    assert.deepEqual(Object.keys(sleep.fix), ['applicability', 'message', 'edits', 'reason']);
    const safe = found.find((d: { code: string }) => d.code === 'reduction-over-list-comprehension');
    assert.deepEqual(Object.keys(safe.fix), ['applicability', 'message', 'edits']);
  });

  it('--format sarif declares code-point columns and gives unsafe fixes their reason', () => {
    const dir = project({ 'astral.py': ASTRAL, 'sleepy.py': SLEEPY });
    const log = JSON.parse(run(['check', '--format', 'sarif', '--select', 'async-time-sleep,reduction-over-list-comprehension', '.'], dir).stdout);
    const runInfo = log.runs[0];
    assert.equal(runInfo.columnKind, 'unicodeCodePoints');
    const byRule = (id: string) => runInfo.results.find((r: { ruleId: string }) => r.ruleId === id);
    const reduction = byRule('reduction-over-list-comprehension');
    assert.deepEqual(reduction.locations[0].physicalLocation.region, { startLine: 2, startColumn: 26, endLine: 2, endColumn: 45 });
    assert.deepEqual(reduction.fixes[0].artifactChanges[0].replacements[1].deletedRegion, { startLine: 2, startColumn: 44, endLine: 2, endColumn: 45 });
    assert.deepEqual(reduction.fixes[0].properties, { safety: 'safe' });
    const sleep = byRule('async-time-sleep').fixes[0];
    assert.equal(sleep.description.text, 'Replace with await asyncio.sleep() (unsafe)');
    assert.equal(sleep.properties.safety, 'unsafe');
    assert.match(sleep.properties.reason, /timeout or cancellation can fire/);
  });

  it('a safe-only --fix does not chain non_blocking=True onto an unsafe pin_memory=True it did not apply', () => {
    const source = [
      'import torch',
      'from torch.utils.data import DataLoader',
      '',
      'def train(model, ds):',
      '    loader = DataLoader(ds, batch_size=8)',
      '    for x in loader:',
      '        model(x.to("cuda"))',
      '',
    ].join('\n');
    const dir = project({ 'train.py': source });
    const select = ['--select', 'torch-dataloader-pin-memory,torch-to-device-blocking'];
    run(['check', '--fix', ...select, 'train.py'], dir);
    assert.equal(readFileSync(path.join(dir, 'train.py'), 'utf8'), source);
    // Asked for unsafe fixes too, the pinning goes in, and then (safe: pinned, CUDA) the non-blocking copy.
    run(['check', '--fix', '--unsafe-fixes', ...select, 'train.py'], dir);
    const fixed = readFileSync(path.join(dir, 'train.py'), 'utf8');
    assert.match(fixed, /DataLoader\(ds, batch_size=8, pin_memory=True\)/);
    assert.match(fixed, /x\.to\("cuda", non_blocking=True\)/);
  });

  it('--fix applies safe fixes in place, reports them, and leaves a clean file', () => {
    const dir = project({ 'slow.py': SLOW });
    const r = run(['check', '--fix', '.'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Fixed 1 problem/);
    assert.equal(readFileSync(path.join(dir, 'slow.py'), 'utf8'), CLEAN);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'temp file left behind',
    );
  });

  it('--fix keeps a UTF-8 BOM and CRLF line endings', () => {
    const source = '\ufeffimport time\r\n\r\ndef timed(func):\r\n    def wrapper(*a):\r\n        return func(*a)\r\n    return wrapper\r\n';
    const dir = project({ 'crlf.py': Buffer.from(source, 'utf8') });
    run(['check', '--fix', '--unsafe-fixes', '.'], dir); // the functools.wraps fix (it adds an import) is unsafe
    const bytes = readFileSync(path.join(dir, 'crlf.py'));
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(
      bytes.toString('utf8').slice(1),
      'import functools\r\nimport time\r\n\r\ndef timed(func):\r\n    @functools.wraps(func)\r\n    def wrapper(*a):\r\n        return func(*a)\r\n    return wrapper\r\n',
    );
  });

  it('analyses a file with lone \\r line breaks line by line: positions in text and JSON, and --fix keeps \\r', () => {
    // Without the \r read as a line break, the first comment would run to the end of the file: no findings.
    const source = '# totals\rdef total(xs):\r    return sum([x * 2 for x in xs])  # sum\r';
    const dir = project({ 'mac.py': source });
    assert.match(run(['check', 'mac.py'], dir).stdout, /^mac\.py:3:16: hint: reduction-over-list-comprehension /m);
    const [d] = JSON.parse(run(['check', '--format', 'json', 'mac.py'], dir).stdout);
    assert.deepEqual(
      [d.location, d.end_location],
      [
        { row: 3, column: 16 },
        { row: 3, column: 35 },
      ],
    );
    run(['check', '--fix', 'mac.py'], dir);
    assert.equal(readFileSync(path.join(dir, 'mac.py'), 'utf8'), '# totals\rdef total(xs):\r    return sum(x * 2 for x in xs)  # sum\r');
  });

  it('never fixes a file that does not parse', () => {
    const broken = 'def f(xs:\n    return sum([x for x in xs])\n';
    const dir = project({ 'broken.py': broken });
    run(['check', '--fix', '.'], dir);
    assert.equal(readFileSync(path.join(dir, 'broken.py'), 'utf8'), broken);
  });

  it('reports undecodable and binary files clearly and keeps going', () => {
    const dir = project({ 'latin.py': Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]), 'bin.py': Buffer.from([0, 1, 2]), 'slow.py': SLOW });
    const r = run(['check', '.'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /latin\.py: error: file is not valid UTF-8/);
    assert.match(r.stdout, /bin\.py: error: file contains NUL bytes/);
    assert.match(r.stdout, /slow\.py:2:16: hint: reduction-over-list-comprehension/);
  });

  it('honours a PEP 263 coding declaration', () => {
    const latin = Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nname = "'), Buffer.from([0xe9]), Buffer.from('"\n' + SLOW)]);
    const r = run(['check', '.'], project({ 'latin.py': latin }));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /latin\.py:4:16: hint: reduction-over-list-comprehension/);
  });

  it('skips virtual environments, caches and node_modules when walking', () => {
    const dir = project({
      '.venv/lib/slow.py': SLOW,
      'node_modules/x/slow.py': SLOW,
      'env/pyvenv.cfg': '',
      'env/slow.py': SLOW,
      'src/__pycache__/slow.py': SLOW,
      // Ruff's default excludes hold setuptools' build/ too (round 93: a committed build/lib copy doubled every finding).
      'build/lib/pkg/slow.py': SLOW,
    });
    const r = run(['check', '.'], dir);
    assert.equal(r.code, 0, r.stdout);
    // A build/ file named on the command line is still checked, as with Ruff.
    assert.notEqual(run(['check', 'build/lib/pkg/slow.py'], dir).code, 0);
  });

  it('respects .gitignore files below the path given (and --no-respect-gitignore)', () => {
    const dir = project({
      '.gitignore': 'generated/\n*_pb2.py\n',
      'generated/slow.py': SLOW,
      'api_pb2.py': SLOW,
      'sub/.gitignore': 'local.py\n',
      'sub/local.py': SLOW,
      'sub/kept.py': CLEAN,
    });
    assert.equal(run(['check', '.'], dir).code, 0, run(['check', '.'], dir).stdout);
    const all = run(['check', '--no-respect-gitignore', '--format', 'json', '.'], dir);
    assert.equal(JSON.parse(all.stdout).length, 3);
  });

  it('reads [tool.perflens] from pyproject.toml, with per-file ignores', () => {
    const dir = project({
      'pyproject.toml': '[tool.perflens]\nignore = ["async-time-sleep"]\n[tool.perflens.per-file-ignores]\n"legacy/*" = ["generators"]\n',
      'legacy/old.py': SLOW,
      'new.py': SLOW + 'import time\nasync def f():\n    time.sleep(1)\n',
    });
    const r = run(['check', '--format', 'json', '.'], dir);
    const codes = JSON.parse(r.stdout).map((d: { code: string; filename: string }) => `${path.basename(d.filename)}:${d.code}`);
    assert.deepEqual(codes, ['new.py:reduction-over-list-comprehension']);
  });

  it("--extend-select and --ignore add to the project's lists, as the editor's settings do", () => {
    const dir = project({
      'pyproject.toml': '[tool.perflens]\nselect = ["list-pop-front"]\nextend-select = ["reduction-over-list-comprehension"]\n',
      'a.py': SLOW + 'import time\nasync def f():\n    time.sleep(1)\n',
    });
    const codes = (args: string[]) => JSON.parse(run(['check', '--format', 'json', ...args, '.'], dir).stdout).map((d: { code: string }) => d.code);
    assert.deepEqual(codes(['--extend-select', 'async-time-sleep']), ['reduction-over-list-comprehension', 'async-time-sleep']);
    assert.deepEqual(codes(['--extend-select', 'async-time-sleep', '--ignore', 'generators']), ['async-time-sleep']);
    // --select still replaces the project's selection (its extend-select still applies).
    assert.deepEqual(codes(['--select', 'async-time-sleep']), ['reduction-over-list-comprehension', 'async-time-sleep']);
  });

  it('a broken config is a clear usage error (exit 2)', () => {
    const dir = project({ 'pyproject.toml': '[tool.perflens]\nselekt = ["x"]\n', 'a.py': SLOW });
    const r = run(['check', '.'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown setting `selekt`/);
  });

  describe('unknown rule ids are errors (exit 2) naming the file and the key, with the nearest id', () => {
    const config = (toml: string) => run(['check', '.'], project({ 'pyproject.toml': `[tool.perflens]\n${toml}`, 'a.py': SLOW }));

    it('in select: no "All checks passed!" while nothing is checked', () => {
      const r = config('select = ["no-such-rule"]\n');
      assert.equal(r.code, 2, r.stdout);
      assert.doesNotMatch(r.stdout, /All checks passed/);
      assert.match(r.stderr, /pyproject\.toml: `select`: unknown rule or category `no-such-rule`/);
    });

    it('in extend-select and ignore, suggesting the nearest rule id or category', () => {
      const typo = config('extend-select = ["reduction-over-list-comprehensoin"]\n');
      assert.equal(typo.code, 2);
      assert.match(
        typo.stderr,
        /`extend-select`: unknown rule or category `reduction-over-list-comprehensoin` \(did you mean `reduction-over-list-comprehension`\?\)/,
      );
      const category = config('ignore = ["pandsa"]\n');
      assert.equal(category.code, 2);
      assert.match(category.stderr, /`ignore`: unknown rule or category `pandsa` \(did you mean `pandas`\?\)/);
    });

    it('in per-file-ignores and severity', () => {
      const pfi = config('[tool.perflens.per-file-ignores]\n"tests/*" = ["generators", "print-debuging-in-library"]\n');
      assert.equal(pfi.code, 2);
      assert.match(
        pfi.stderr,
        /`per-file-ignores\."tests\/\*"`: unknown rule or category `print-debuging-in-library` \(did you mean `print-debugging-in-library`\?\)/,
      );
      const severity = config('[tool.perflens.severity]\npandas-iterows = "error"\n');
      assert.equal(severity.code, 2);
      assert.match(severity.stderr, /`severity`: unknown rule or category `pandas-iterows` \(did you mean `pandas-iterrows`\?\)/);
    });

    it('accepts ids, categories, category names and "ALL"', () => {
      const r = config('select = ["ALL"]\nignore = ["numba", "loops/comprehensions", "async-time-sleep"]\n[tool.perflens.severity]\npandas = "error"\n');
      assert.equal(r.code, 1, r.stderr);
    });

    it('in --select, --extend-select and --ignore', () => {
      const dir = project({ 'a.py': SLOW });
      const r = run(['check', '--extend-select', 'generators,async-time-slep', '.'], dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--extend-select: unknown rule or category `async-time-slep` \(did you mean `async-time-sleep`\?\)/);
    });
  });

  describe('config values are validated, naming the file and the key', () => {
    const config = (toml: string) => run(['check', '.'], project({ 'perflens.toml': toml, 'a.py': SLOW }));

    for (const value of ['nan', '0.5', '0', '-3', 'inf', '1e15', '"2000000"', '10_000_000_000']) {
      it(`max-file-size = ${value} is an error`, () => {
        const r = config(`max-file-size = ${value}\n`);
        assert.equal(r.code, 2, r.stdout);
        assert.match(r.stderr, /perflens\.toml: `max-file-size` must be a whole number of characters from 1 to /);
      });
    }

    for (const value of ['"py399999999999999999999"', '"py27"', '"3.99"', '"py3"', '39', '"python3.9"']) {
      it(`target-version = ${value} is an error`, () => {
        const r = config(`target-version = ${value}\n`);
        assert.equal(r.code, 2, r.stdout);
        assert.match(r.stderr, /perflens\.toml: `target-version` must be a Python 3 version from py37 to py315/);
      });
    }

    it('accepts good values', () => {
      for (const toml of ['max-file-size = 50000\ntarget-version = "py314"\n', 'target-version = "3.9"\n', 'target-version = "py38"\n']) {
        assert.equal(config(toml).code, 1, toml);
      }
    });

    it('--target-version and --threads are checked too', () => {
      const dir = project({ 'a.py': SLOW });
      const target = run(['check', '--target-version', 'py3999', '.'], dir);
      assert.equal(target.code, 2);
      assert.match(target.stderr, /--target-version/);
      for (const threads of ['abc', '-1', '2.5', '100000']) {
        const r = run(['check', '--threads', threads, '.'], dir);
        assert.equal(r.code, 2, `--threads ${threads}`);
        assert.match(r.stderr, /--threads/);
      }
      assert.equal(run(['check', '--threads', '2', '--target-version', '3.12', '.'], dir).code, 1);
    });
  });

  describe('the summary never contradicts the findings', () => {
    const UNREADABLE = { 'bin.py': Buffer.from([0, 1, 2]), 'latin.py': Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]) };

    it('a run where every file failed to read is not "All checks passed!" and exits 2', () => {
      const r = run(['check', '.'], project(UNREADABLE));
      assert.doesNotMatch(r.stdout, /All checks passed/);
      assert.match(r.stdout, /^No files checked: 2 files could not be read\.$/m);
      assert.equal(r.code, 2);
      // --exit-zero is about findings; a run that checked nothing still fails.
      assert.equal(run(['check', '--exit-zero', '.'], project(UNREADABLE)).code, 2);
    });

    it('counts unreadable files next to clean ones', () => {
      const r = run(['check', '.'], project({ ...UNREADABLE, 'ok.py': CLEAN }));
      assert.doesNotMatch(r.stdout, /All checks passed/);
      assert.match(r.stdout, /^No problems found in 1 file; 2 files could not be read\.$/m);
      assert.equal(r.code, 1);
    });

    it('a path that does not exist is not "All checks passed!"', () => {
      const r = run(['check', 'missing.py'], project({}));
      assert.doesNotMatch(r.stdout, /All checks passed/);
      assert.match(r.stderr, /missing\.py: no such file or directory/);
      assert.equal(r.code, 2);
    });

    it('does not advertise --fix for a file --fix would refuse, and says why', () => {
      // The finding is outside the part that does not parse, but --fix still will not touch the file.
      const broken = SLOW + '\n\ndef f(:\n    pass\n';
      const r = run(['check', '.'], project({ 'broken.py': broken, 'slow.py': SLOW }));
      assert.match(r.stdout, /^broken\.py: --fix would not change this file: the file has syntax errors$/m);
      assert.match(r.stdout, /Found 2 problems \(1 fixable with `perflens check --fix`; 1 not fixable: see above\)\./);
    });
  });

  it('--select, --ignore and --exit-zero', () => {
    const dir = project({ 'slow.py': SLOW });
    assert.equal(run(['check', '--select', 'async-time-sleep', '.'], dir).code, 0);
    assert.equal(run(['check', '--ignore', 'generators', '.'], dir).code, 0);
    assert.equal(run(['check', '--exit-zero', '.'], dir).code, 0);
  });

  it('exits 2 on usage errors', () => {
    const dir = project({});
    assert.equal(run(['check', '--format', 'xml'], dir).code, 2);
    assert.equal(run(['check', '--select', 'no-such-rule'], dir).code, 2);
    assert.equal(run(['frobnicate'], dir).code, 2);
  });

  it('honours suppression comments', () => {
    const dir = project({ 'a.py': 'def total(xs):\n    return sum([x for x in xs])  # perflens: ignore[reduction-over-list-comprehension]\n' });
    assert.equal(run(['check', '.'], dir).code, 0);
  });

  it('explains a rule and lists rules', () => {
    const explained = run(['rule', 'decorator-missing-wraps'], os.tmpdir());
    assert.equal(explained.code, 0);
    assert.match(explained.stdout, /^# decorator-missing-wraps/);
    assert.match(explained.stdout, /## Why is this bad\?/);
    const listed = run(['rules', '--format', 'json'], os.tmpdir());
    const rules = JSON.parse(listed.stdout) as { id: string; preview: boolean; reviewed: { useful: number } }[];
    const byId = new Map(rules.map((r) => [r.id, r]));
    assert.ok(byId.has('async-time-sleep'));
    // Each rule says whether it is still in preview (its findings hints by default) and its record in blind reviews.
    assert.equal(byId.get('http-call-without-timeout')?.preview, false);
    assert.ok(byId.get('http-call-without-timeout')!.reviewed.useful > 0);
    assert.equal(byId.get('async-get-event-loop')?.preview, true);
    assert.match(run(['rules'], os.tmpdir()).stdout, /^http-call-without-timeout +on +proven /m);
  });

  it('`perflens rule` describes every form of the fix, safe and unsafe, with the reasons', () => {
    const explained = run(['rule', 'torch-to-device-blocking'], os.tmpdir()).stdout;
    const section = explained.slice(explained.indexOf('## Fix safety'));
    assert.match(section, /^Copy asynchronously \(non_blocking=True\): safe: keeps behaviour/m);
    assert.match(section, /^- Unsafe when the device may not be a CUDA GPU .*: .*Apple MPS/m);
    assert.match(section, /^- Unsafe when the loop's DataLoader is built elsewhere/m);
    const unsafeOnly = run(['rule', 'async-time-sleep'], os.tmpdir()).stdout;
    assert.match(unsafeOnly, /Replace with await asyncio\.sleep\(\): unsafe: review it; applied only on request\. The coroutine now suspends here/);
  });

  it("`perflens rule` names the other linters' checks whose suppression silences the rule, and the JSON lists them", () => {
    const section = (id: string) => {
      const text = run(['rule', id], os.tmpdir()).stdout;
      return text.includes('## Other linters') ? text.slice(text.indexOf('## Other linters')) : null;
    };
    assert.match(section('open-without-with') ?? '', /Ruff `SIM115` \(`# noqa: SIM115`\); Pylint `consider-using-with` \/ `R1732`/);
    assert.match(section('http-call-without-timeout') ?? '', /Bandit `B113` \/ `request_without_timeout` \(`# nosec B113`, or a bare `# nosec`\)/);
    assert.equal(section('list-pop-front'), null, 'a rule without peers says nothing');
    const rules = JSON.parse(run(['rules', '--format', 'json'], os.tmpdir()).stdout) as { id: string; peers?: { ruff?: string[] } }[];
    assert.deepEqual(rules.find((r) => r.id === 'open-without-with')?.peers?.ruff, ['SIM115']);
  });

  it('worker threads (the .wasm modules compiled once by the main thread) find what one thread finds', () => {
    // Files with and without findings, one that cannot be decoded: every report comes back from a worker in order.
    const files: Record<string, string | Buffer> = { 'latin.py': Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]) };
    for (let i = 0; i < 12; i++) files[`m${i}.py`] = i % 3 === 0 ? CLEAN : SLOW.repeat(i + 1);
    const dir = project(files);
    const one = run(['check', '--impact', 'all', '--format', 'json', '--threads', '1', '.'], dir);
    const three = run(['check', '--impact', 'all', '--format', 'json', '--threads', '3', '.'], dir);
    assert.equal(one.code, 1, one.stderr);
    assert.equal(three.code, 1, three.stderr);
    assert.ok((JSON.parse(one.stdout) as unknown[]).length >= 8, one.stdout);
    assert.equal(three.stdout, one.stdout);
    assert.equal(three.stderr, one.stderr);
  });

  it('workers started before the folder walk and not needed are stopped: fewer files than threads, or too few for any', () => {
    // The workers start before the files are known (pool.ts startWorkers); a process left waiting for one would hang here.
    const dir = project({ 'a.py': SLOW.repeat(3), 'b.py': SLOW.repeat(2), 'c.py': CLEAN });
    const one = run(['check', '--impact', 'all', '--format', 'json', '--threads', '1', '.'], dir);
    assert.equal(one.code, 1, one.stderr);
    for (const threads of ['4', '0']) {
      const started = run(['check', '--impact', 'all', '--format', 'json', '--threads', threads, '.'], dir);
      assert.equal(started.stdout, one.stdout, `--threads ${threads}`);
      assert.equal(started.code, 1, started.stderr);
    }
  });

  it('stops quietly when the reader closes the pipe early (`perflens check . | head`)', async () => {
    const dir = project(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`m${i}.py`, SLOW.repeat(20)])));
    const child = spawn(process.execPath, [CLI, 'check', '--impact', 'all', '--format', 'sarif', '.'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read the first chunk, then close our end, as `head` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.doesNotMatch(stderr, /EPIPE|Unhandled|internal error/);
    assert.equal(code, 1, stderr); // findings were reported: the status the output had reached
  });
});
