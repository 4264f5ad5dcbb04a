// Whether any other file of the project spells a word: the one repository-wide question impact ranking asks ("does
// anything import this module?"), answered from one bounded read of the project's Python files through the host's
// FileProbe, remembered per probe and project top for a minute. Without `list` and `readText` (the browser) nothing is
// known. Kept apart from impact.ts: only a rule that has already found something asks it, so most lints never pay.
import * as path from 'node:path';
import type { FileProbe } from './codeContext';
import { markedRootOf } from './projectRoot';

/** Bounds of the read: a larger project is not judged (the answer is unknown). */
const MAX_FOLDERS = 1500;
const MAX_FILES = 4000;
const MAX_DEPTH = 10;
const MAX_FILE_CHARS = 2_000_000;
/** How long a project's words are kept: the user may add an import meanwhile, and a read costs a walk of the project. */
const KEEP_MS = 60_000;

/** Folders that hold no code of the project's own: caches, environments, installed packages. */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', 'build', 'dist']);
/** Files that can import a module or name it as an entry point: Python code, notebooks, packaging metadata. */
const CODE_FILE = /\.(?:py|pyi|pyw|ipynb|cfg|toml)$/i;
/** Folders whose extensionless files are programs (`scripts/nflgame-update-players` imports `nflgame.update_players`). */
const PROGRAM_FOLDERS = new Set(['bin', 'scripts']);
const WORD = /[A-Za-z_][A-Za-z_0-9]*/g;
/** A word's entry: the one file that spells it, or MANY. */
const MANY = '';

interface ProjectWords {
  byWord: Map<string, string>;
  at: number;
}
const memo = new WeakMap<FileProbe, Map<string, ProjectWords | null>>();
const unreadable: ProjectWords | null = null;

/**
 * The project's top folder for `filePath`: the path the CLI was given when it holds the file, else the nearest folder
 * with a project marker (pyproject.toml, .git, ...). Null when neither is known.
 */
function projectTop(filePath: string, files: FileProbe, givenRoot: string | undefined): string | null {
  if (givenRoot && !path.relative(givenRoot, filePath).startsWith('..')) return givenRoot;
  return markedRootOf(path.dirname(filePath), files);
}

/**
 * True when no file of the project but `filePath` spells `word` (as a whole word) in its code, notebooks, packaging
 * metadata or `bin/` and `scripts/` programs; false when another one does; null when that is not known (no file system,
 * no project top, a project too large to read).
 */
export function spelledOnlyHere(filePath: string | undefined, word: string, files: FileProbe, givenRoot?: string): boolean | null {
  if (!filePath || !files.list || !files.readText) return null;
  const top = projectTop(filePath, files, givenRoot);
  if (!top) return null;
  const words = projectWords(top, files);
  if (!words) return null;
  const spelledIn = words.byWord.get(word);
  return spelledIn === undefined || spelledIn === path.resolve(filePath);
}

function projectWords(top: string, files: FileProbe): ProjectWords | null {
  let byTop = memo.get(files);
  if (!byTop) memo.set(files, (byTop = new Map()));
  const now = Date.now();
  const known = byTop.get(top);
  if (known !== undefined && (known === null || now - known.at < KEEP_MS)) return known;
  const read = readProjectWords(top, files, now);
  if (byTop.size > 16) byTop.clear();
  byTop.set(top, read);
  return read;
}

/** One breadth-first read of the project's files (bounded); null when it is too large. */
function readProjectWords(top: string, files: FileProbe, now: number): ProjectWords | null {
  const byWord = new Map<string, string>();
  let queue = [top];
  let folders = 0;
  let read = 0;
  for (let depth = 0; queue.length > 0; depth++) {
    if (depth > MAX_DEPTH) return unreadable;
    const next: string[] = [];
    for (const dir of queue) {
      if (++folders > MAX_FOLDERS) return unreadable;
      const programs = PROGRAM_FOLDERS.has(path.basename(dir).toLowerCase());
      for (const name of files.list!(dir) ?? []) {
        if (name.endsWith('/')) {
          const folder = name.slice(0, -1);
          if (!folder.startsWith('.') && !SKIPPED_FOLDERS.has(folder.toLowerCase())) next.push(path.join(dir, folder));
          continue;
        }
        if (!CODE_FILE.test(name) && !(programs && !name.includes('.'))) continue;
        if (++read > MAX_FILES) return unreadable;
        const file = path.resolve(dir, name);
        const text = files.readText!(file);
        if (text && text.length <= MAX_FILE_CHARS) addWords(byWord, file, text);
      }
    }
    queue = next;
  }
  return { byWord, at: now };
}

function addWords(byWord: Map<string, string>, file: string, text: string): void {
  for (const [word] of text.matchAll(WORD)) {
    const spelledIn = byWord.get(word);
    if (spelledIn === undefined) byWord.set(word, file);
    else if (spelledIn !== file && spelledIn !== MANY) byWord.set(word, MANY);
  }
}
