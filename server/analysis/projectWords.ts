// Whether any other file of the project spells a word: the repository-wide questions impact ranking asks ("does
// anything import this module?", "does anything call this function?"); and whether some file of it passes a test.
// Answered by searching the project's files, stopping at the first other file that spells the word, through the host's
// FileProbe; the file list and each answer are kept per probe for a minute. Not a word index of the whole project: the
// editor asks during a lint, and tokenising every file of the CPython standard library took 1.2 s and 53 MB of heap.
// Without `list` and `readText` (the browser) nothing is known. Kept apart from impact.ts: only a rule that has already
// found something asks it, so most lints never pay.
import * as path from 'node:path';
import type { FileProbe } from './codeContext';
import { markedRootOf } from './projectRoot';

/** Bounds of the read: a larger project is not judged (the answer is unknown). */
const MAX_FOLDERS = 1500;
const MAX_FILES = 4000;
const MAX_DEPTH = 10;
const MAX_FILE_CHARS = 2_000_000;
/**
 * At most this much text is searched for one answer. The editor asks during a lint, so the search must stay short: the
 * CPython standard library (1,657 files, 25 MB) is over it and unknown; a 450-file package searches in about 40 ms.
 */
const MAX_SEARCHED_CHARS = 12_000_000;
/** How long an answer and a project's file list are kept: the user may add an import meanwhile. */
const KEEP_MS = 60_000;

/** Folders that hold no code of the project's own: caches, environments, installed packages. */
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'site-packages', 'venv', 'build', 'dist']);
/** Files that can import a module or name it as an entry point: Python code, notebooks, packaging metadata. */
const CODE_FILE = /\.(?:py|pyi|pyw|ipynb|cfg|toml)$/i;
/**
 * Files that can name a function to call without importing it: configuration (Hydra's `_target_: pkg.mod.fn`, a
 * serverless.yml handler) and shell scripts. Searched only for that question (`alsoConfig`).
 */
const CONFIG_FILE = /\.(?:ya?ml|ini|sh)$/i;
/** Folders whose extensionless files are programs (`scripts/nflgame-update-players` imports `nflgame.update_players`). */
const PROGRAM_FOLDERS = new Set(['bin', 'scripts']);
const WORD_CHAR = /[A-Za-z0-9_]/;

interface Kept<T> {
  value: T;
  at: number;
}
/** Per probe: each project top's listing (null: too large to list), and each question's answer (keyed by top and question). */
const memo = new WeakMap<FileProbe, { fileLists: Map<string, Kept<Listing | null>>; answers: Map<string, Kept<boolean | null>> }>();

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
  return noOtherFileMatches(filePath, `${word}\0code`, files, givenRoot, codeOnly, (text) => spellsWord(text, word));
}

/**
 * Like spelledOnlyHere, with configuration and shell scripts searched too, but a file that imports `word` by name from a
 * module of another name (`from dags.dag_functions import send_slack_msg` where this file is `reimport.py`) names
 * another definition, not this one: it does not count. (CityofToronto's reimport script defines a Slack helper of the
 * same name as its Airflow DAGs' shared one; review56 judged its request dead code, only a commented-out line calling it.)
 */
export function referredToOnlyHere(filePath: string | undefined, word: string, files: FileProbe, givenRoot?: string): boolean | null {
  const stem = filePath ? path.basename(filePath, path.extname(filePath)) : '';
  return noOtherFileMatches(
    filePath,
    `${word}\0referred`,
    files,
    givenRoot,
    (listed) => (listed.configsListed ? listed.files : null),
    (text) => spellsWord(text, word) && !importsFromOtherModule(text, word, stem),
  );
}

/**
 * True when no file of the project but `filePath`, among those `searched` picks from the listing, passes `matches`; false
 * when one does; null when that is not known. `question` names the test: the answer is kept per file and question.
 */
function noOtherFileMatches(
  filePath: string | undefined,
  question: string,
  files: FileProbe,
  givenRoot: string | undefined,
  searched: (listed: Listing) => readonly string[] | null,
  matches: (text: string) => boolean,
): boolean | null {
  if (!filePath) return null;
  const self = path.resolve(filePath);
  return keptAnswer(filePath, `${self}\0${question}`, files, givenRoot, (listed) => {
    const candidates = searched(listed);
    const found = candidates ? searchFiles(candidates, self, matches, files) : null;
    return found === null ? null : !found;
  });
}

/** `from pkg.mod import a, word` (or a parenthesised list) in text, with `mod` not this module's name: the first such import decides. */
function importsFromOtherModule(text: string, word: string, stem: string): boolean {
  for (const m of text.matchAll(/^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)/gm)) {
    const names = m[2]
      .replace(/[()\\]/g, ' ')
      .split(',')
      .map((n) =>
        n
          .trim()
          .split(/\s+as\s+/)[0]
          .trim(),
      );
    if (!names.includes(word)) continue;
    const module = m[1]
      .split('.')
      .filter((part) => part !== '')
      .pop();
    return module !== undefined && module !== stem;
  }
  return false;
}

