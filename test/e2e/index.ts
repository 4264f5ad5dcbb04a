// The extension-test entry point in @vscode/test-electron's shape: the editor loads this file (extensionTestsPath)
// in its extension host and calls run(); a rejection makes the editor exit non-zero.
// esbuild bundles it and suite/*.test.ts to out/e2e/ (node esbuild.mjs --e2e); mocha stays external and is
// resolved from the extension's node_modules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    // The editor's output is a log, not a terminal; colour codes would only clutter it.
    color: false,
    // Generous per test: a cold extension host starts the language server and loads tree-sitter on first use.
    timeout: 60000,
    slow: 5000,
  });
  const suite = path.join(__dirname, 'suite');
  // Name order, so activation.test.js runs first and sees the extension before any Python file is open.
  for (const file of fs
    .readdirSync(suite)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(suite, file));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} editor test(s) failed`)) : resolve()));
  });
}
