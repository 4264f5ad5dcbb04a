// Bundles bench/*.ts (and the stress runner) into $PERFLENS_OUT/bench (default: ./out/bench).
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { webTreeSitter } from '../scripts/webTreeSitterPatch.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outBase = process.env.PERFLENS_OUT ? path.resolve(process.env.PERFLENS_OUT) : root;
export const benchOut = path.join(outBase, 'out', 'bench');
export const dist = path.join(outBase, 'dist');

export async function buildBench() {
  mkdirSync(benchOut, { recursive: true });
  for (const f of ['web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-python/tree-sitter-python.wasm']) {
    copyFileSync(require.resolve(f), path.join(benchOut, path.basename(f)));
  }
  const entries = readdirSync(path.join(root, 'bench'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(root, 'bench', f));
  entries.push(path.join(root, 'test', 'stress', 'stress.ts'));
  await esbuild.build({
    entryPoints: entries,
    outdir: benchOut,
    outbase: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    external: ['@astral-sh/ruff-wasm-nodejs'],
    define: { 'process.env.PERFLENS_ROOT': JSON.stringify(root), 'process.env.PERFLENS_DIST': JSON.stringify(dist) },
    plugins: [webTreeSitter({ cjs: true })],
  });
}

if (process.argv[1] === new URL(import.meta.url).pathname) await buildBench();
