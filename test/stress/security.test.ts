// perflens never runs workspace code, never reaches the network, and reads only what it lints and
// its configuration. These tests look at the code and at the shipped bundles for the means to do
// otherwise: process spawning, sockets, HTTP, dynamic code, dynamic require.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { DIST, ROOT } from '../helpers/engine';

const DANGEROUS = ['child_process', 'net', 'http', 'https', 'http2', 'dgram', 'tls', 'dns', 'vm', 'cluster', 'inspector'];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (e.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** `require("x")` calls of a bundle, with the node_modules module each sits in (esbuild's `// node_modules/...` markers). */
function bundleRequires(file: string): { module: string; builtin: string }[] {
  const text = readFileSync(file, 'utf8');
  const out: { module: string; builtin: string }[] = [];
  let module = '(perflens)';
  for (const line of text.split('\n')) {
    // Markers are relative to the build's cwd: `node_modules/...`, or `../x/node_modules/...` when
    // node_modules is a symlink (a worktree sharing a checkout's packages).
    const marker = /^\/\/ ((?:\.\.\/\S*)?node_modules\/\S+|[a-z]+\/\S+\.ts)$/.exec(line.trim());
    if (marker) {
      // The innermost package: node_modules/a/node_modules/b/lib/x.js belongs to b.
      const parts = marker[1].split('/');
      const at = parts.lastIndexOf('node_modules');
      module = at < 0 ? '(perflens)' : parts.slice(at + 1, parts[at + 1].startsWith('@') ? at + 3 : at + 2).join('/');
    }
    for (const m of line.matchAll(/require\("(?:node:)?([a-z_0-9]+)"\)/g)) {
      if (DANGEROUS.includes(m[1])) out.push({ module, builtin: m[1] });
    }
  }
  return out;
}

describe('security: no process spawning, network or workspace code execution', () => {
  it('perflens source never imports process, network or code-evaluation modules', () => {
    // The TypeScript compiler's parser, loaded from the checkout at run time (not bundled).
    const ts = createRequire(path.join(ROOT, 'package.json'))('typescript') as typeof import('typescript');
    const problems: string[] = [];
    for (const dir of ['server', 'rules', 'client']) {
      for (const file of sources(path.join(ROOT, dir))) {
        const rel = path.relative(ROOT, file);
        const mayFetch = rel.startsWith('client/') || rel.startsWith('server/web/');
        // server/lsp/garbage.ts may import vm for one thing only: `vm.runInNewContext('gc')`, which
        // reads V8's garbage-collection function (checked below: no other use of vm there).
        const mayReadGc = rel === path.join('server', 'lsp', 'garbage.ts');
        const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
        const visit = (node: import('typescript').Node): void => {
          if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            const name = node.moduleSpecifier.text.replace(/^node:/, '');
            if (DANGEROUS.includes(name) && !(mayReadGc && name === 'vm')) problems.push(`${rel} imports ${name}`);
          }
          if (ts.isCallExpression(node)) {
            const callee = node.expression;
            const arg = node.arguments[0];
            if ((callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) && arg) {
              if (!ts.isStringLiteral(arg)) problems.push(`${rel} has a dynamic require/import (line ${sf.getLineAndCharacterOfPosition(node.pos).line + 1})`);
              else if (DANGEROUS.includes(arg.text.replace(/^node:/, ''))) problems.push(`${rel} requires ${arg.text}`);
            }
            if (ts.isIdentifier(callee) && callee.text === 'eval') problems.push(`${rel} calls eval`);
            if (mayReadGc && ts.isPropertyAccessExpression(callee) && callee.expression.getText(sf) === 'vm') {
              const readsGc =
                callee.name.text === 'runInNewContext' && node.arguments.length === 1 && arg !== undefined && ts.isStringLiteral(arg) && arg.text === 'gc';
              if (!readsGc) problems.push(`${rel} uses vm for more than reading gc (line ${sf.getLineAndCharacterOfPosition(node.pos).line + 1})`);
            }
            if (ts.isIdentifier(callee) && callee.text === 'fetch' && !mayFetch) problems.push(`${rel} calls fetch`);
          }
          if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && ['Function', 'XMLHttpRequest', 'WebSocket'].includes(node.expression.text)) {
            problems.push(`${rel} uses ${node.expression.text}`);
          }
          ts.forEachChild(node, visit);
        };
        visit(sf);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('the server and CLI bundles use process and socket modules only where their libraries need them', () => {
    // Investigated: vscode-languageserver/node's files.js requires child_process for
    // Files.resolveGlobalNodePath/resolveGlobalYarnPath (npm/yarn lookups perflens never calls);
    // vscode-jsonrpc/node requires net for its --pipe and --socket transports (a local pipe, or
    // a socket to 127.0.0.1 that the editor opened); commander requires child_process for
    // executable sub-commands, which the CLI does not define.
    // (perflens):vm is server/lsp/garbage.ts, held by the test above to `vm.runInNewContext('gc')`.
    const allowed = new Set(['vscode-languageserver:child_process', 'vscode-jsonrpc:net', 'commander:child_process', '(perflens):vm']);
    for (const bundle of ['server.js', 'cli.js']) {
      const found = bundleRequires(path.join(DIST, bundle)).map((r) => `${r.module}:${r.builtin}`);
      assert.deepEqual(
        found.filter((f) => !allowed.has(f)),
        [],
        `${bundle} requires ${found.join(', ')}`,
      );
    }
  });

  it('the client keeps vscode-languageclient restarting a crashed server (no error handler that disables it)', () => {
    const problems: string[] = [];
    for (const file of sources(path.join(ROOT, 'client'))) {
      const text = readFileSync(file, 'utf8');
      if (/CloseAction\.DoNotRestart|maxRestartCount\s*:\s*0|errorHandler\s*:/.test(text)) problems.push(path.relative(ROOT, file));
    }
    assert.deepEqual(problems, [], 'the default error handler restarts the server (up to 4 times in 3 minutes); keep it');
  });
});
