// Which workspace file a profile's path is. Profiles are often recorded elsewhere (a server, a container, CI)
// or through an installed copy (site-packages), so paths match by their longest common tail of folder names.
// A tail that is only the file name must name one workspace file; an installed or standard-library path
// must match all of its part below site-packages (`mypkg/core.py`), never just `core.py`.

/** A path as parts: `\` or `/` separated, without a drive letter, `.` or empty parts. */
function parts(p: string): string[] {
  return p
    .replace(/\\/g, '/')
    .replace(/^[A-Za-z]:/, '')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
}

/** Pseudo-files of the interpreter (`<string>`, `<frozen ...>`, cProfile's `~`): no source anywhere. */
export const isSourcePath = (p: string): boolean => p !== '~' && !/^<.*>$/.test(p) && /\.pyw?$/.test(p);

/** Code of the user's, not an installed package's or the standard library's (whose paths say which they are). */
export const isUserPath = (p: string): boolean => isSourcePath(p) && !/(^|\/)(site-packages|dist-packages|python\d+(\.\d+)?)\//.test(p.replace(/\\/g, '/'));

/**
 * How many trailing parts of a profile path must match: all of them below `site-packages` or
 * `dist-packages` (an installed package), or below `lib/pythonX.Y` (the standard library); otherwise one.
 */
function requiredTail(p: string[]): number {
  for (let i = p.length - 2; i >= 0; i--) {
    if (p[i] === 'site-packages' || p[i] === 'dist-packages' || /^python\d+(\.\d+)?$/.test(p[i])) return p.length - i - 1;
  }
  return 1;
}

function commonTail(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

export interface FileMatch {
  /** Workspace file (as given) → the profile's path for it. */
  byWorkspaceFile: Map<string, string>;
  /** The profile's source files (pseudo-files left out). */
  profileFiles: number;
  /** Profile paths that matched no workspace file, or several equally well. */
  unmatched: string[];
}

/** Matches the profile's paths to workspace files (paths relative to the workspace root, or absolute). */
export function matchFiles(profilePaths: Iterable<string>, workspaceFiles: readonly string[]): FileMatch {
  const workspace = workspaceFiles.map((f) => ({ file: f, parts: parts(f) }));
  const byWorkspaceFile = new Map<string, string>();
  const bestFor = new Map<string, number>();
  const unmatched: string[] = [];
  let profileFiles = 0;
  for (const profilePath of profilePaths) {
    if (!isSourcePath(profilePath)) continue;
    profileFiles++;
    const p = parts(profilePath);
    const need = requiredTail(p);
    let best = 0;
    let found: string[] = [];
    for (const w of workspace) {
      const n = commonTail(p, w.parts);
      if (n < need || n < best) continue;
      if (n > best) [best, found] = [n, []];
      found.push(w.file);
    }
    // Two workspace files end the same way (`a/utils.py`, `b/utils.py`): guessing would be wrong half the time.
    if (found.length !== 1 || (bestFor.get(found[0]) ?? 0) >= best) {
      unmatched.push(profilePath);
      continue;
    }
    const previous = byWorkspaceFile.get(found[0]);
    if (previous !== undefined) unmatched.push(previous);
    byWorkspaceFile.set(found[0], profilePath);
    bestFor.set(found[0], best);
  }
  return { byWorkspaceFile, profileFiles, unmatched };
}

/** "profile.json: 3 of its 42 files are in this workspace" / "profile.json: none of its 42 files are in this workspace". */
export function describeMatch(name: string, match: FileMatch): string {
  const n = match.profileFiles;
  const matched = match.byWorkspaceFile.size;
  const files = `${n} file${n === 1 ? '' : 's'}`;
  if (n === 0) return `${name}: the profile names no Python source files`;
  if (matched === 0) return `${name}: none of its ${files} ${n === 1 ? 'is' : 'are'} in this workspace`;
  return `${name}: ${matched} of its ${files} ${matched === 1 ? 'is' : 'are'} in this workspace`;
}
