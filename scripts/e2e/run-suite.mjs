// Runs the editor suite (test/e2e, bundled to out/e2e) inside code-server's real Node extension host, headlessly,
// and exits with its result: the replacement for @vscode/test-electron where desktop VS Code can't be downloaded.
//
//   npm run test:e2e      (= build, then scripts/e2e/with-code-server.sh node scripts/e2e/run-suite.mjs)
//
// How: code-server ignores --extensionDevelopmentPath, but its web workbench reads the same options from the
// `payload` query parameter when started with --vscode-option enable-smoke-test-driver. The workbench then loads
// the extension from the repo, calls run() from out/e2e/index.js, and reports through two page functions the
// smoke-test driver expects: codeAutomationLog (the extension host's console, i.e. mocha's report) and
// codeAutomationExit(0 | 1) once run() settles.
//
// Environment: PERFLENS_E2E_URL (from with-code-server.sh); every PERFLENS_E2E_* variable is passed on to the
// extension host (PERFLENS_E2E_FAIL=1 makes one test fail on purpose); PERFLENS_E2E_TIMEOUT_S (default 600);
// PERFLENS_E2E_VERBOSE=1 prints the workbench's own log lines too (they always go to the log file).
import { createWriteStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { format } from 'node:util';
import { codeServerUrl, deadline, openBrowser } from './browser.mjs';
import { ROOT } from './tools.mjs';
import { exampleWorkspace } from './workspace.mjs';

const TESTS = path.join(ROOT, 'out', 'e2e', 'index.js');
const TIMEOUT_S = Number(process.env.PERFLENS_E2E_TIMEOUT_S ?? 600);
const LOG = path.join(tmpdir(), 'perflens-e2e-workbench.log');

// The workbench logs to the same channel as the extension host: its complaints about having no internet
// (marketplace, GitHub sign-in) and connection chatter. Kept out of the report, but not out of the log file.
const NOISE =
  /open-vsx\.org|authentication provider 'github'|^(Creating a socket|Resolv(ing|ed) connection token|Updating additional builtin extensions cache|\[(reconnection-grace-time|AgentHost:remote|AccountPolicyGate|Service Worker)\])/;

function workbenchUrl(server, folder) {
  const remote = (p) => `vscode-remote://${server.host}${p}`;
  const environment = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PERFLENS_E2E_')));
  const payload = [
    ['extensionDevelopmentPath', remote(ROOT)],
    ['extensionTestsPath', remote(TESTS)],
    ['extensionEnvironment', JSON.stringify(environment)],
  ];
  return `${server.origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

async function main() {
  if (!existsSync(TESTS)) throw new Error(`${TESTS} is missing: build it with node esbuild.mjs --e2e`);
  const started = Date.now();
  const workspace = exampleWorkspace();
  const browser = await openBrowser();
  const log = createWriteStream(LOG);
  const timeout = deadline(TIMEOUT_S * 1000, 'the editor suite did not finish: no codeAutomationExit from the workbench');
  try {
    const exited = new Promise((resolve) => browser.page.exposeFunction('codeAutomationExit', resolve));
    await browser.page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...args); // mocha logs printf-style: ('%s passing', 15)
      log.write(`[${type}] ${text}\n`);
      if (process.env.PERFLENS_E2E_VERBOSE === '1' || !NOISE.test(text)) (type === 'error' ? console.error : console.log)(text);
    });
    browser.page.on('pageerror', (error) => log.write(`[pageerror] ${error.stack ?? error.message}\n`));
    await browser.page.goto(workbenchUrl(codeServerUrl(), workspace.dir));
    const code = await Promise.race([exited, timeout.promise]);
    console.log(`editor suite exit code: ${code} (${((Date.now() - started) / 1000).toFixed(1)} s in code-server; workbench log: ${LOG})`);
    return code;
  } finally {
    timeout.cancel();
    log.end();
    await browser.close();
    workspace.remove();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`run-suite: ${error.message}`);
    process.exit(1);
  },
);
