// Running the built CLI as a user would: `node dist/cli.js …` in a scratch project.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DIST } from './engine';

export const CLI = path.join(DIST, 'cli.js');

export interface CliRun {
  /** null when the run was killed (timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI; a timeout turns a hang into a failed assertion instead of a stuck suite. `check` runs with
 * `--impact all` unless the test gives `--impact` (or `ranked`): the suites about output formats, fixes and
 * configuration use one-line snippets that impact ranking would hide; test/cli/impact.test.ts covers the default.
 */
export function run(args: string[], cwd: string, timeoutMs = 60000, ranked = false): CliRun {
  const full = args[0] === 'check' && !ranked && !args.includes('--impact') ? ['check', '--impact', 'all', ...args.slice(1)] : args;
  const r = spawnSync(process.execPath, [CLI, ...full], { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** A fresh folder holding the given files (names may contain folders). */
export function project(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'perflens-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** A file with one safe fix (the list comprehension inside sum) and the same file fixed. */
export const SLOW = 'def total(xs):\n    return sum([x * 2 for x in xs])\n';
export const CLEAN = 'def total(xs):\n    return sum(x * 2 for x in xs)\n';
