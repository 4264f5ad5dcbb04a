// Where scripts/e2e/install-tools.sh put the editor-test tools (outside the repo), for the node launchers.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CACHE = process.env.PERFLENS_E2E_CACHE ?? path.join(homedir(), '.cache', 'perflens-e2e');

/** KEY=VALUE lines of versions.env, shared with the bash installer so the pins live in one place. */
export const VERSIONS = Object.fromEntries(
  readFileSync(path.join(ROOT, 'scripts', 'e2e', 'versions.env'), 'utf8')
    .split('\n')
    .filter((line) => /^\w+=/.test(line))
    .map((line) => line.split('=', 2)),
);

function installed(folder) {
  const dir = path.join(CACHE, folder);
  if (!existsSync(path.join(dir, '.complete'))) {
    throw new Error(`${dir} is not installed: run scripts/e2e/install-tools.sh first (about 5 minutes the first time)`);
  }
  return dir;
}

/** playwright-core's chromium launcher; it drives Debian's /usr/bin/chromium and never downloads a browser. */
export function playwrightChromium() {
  const dir = installed(`playwright-core-${VERSIONS.PLAYWRIGHT_VERSION}`);
  return createRequire(path.join(dir, 'package.json'))('playwright-core').chromium;
}
