// The language server in a second real LSP client, Neovim (Debian 12: 0.7.2): the diagnostics it publishes for
// test/e2e/neovim/sample.py must be exactly the expected rules on the expected lines, before and after an edit.
//
//   npm run test:e2e:neovim      (after node esbuild.mjs; needs `nvim` on PATH)
//
// Neovim is a push-diagnostics client (no LSP 3.17 pull), so this covers the server's other code path:
// didOpen/didChange -> debounced lint -> textDocument/publishDiagnostics.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT } from './tools.mjs';

const HERE = path.join(ROOT, 'test', 'e2e', 'neovim');
const SERVER = path.join(ROOT, 'dist', 'server.js');

// `<phase> <line>:<column> <rule-id> <severity>`, as diagnostics.lua prints them, in document order.
// With the server's defaults (impact "auto", preview off), decorator-missing-wraps and async-time-sleep are rules in
// preview (server/engine/trackRecord.ts; review41's verdicts took async-time-sleep out): their findings are hints until
// blind reviews prove them; so is is-literal-comparison since review51's verdicts, and pandas-chained-inplace since
// review54's, and torch-loss-accumulated-with-graph since review60's. http-call-without-timeout is proven, so its
// finding keeps its severity (info).
const EXPECTED = [
  'open 7:9 decorator-missing-wraps HINT',
  'open 14:9 async-time-sleep HINT',
  'open 19:16 reduction-over-list-comprehension HINT',
  'open 29:19 is-literal-comparison HINT',
  'open 36:5 pandas-chained-inplace HINT',
  'open 49:9 torch-loss-accumulated-with-graph HINT',
  'open 58:12 http-call-without-timeout INFO',
  // Line 14 now awaits asyncio.sleep(): that finding goes, the others stay.
  'edit 7:9 decorator-missing-wraps HINT',
  'edit 19:16 reduction-over-list-comprehension HINT',
  'edit 29:19 is-literal-comparison HINT',
  'edit 36:5 pandas-chained-inplace HINT',
  'edit 49:9 torch-loss-accumulated-with-graph HINT',
  'edit 58:12 http-call-without-timeout INFO',
];

/** The CLI on the same file must agree with what Neovim received (same engine, same positions). */
function cliFindings(file) {
  // `--impact all`: the CLI's default output leaves hints out (impact ranking), where an editor shows them as hints.
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', '--no-config', '--impact', 'all', file], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 1, `perflens check should find problems in the fixture: ${r.stderr}`);
  return JSON.parse(r.stdout).map((f) => `${f.location.row}:${f.location.column} ${f.code}`);
}

const byPosition = (a, b) => {
  const key = (s) => s.split(' ')[1].split(':').map(Number);
  const [la, ca] = key(a);
  const [lb, cb] = key(b);
  return la - lb || ca - cb;
};

const work = mkdtempSync(path.join(tmpdir(), 'perflens-e2e-nvim-'));
try {
  // A module of a package (pyproject.toml, __init__.py), as a user's code is: a lone file in a temporary folder reads as
  // a one-off script, whose findings rank as hints.
  writeFileSync(path.join(work, 'pyproject.toml'), '[project]\nname = "nvim-sample"\nversion = "0"\n');
  mkdirSync(path.join(work, 'pkg'));
  writeFileSync(path.join(work, 'pkg', '__init__.py'), '');
  const sample = path.join(work, 'pkg', 'sample.py');
  copyFileSync(path.join(HERE, 'sample.py'), sample);
  const started = Date.now();
  // -u NONE: no user config or plugins; -i NONE: no shada; -n: no swap file.
  const r = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', sample, '-c', `luafile ${path.join(HERE, 'diagnostics.lua')}`], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, PERFLENS_NODE: process.execPath, PERFLENS_SERVER: SERVER },
  });
  if (r.error) throw new Error(`could not run nvim: ${r.error.message}`);
  const lines = r.stdout.split('\n').filter(Boolean);
  console.log(`${spawnSync('nvim', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}, ${Date.now() - started} ms:`);
  for (const line of lines) console.log(`  ${line}`);
  assert.equal(r.status, 0, `nvim exited ${r.status}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);

  const phases = ['open', 'edit'].flatMap((phase) => lines.filter((l) => l.startsWith(`${phase} `)).sort(byPosition));
  assert.deepEqual(phases, EXPECTED);
  assert.deepEqual(
    phases.filter((l) => l.startsWith('open ')).map((l) => l.split(' ').slice(1, 3).join(' ')),
    // The copy Neovim opened: under test/ the fixture is test code, which some rules (HTTP timeouts) leave alone.
    cliFindings(sample),
    'Neovim and the CLI disagree',
  );
  console.log('neovim: OK');
} catch (error) {
  console.error(`neovim: FAILED\n${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
