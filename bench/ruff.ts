// Ruff's WebAssembly build checking files one by one, as a child process of the benchmark:
//   node ruff.js <file-list.json>   → prints { files, diagnostics, syntaxErrors, codes, ms, version }
// Settings: the rule families closest to perflens (deps.md §3), rule codes in the output.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { decodeSource } from '../server/project/sourceFile';
import { RUFF_SELECT } from './corpus';

const ROOT = process.env.PERFLENS_ROOT ?? path.resolve(__dirname, '../../..');

function main(): void {
  const started = performance.now();
  // Resolved from the checkout: the bundle may live in another output folder.
  const ruff = createRequire(path.join(ROOT, 'package.json'))('@astral-sh/ruff-wasm-nodejs') as typeof import('@astral-sh/ruff-wasm-nodejs');
  const files = JSON.parse(readFileSync(process.argv[2], 'utf8')) as string[];
  const workspace = new ruff.Workspace(
    { 'target-version': 'py311', 'output-prefer-rule-codes': true, lint: { select: RUFF_SELECT } },
    ruff.PositionEncoding.Utf16,
  );
  let diagnostics = 0;
  let syntaxErrors = 0;
  const codes = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = decodeSource(readFileSync(file)).text;
    } catch {
      continue;
    }
    const found = workspace.check(text) as { code: string | null }[];
    for (const d of found) {
      if (d.code === 'invalid-syntax') syntaxErrors++;
      else {
        diagnostics++;
        if (d.code) codes.add(d.code);
      }
    }
  }
  workspace.free();
  const version = ruff.Workspace.version();
  process.stdout.write(JSON.stringify({ files: files.length, diagnostics, syntaxErrors, codes: codes.size, ms: performance.now() - started, version }) + '\n');
}

main();
