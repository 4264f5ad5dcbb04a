// Where a project's top folder is (the nearest folder with a project marker) and the short-lived memo of answers read
// from the disk that impact ranking, data files and project pins share. Kept apart from impact.ts so that modules
// impact.ts reads (dataFiles.ts) can use it without an import cycle.
import * as path from 'node:path';
import type { FileProbe } from './codeContext';

/** Files and folders that mark a project's top folder: folders above it say nothing about the project's own code. */
const ROOT_MARKERS = ['pyproject.toml', 'setup.cfg', 'setup.py', 'perflens.toml', '.git'];

export type ProbeMemo<T> = WeakMap<FileProbe, Map<string, { value: T; at: number }>>;

/**
 * What `compute` answers for `key` from this probe's files, remembered for a few seconds (the user may add a
 * pyproject.toml or rename the project meanwhile), at most `limit` keys per probe.
 */
export function rememberedFor<T>(memo: ProbeMemo<T>, files: FileProbe, key: string, now: number, limit: number, compute: () => T): T {
  let cache = memo.get(files);
  if (!cache) memo.set(files, (cache = new Map()));
  const known = cache.get(key);
  if (known && now - known.at < 5000) return known.value;
  const value = compute();
  if (cache.size > limit) cache.clear();
  cache.set(key, { value, at: now });
  return value;
}

const rootCaches: ProbeMemo<string | null> = new WeakMap();

/** The nearest folder at or above `dir` holding a project marker (pyproject.toml, setup.cfg, .git…), or null. */
export function markedRootOf(dir: string, files: FileProbe, now = Date.now()): string | null {
  return rememberedFor(rootCaches, files, dir, now, 10_000, () => {
    const parent = path.dirname(dir);
    return ROOT_MARKERS.some((marker) => files.exists(path.join(dir, marker))) ? dir : parent === dir ? null : markedRootOf(parent, files, now);
  });
}
