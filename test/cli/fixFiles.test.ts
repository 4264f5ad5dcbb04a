// `perflens check --fix` against an unfriendly file system: symlinks, read-only files, file modes and
// owners, hard links, a file edited while --fix runs, and paths that are not files at all. --fix must
// never lose or damage a file: it writes the real file, keeps what it does not own (mode, owner,
// links), and refuses, saying why, when it cannot write safely.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { checkFile } from '../../cli/check';
import type { Engine } from '../../server/engine/engine';
import { getEngine } from '../helpers/engine';
import { CLEAN, CLI, project, run, SLOW } from '../helpers/cli';

const isRoot = process.getuid?.() === 0;

describe('cli --fix on the file system', () => {
  it('follows a symlink: fixes the file it points to and keeps the link', () => {
    const dir = project({ 'real/slow.py': SLOW });
    symlinkSync(path.join('real', 'slow.py'), path.join(dir, 'link.py'));
    const r = run(['check', '--fix', 'link.py'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(lstatSync(path.join(dir, 'link.py')).isSymbolicLink(), 'the link was replaced by a file');
    assert.equal(readlinkSync(path.join(dir, 'link.py')), path.join('real', 'slow.py'));
    assert.equal(readFileSync(path.join(dir, 'real', 'slow.py'), 'utf8'), CLEAN);
    assert.deepEqual(readdirSync(path.join(dir, 'real')), ['slow.py'], 'temp file left beside the target');
  });

  it('follows a symlinked folder and a chain of links', () => {
    const dir = project({ 'real/slow.py': SLOW });
    symlinkSync('real', path.join(dir, 'linked'));
    symlinkSync(path.join('linked', 'slow.py'), path.join(dir, 'first.py'));
    symlinkSync('first.py', path.join(dir, 'second.py'));
    const r = run(['check', '--fix', 'second.py'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(lstatSync(path.join(dir, 'second.py')).isSymbolicLink());
    assert.ok(lstatSync(path.join(dir, 'first.py')).isSymbolicLink());
    assert.ok(lstatSync(path.join(dir, 'linked')).isSymbolicLink());
    assert.equal(readFileSync(path.join(dir, 'real', 'slow.py'), 'utf8'), CLEAN);
  });

  it('refuses a read-only file, says why, and exits non-zero', () => {
    const dir = project({ 'slow.py': SLOW, 'other.py': SLOW });
    chmodSync(path.join(dir, 'slow.py'), 0o444);
    const r = run(['check', '--fix', '.'], dir);
    assert.equal(readFileSync(path.join(dir, 'slow.py'), 'utf8'), SLOW, 'a read-only file was rewritten');
    assert.equal(statSync(path.join(dir, 'slow.py')).mode & 0o777, 0o444);
    assert.equal(readFileSync(path.join(dir, 'other.py'), 'utf8'), CLEAN, 'the writable file was not fixed');
    assert.match(r.stdout, /^slow\.py: not fixed: the file is read-only$/m);
    assert.match(r.stdout, /Fixed 1 problem\./);
    assert.match(r.stdout, /Found 1 problem \(1 not fixed: see above\)\./);
    assert.equal(r.code, 1);
  });

  it('refuses a symlink whose target is read-only', () => {
    const dir = project({ 'real/slow.py': SLOW });
    chmodSync(path.join(dir, 'real', 'slow.py'), 0o444);
    symlinkSync(path.join('real', 'slow.py'), path.join(dir, 'link.py'));
    const r = run(['check', '--fix', 'link.py'], dir);
    assert.equal(readFileSync(path.join(dir, 'real', 'slow.py'), 'utf8'), SLOW);
    assert.ok(lstatSync(path.join(dir, 'link.py')).isSymbolicLink());
    assert.match(r.stdout, /link\.py: not fixed: the file is read-only/);
    assert.equal(r.code, 1);
  });

  it('keeps the file mode (0666 stays 0666, 0755 stays 0755) and still replaces atomically', () => {
    const dir = project({ 'shared.py': SLOW, 'script.py': SLOW });
    chmodSync(path.join(dir, 'shared.py'), 0o666);
    chmodSync(path.join(dir, 'script.py'), 0o755);
    const inodeBefore = statSync(path.join(dir, 'shared.py')).ino;
    const r = run(['check', '--fix', '.'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(path.join(dir, 'shared.py'), 'utf8'), CLEAN);
    assert.equal((statSync(path.join(dir, 'shared.py')).mode & 0o7777).toString(8), '666');
    assert.equal((statSync(path.join(dir, 'script.py')).mode & 0o7777).toString(8), '755');
    // A file with one link is replaced through a temp file and a rename: a crash never leaves half a file.
    assert.notEqual(statSync(path.join(dir, 'shared.py')).ino, inodeBefore);
    assert.deepEqual(readdirSync(dir).sort(), ['script.py', 'shared.py']);
  });

  (isRoot ? it : it.skip)('keeps the owner and group (run as root)', () => {
    const dir = project({ 'slow.py': SLOW });
    chownSync(path.join(dir, 'slow.py'), 4321, 5432);
    const r = run(['check', '--fix', '.'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(path.join(dir, 'slow.py'), 'utf8'), CLEAN);
    const stat = statSync(path.join(dir, 'slow.py'));
    assert.deepEqual([stat.uid, stat.gid], [4321, 5432]);
  });

  it('writes a hard-linked file in place: the links stay one file, both fixed', () => {
    const dir = project({ 'a.py': SLOW });
    mkdirSync(path.join(dir, 'elsewhere'));
    linkSync(path.join(dir, 'a.py'), path.join(dir, 'elsewhere', 'b.py'));
    const r = run(['check', '--fix', 'a.py'], dir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const a = statSync(path.join(dir, 'a.py'));
    const b = statSync(path.join(dir, 'elsewhere', 'b.py'));
    assert.equal(a.ino, b.ino, 'the hard link was split');
    assert.equal(a.nlink, 2);
    assert.equal(readFileSync(path.join(dir, 'elsewhere', 'b.py'), 'utf8'), CLEAN);
    assert.deepEqual(readdirSync(dir).sort(), ['a.py', 'elsewhere']);
  });

  it('skips a file edited while --fix was checking it, keeps the edit, and says so', async () => {
    const dir = project({ 'slow.py': SLOW });
    const file = path.join(dir, 'slow.py');
    const edited = SLOW + 'x = 1\n';
    const engine = await getEngine();
    // An engine whose first lint is "slow": the user saves an edit meanwhile.
    const racing = Object.create(engine) as Engine;
    let saved = false;
    racing.lintText = (text, options) => {
      if (!saved) {
        saved = true;
        writeFileSync(file, edited);
      }
      return engine.lintText(text, options);
    };
    const report = checkFile(racing, file, {}, { fix: true, unsafeFixes: false });
    assert.equal(readFileSync(file, 'utf8'), edited, 'the edit made during --fix was overwritten');
    assert.equal(report.fixed, 0);
    assert.match(String((report as { unfixable?: string }).unfixable), /changed while perflens was checking it/);
  });

  it('says why a file with fixes could not be fixed (syntax errors, non-UTF-8 encoding)', () => {
    const broken = SLOW + '\n\ndef f(:\n    pass\n';
    const latin = Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nname = "'), Buffer.from([0xe9]), Buffer.from('"\n' + SLOW)]);
    const dir = project({ 'broken.py': broken, 'latin.py': latin });
    const r = run(['check', '--fix', '.'], dir);
    assert.equal(readFileSync(path.join(dir, 'broken.py'), 'utf8'), broken);
    assert.deepEqual(readFileSync(path.join(dir, 'latin.py')), latin);
    assert.match(r.stdout, /^broken\.py: not fixed: the file has syntax errors$/m);
    assert.match(r.stdout, /^latin\.py: not fixed: it is encoded in latin1; --fix writes UTF-8 files only$/m);
    assert.doesNotMatch(r.stdout, /fixable with `perflens check --fix`/);
    assert.match(r.stdout, /Found 2 problems \(2 not fixed: see above\)\./);
    assert.equal(r.code, 1);
  });

  it('reports a FIFO named on the command line instead of waiting on it', function () {
    const dir = project({});
    if (spawnSync('mkfifo', [path.join(dir, 'pipe.py')]).status !== 0) this.skip();
    const r = run(['check', '--fix', 'pipe.py'], dir, 20000);
    assert.notEqual(r.code, null, 'the CLI hung reading a FIFO');
    assert.match(r.stdout, /pipe\.py: error: not a regular file/);
    assert.equal(r.code, 2);
  });

  it('leaves nothing behind when there is nothing to fix', () => {
    const dir = project({ 'ok.py': CLEAN });
    const before = statSync(path.join(dir, 'ok.py'));
    assert.equal(run(['check', '--fix', '.'], dir).code, 0);
    const after = statSync(path.join(dir, 'ok.py'));
    assert.deepEqual([after.ino, after.mtimeMs], [before.ino, before.mtimeMs], 'an unchanged file was rewritten');
    assert.deepEqual(readdirSync(dir), ['ok.py']);
  });

  it('reports a device or a link to one named on the command line, without reading it (/dev/zero never ends)', () => {
    const dir = project({});
    symlinkSync('/dev/zero', path.join(dir, 'zero.py'));
    const r = run(['check', '--fix', 'zero.py', '/dev/null'], dir, 20000);
    assert.notEqual(r.code, null, 'the CLI hung reading /dev/zero');
    assert.match(r.stdout, /zero\.py: error: not a regular file/);
    assert.match(r.stdout, /dev\/null: error: not a regular file/);
    assert.equal(r.code, 2);
  });

  it('fixes the files in a folder named like a Python file (a folder given explicitly is walked)', () => {
    const dir = project({ 'pkg.py/slow.py': SLOW });
    const r = run(['check', '--fix', 'pkg.py'], dir, 20000);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(path.join(dir, 'pkg.py', 'slow.py'), 'utf8'), CLEAN);
  });

  it('does not re-create a file deleted while --fix was checking it, and says so', async () => {
    const dir = project({ 'slow.py': SLOW });
    const file = path.join(dir, 'slow.py');
    const engine = await getEngine();
    const racing = Object.create(engine) as Engine;
    racing.lintText = (text, options) => {
      if (existsSync(file)) unlinkSync(file);
      return engine.lintText(text, options);
    };
    const report = checkFile(racing, file, {}, { fix: true, unsafeFixes: false });
    assert.equal(existsSync(file), false, 'the deleted file was written again');
    assert.equal(report.fixed, 0);
    assert.match(String((report as { unfixable?: string }).unfixable), /could not write it: .*no such file/i);
    assert.deepEqual(readdirSync(dir), [], 'a temp file was left behind');
  });

  it('fixes a writable file in a folder it may not write to (in place, no temp file), as a user who is not root', function () {
    const dir = project({ 'locked/slow.py': SLOW });
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, 'locked', 'slow.py'), 0o666);
    chmodSync(path.join(dir, 'locked'), 0o555);
    const nobody = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'check', '--impact', 'all', '--fix', 'locked'],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60000,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    if (!isRoot || nobody.error) this.skip(); // needs root to switch to an unprivileged user
    assert.equal(nobody.status, 0, nobody.stdout + nobody.stderr);
    assert.equal(readFileSync(path.join(dir, 'locked', 'slow.py'), 'utf8'), CLEAN);
    assert.equal((statSync(path.join(dir, 'locked', 'slow.py')).mode & 0o777).toString(8), '666');
    assert.deepEqual(readdirSync(path.join(dir, 'locked')), ['slow.py']);
  });

  it('two --fix runs on the same tree at once: every file ends fixed and whole, nothing left behind', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`pkg/m${i}.py`] = SLOW + `\n\ndef f${i}(xs):\n    return sum([x for x in xs])\n`;
    const dir = project(files);
    const once = () =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'check', '--impact', 'all', '--fix', '.'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
        let stdout = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        const timer = setTimeout(() => child.kill(), 120_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout });
        });
      });
    const runs = await Promise.all([once(), once()]);
    for (const r of runs) {
      assert.notEqual(r.code, null, 'a run hung');
      // A file the other run fixed first is either clean when read, or changed under this run: skipped and said.
      assert.ok(r.code === 0 || (r.code === 1 && /changed while perflens was checking it/.test(r.stdout)), r.stdout);
    }
    for (const [name, text] of Object.entries(files)) {
      const want = text.replace(/sum\(\[(.*)\]\)/g, 'sum($1)');
      assert.equal(readFileSync(path.join(dir, name), 'utf8'), want, name);
    }
    assert.equal(readdirSync(path.join(dir, 'pkg')).length, 40, 'a temp file was left behind');
  });
});
