// Headless Debian chromium driven by playwright-core, opening code-server's workbench.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { playwrightChromium } from './tools.mjs';

// No GPU, no sandbox (CI runs as root), and nothing that phones home: the machine has no internet.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The code-server started by with-code-server.sh (127.0.0.1 and a free port). */
export function codeServerUrl() {
  const url = process.env.PERFLENS_E2E_URL;
  if (!url) throw new Error('PERFLENS_E2E_URL is not set: run this through scripts/e2e/with-code-server.sh');
  return new URL(url);
}

/**
 * A fresh browser profile each run (playwright wants it as launchPersistentContext's first argument, not as
 * --user-data-dir), so no state leaks between runs. Returns the page and a close() that deletes the profile.
 */
export async function openBrowser({ width = 1440, height = 900 } = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), 'perflens-e2e-chromium-'));
  const context = await playwrightChromium().launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: { width, height },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Rejects with `message` after `ms`, so a hung editor fails with a reason instead of hanging CI. */
export function deadline(ms, message) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${Math.round(ms / 1000)} s)`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
