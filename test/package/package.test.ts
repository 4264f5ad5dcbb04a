// The .vsix holds what the extension needs at run time, and nothing from the source tree.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from '../helpers/engine';

describe('package', () => {
  it('vsce would ship the bundles, both .wasm files, the guide and the snippets, and no sources', function () {
    this.timeout(120000);
    // vsce reads the repository's own dist/; a build redirected with PERFLENS_OUT cannot be checked here.
    if (process.env.PERFLENS_OUT) this.skip();
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const files = r.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const needed of [
      'dist/client.js',
      'dist/server.js',
      'dist/cli.js',
      'dist/web-tree-sitter.wasm',
      'dist/tree-sitter-python.wasm',
      'dist/web/client.js',
      'dist/web/server.js',
      'dist/web/web-tree-sitter.wasm',
      'dist/web/tree-sitter-python.wasm',
      'snippets/python.json',
      'package.json',
      'README.md',
      'guide/index.md',
      'media/guide.js',
      'media/guide.css',
    ]) {
      assert.ok(files.includes(needed), `${needed} missing from the package: ${files.join(', ')}`);
    }
    assert.deepEqual(
      files.filter((f) => /\.ts$|^test\/|^node_modules\/|\.map$/.test(f)),
      [],
    );
  });
});

describe('readme', () => {
  it('the generated README tables and guide template lists are up to date (npm run docs)', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'update-docs.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
