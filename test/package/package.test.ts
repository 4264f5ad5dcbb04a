// The .vsix holds what the extension needs at run time, and nothing from the source tree.
import * as assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as semver from 'semver';
import { CLEAN, SLOW, project } from '../helpers/cli';
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

describe('vsix', () => {
  let scratch: string;
  let vsix: string;
  const unzip = (args: string[]) => spawnSync('unzip', [...args], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });

  before(function () {
    this.timeout(180000);
    if (process.env.PERFLENS_OUT) this.skip();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'perflens-vsix-'));
    vsix = path.join(scratch, 'perflens.vsix');
    // The vsce command of `npm run package` as written there (its flags choose the README), minus its production build.
    const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.package;
    const args = script.slice(script.indexOf('vsce package')).split(/\s+/).slice(1);
    args[args.indexOf('-o') + 1] = vsix;
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), ...args], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('carries a 128×128 PNG icon that the manifest names', () => {
    const listing = unzip(['-l', vsix]).stdout.toString();
    assert.match(listing, /extension\/media\/icon\.png/);
    assert.match(unzip(['-p', vsix, 'extension.vsixmanifest']).stdout.toString(), /<Icon>extension\/media\/icon\.png<\/Icon>/);
    const png = unzip(['-p', vsix, 'extension/media/icon.png']).stdout;
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    // IHDR: width and height, big-endian, right after the chunk header.
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('carries the user README (what it does, screenshots, every setting), not the contributor one', () => {
    const listing = unzip(['-l', vsix]).stdout.toString();
    assert.equal((listing.match(/extension\/readme\.md/gi) ?? []).length, 1, listing);
    const readme = unzip(['-p', vsix, 'extension/readme.md']).stdout.toString();
    assert.match(readme, /^# perflens for VS Code/);
    for (const shot of readdirSync(path.join(ROOT, 'docs', 'screenshots'))) {
      assert.match(readme, new RegExp(`\\]\\(https://[^)]+/docs/screenshots/${shot.replace('.', '\\.')}\\)`), `${shot} is not shown`);
    }
    const settings = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: object } } })
      .contributes.configuration.properties;
    for (const key of Object.keys(settings)) assert.ok(readme.includes(`| \`${key}\` |`), `${key} is missing from the settings table`);
    for (const devOnly of ['npm test', 'npm ci', '## Development', 'CONTRIBUTING']) assert.ok(!readme.includes(devOnly), `the vsix README mentions ${devOnly}`);
  });
});

describe('npm package (npx perflens, the pre-commit hooks)', () => {
  // npm on a closed port: any attempt to reach a registry fails at once instead of passing by luck.
  const offline = (cache: string): NodeJS.ProcessEnv => ({
    ...process.env,
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_cache: cache,
    NO_COLOR: '1',
  });
  const npm = (args: string[], options: SpawnSyncOptions) => spawnSync('npm', args, { encoding: 'utf8', timeout: 120000, ...options });
  const npx = (args: string[], options: SpawnSyncOptions) => spawnSync('npx', args, { encoding: 'utf8', timeout: 120000, ...options });
  let scratch: string;
  let tarball: string;

  before(function () {
    this.timeout(120000);
    // npm pack reads the repository's own dist/, as vsce does.
    if (process.env.PERFLENS_OUT) this.skip();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'perflens-npm-'));
    // --ignore-scripts: pack the dist/ this test run built instead of the prepack production build.
    const r = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: ROOT });
    assert.equal(r.status, 0, String(r.stderr));
    const [packed] = JSON.parse(String(r.stdout)) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(scratch, packed.filename);
    assert.deepEqual(packed.files.map((f) => f.path).sort(), [
      'LICENSE',
      'README.md',
      'dist/cli.js',
      'dist/tree-sitter-python.wasm',
      'dist/web-tree-sitter.wasm',
      'package.json',
    ]);
  });

  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('installs offline from an empty cache, and its npx perflens check reports findings and passes clean files', function () {
    this.timeout(180000);
    const env = offline(path.join(scratch, 'empty-cache'));
    const dir = project({ 'slow.py': SLOW, 'clean.py': CLEAN });
    try {
      writeFileSync(path.join(dir, 'package.json'), '{ "name": "app", "private": true }\n');
      const install = npm(['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: dir, env });
      assert.equal(install.status, 0, String(install.stderr));
      // Nothing but perflens itself: every runtime library is inside the bundle.
      assert.deepEqual(
        readdirSync(path.join(dir, 'node_modules')).filter((n) => !n.startsWith('.')),
        ['perflens'],
      );
      const slow = npx(['--offline', 'perflens', 'check', '--impact', 'all', 'slow.py'], { cwd: dir, env });
      assert.equal(slow.status, 1, String(slow.stdout) + String(slow.stderr));
      assert.match(String(slow.stdout), /slow\.py:2:\d+: hint: reduction-over-list-comprehension/);
      const clean = npx(['--offline', 'perflens', 'check', 'clean.py'], { cwd: dir, env });
      assert.equal(clean.status, 0, String(clean.stdout) + String(clean.stderr));
      assert.match(String(clean.stdout), /All checks passed!/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('engines', () => {
  const json = (file: string): unknown => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));
  const pkg = json('package.json') as { engines: { node: string }; devEngines: { runtime: { name: string; version: string } } };

  it('every locked package runs on every Node that devEngines allows for development (npm ci prints no EBADENGINE)', () => {
    const { packages } = json('package-lock.json') as { packages: Record<string, { engines?: { node?: unknown } }> };
    const supported = pkg.devEngines.runtime.version;
    const unmet = Object.entries(packages)
      .filter(([name, p]) => name !== '' && typeof p.engines?.node === 'string' && !semver.subset(supported, p.engines.node))
      .map(([name, p]) => `${name} needs node ${String(p.engines?.node)}`);
    assert.deepEqual(unmet, [], `devEngines claims ${supported}`);
  });

  it('the CLI bundle targets the oldest Node that engines allows for the installed package', () => {
    const oldest = semver.minVersion(pkg.engines.node);
    assert.ok(oldest, pkg.engines.node);
    assert.match(readFileSync(path.join(ROOT, 'esbuild.mjs'), 'utf8'), new RegExp(`target: 'node${oldest.major}'`));
  });
});

describe('readme', () => {
  it('the generated README tables and guide template lists are up to date (npm run docs)', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'update-docs.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});
