// Runs the editor suite in desktop VS Code with @vscode/test-electron, where VS Code can be downloaded
// (or VSCODE_EXECUTABLE points at an installed one). The same out/e2e suite runs in code-server through
// scripts/e2e/run-suite.mjs (npm run test:e2e), which is what CI uses on machines without that download.
//
//   node esbuild.mjs && node esbuild.mjs --e2e && node test/e2e/run-electron.mjs      (npm run test:e2e:electron)
import { runTests } from '@vscode/test-electron';
import * as path from 'node:path';
import { ROOT } from '../../scripts/e2e/tools.mjs';
import { exampleWorkspace } from '../../scripts/e2e/workspace.mjs';

const workspace = exampleWorkspace();
try {
  const environment = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PERFLENS_E2E_')));
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out', 'e2e', 'index.js'),
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    extensionTestsEnv: environment,
    // A fresh profile with no other extensions, and the throwaway copy of examples/ as the workspace.
    launchArgs: [workspace.dir, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
} catch (error) {
  console.error(`editor suite failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  workspace.remove();
}