/**
 * True when some code file of the project (this one included) passes `matches`, false when none does, null when that is
 * not known (as for spelledOnlyHere). `question` names the test: the answer is kept per project and question.
 */
export function someProjectFile(
  filePath: string | undefined,
  question: string,
  matches: (text: string) => boolean,
  files: FileProbe,
  givenRoot?: string,
): boolean | null {
  return keptAnswer(filePath, `\0${question}`, files, givenRoot, (listed) => searchFiles(codeOnly(listed), null, matches, files));
}

/** How many code files (Python, notebooks, packaging metadata) the project has; null when that is not known. */
export function projectCodeFiles(filePath: string | undefined, files: FileProbe, givenRoot?: string): number | null {
  const top = filePath && files.list ? projectTop(filePath, files, givenRoot) : null;
  const listed = top ? fresh(memoOf(files).fileLists, top, Date.now(), () => listCodeFiles(top, files)) : null;
  return listed ? codeOnly(listed).length : null;
}

/** The answer to a question about the project of `filePath` (`key` names it), from the last minute or worked out anew. */
function keptAnswer(
  filePath: string | undefined,
  key: string,
  files: FileProbe,
  givenRoot: string | undefined,
  answer: (listed: Listing) => boolean | null,
): boolean | null {
  if (!filePath || !files.list || !files.readText) return null;
  const top = projectTop(filePath, files, givenRoot);
  if (!top) return null;
  const kept = memoOf(files);
  const now = Date.now();
  const known = kept.answers.get(`${top}\0${key}`);
  if (known && now - known.at < KEEP_MS) return known.value;
  const listed = fresh(kept.fileLists, top, now, () => listCodeFiles(top, files));
  const value = listed ? answer(listed) : null;
  if (kept.answers.size > 256) kept.answers.clear();
  kept.answers.set(`${top}\0${key}`, { value, at: now });
  return value;
}

function memoOf(files: FileProbe) {
  let kept = memo.get(files);
  if (!kept) memo.set(files, (kept = { fileLists: new Map(), answers: new Map() }));
  return kept;
}

/** The listing's code files, its configuration files left out. */
function codeOnly(listed: Listing): string[] {
  return listed.files.filter((file) => !CONFIG_FILE.test(file));
}

function fresh<T>(byTop: Map<string, Kept<T>>, top: string, now: number, make: () => T): T {
  const known = byTop.get(top);
  if (known && now - known.at < KEEP_MS) return known.value;
  const value = make();
  if (byTop.size > 16) byTop.clear();
  byTop.set(top, { value, at: now });
  return value;
}

/** A project's code and configuration files; `configsListed`: all of its configuration files are among them. */
interface Listing {
  files: string[];
  configsListed: boolean;
}

/** One breadth-first listing of the project's code and configuration files (bounded); null when it is too large. */
function listCodeFiles(top: string, files: FileProbe): Listing | null {
  const found: string[] = [];
  let queue = [top];
  let folders = 0;
  let code = 0;
  let configs = 0;
  for (let depth = 0; queue.length > 0; depth++) {
    if (depth > MAX_DEPTH) return null;
    const next: string[] = [];
    for (const dir of queue) {
      if (++folders > MAX_FOLDERS) return null;
      const programs = PROGRAM_FOLDERS.has(path.basename(dir).toLowerCase());
      for (const name of files.list!(dir) ?? []) {
        if (name.endsWith('/')) {
          const folder = name.slice(0, -1);
          if (!folder.startsWith('.') && !SKIPPED_FOLDERS.has(folder.toLowerCase())) next.push(path.join(dir, folder));
          continue;
        }
        if (CONFIG_FILE.test(name)) {
          // Searched only for a function's name: too many such files make that answer unknown, not the module's.
          if (++configs <= MAX_FILES) found.push(path.resolve(dir, name));
          continue;
        }
        if (!CODE_FILE.test(name) && !(programs && !name.includes('.'))) continue;
        if (++code > MAX_FILES) return null;
        found.push(path.resolve(dir, name));
      }
    }
    queue = next;
  }
  return { files: found, configsListed: configs <= MAX_FILES };
}

/**
 * Whether one of `codeFiles` (but `skipped`) passes `matches`: stops at the first that does (for a word, the usual answer:
 * a module something imports), and answers null once more than MAX_SEARCHED_CHARS were searched without one.
 */
function searchFiles(codeFiles: readonly string[], skipped: string | null, matches: (text: string) => boolean, files: FileProbe): boolean | null {
  let searched = 0;
  for (const file of codeFiles) {
    if (file === skipped) continue;
    const text = files.readText!(file);
    if (!text || text.length > MAX_FILE_CHARS) continue;
    if (matches(text)) return true;
    searched += text.length;
    if (searched > MAX_SEARCHED_CHARS) return null;
  }
  return false;
}

/** `word` occurs in `text` as a whole word (not inside a longer name). */
function spellsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = at > 0 ? text[at - 1] : '';
    const after = text[at + word.length] ?? '';
    if (!(before && WORD_CHAR.test(before)) && !(after && WORD_CHAR.test(after))) return true;
  }
  return false;
}
