// `npm run bench`: builds the extension and the benchmark into $PERFLENS_OUT (default: the
// checkout), then runs bench/bench.ts. Arguments are passed on (--quick, --no-write, --only=…).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { benchOut, buildBench } from './build.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
execFileSync(process.execPath, [path.join(root, 'esbuild.mjs')], { stdio: 'inherit', cwd: root });
await buildBench();
execFileSync(process.execPath, [path.join(benchOut, 'bench', 'bench.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
