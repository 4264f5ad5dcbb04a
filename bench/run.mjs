// `npm run bench`: builds the extension and the benchmark into $PERFLENS_OUT (default: the
// checkout), then runs bench/bench.ts. Arguments are passed on (--help lists them).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { benchOut, buildBench } from './build.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const help = process.argv.includes('--help') || process.argv.includes('-h');
// --help needs only the bench's own bundle (its USAGE text), not the extension build.
if (!help) execFileSync(process.execPath, [path.join(root, 'esbuild.mjs')], { stdio: 'inherit', cwd: root });
await buildBench();
try {
  execFileSync(process.execPath, [path.join(benchOut, 'bench', 'bench.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
} catch (error) {
  process.exitCode = error.status ?? 1; // the bench printed why
}
