// `npm run stress [-- --minutes N --seed S]`: builds, then runs the long reliability run (stress.ts).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { benchOut, buildBench } from '../../bench/build.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
execFileSync(process.execPath, [path.join(root, 'esbuild.mjs')], { stdio: 'inherit', cwd: root });
await buildBench();
execFileSync(process.execPath, [path.join(benchOut, 'test', 'stress', 'stress.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
