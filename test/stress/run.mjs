// `npm run stress [-- --minutes N --protocol-minutes M --seed S]`: builds, then runs the long reliability run (stress.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { benchOut, buildBench } from '../../bench/build.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
execFileSync(process.execPath, [path.join(root, 'esbuild.mjs')], { stdio: 'inherit', cwd: root });
await buildBench();
// A hang never returns: stop the run well after its deadline and say what it was doing.
const args = process.argv.slice(2);
const minutesArg = args.indexOf('--minutes');
const protocolArg = args.indexOf('--protocol-minutes');
const minutes = (minutesArg >= 0 ? Number(args[minutesArg + 1]) : 10) + (protocolArg >= 0 ? Number(args[protocolArg + 1]) : 5);
const statusDir = mkdtempSync(path.join(tmpdir(), 'perflens-stress-'));
const status = path.join(statusDir, 'status.txt');
try {
  execFileSync(process.execPath, [path.join(benchOut, 'test', 'stress', 'stress.js'), ...args], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, PERFLENS_STRESS_STATUS: status },
    timeout: (minutes + 10) * 60_000,
  });
} catch (error) {
  if (error.code === 'ETIMEDOUT') {
    const last = existsSync(status) ? readFileSync(status, 'utf8').trim() : 'unknown';
    console.error(`\nstress run: still running ${minutes + 10} minutes after it started (a hang?); it was ${last}`);
  }
  process.exitCode = 1;
} finally {
  rmSync(statusDir, { recursive: true, force: true });
}
