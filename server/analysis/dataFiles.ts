// How many rows a frame read from a data file that ships with the project holds: `pd.read_csv("../data/car-sales.csv")`
// in a teaching notebook reads a ten-row table, and a row-by-row pass over it costs nothing worth a change. The path
// must be spelled out in the code (a literal, an f-string or `os.path.join` of literals, a constant), the file must
// be on disk beside the code (the linted file's folder, else the project's top folder), and it must be small enough
// to count cheaply. Anything else is unknown: the rules keep their usual ranking.
import * as path from 'node:path';
import type { Node } from '../syntax/parser';
import type { FileFacts } from './facts';
import type { ModuleSource } from './values/origin';
import { callArguments, keywordValue, positionalArguments } from './callArgs';
import { bindingOf, occurrences, scopeOf } from './names';
import { fStringStart, stringLiteralValue } from './numeric';
import { markedRootOf } from './projectRoot';
import type { FileProbe } from './codeContext';
import { nodeMemo } from './nodeMemo';

/** Most bytes read to count a file's rows: a larger file is not a small table, and is never read. */
export const DATA_FILE_BYTES = 256 * 1024;
/** Most data rows a file read into a frame can have and still count as a small table. */
export const SMALL_FILE_ROWS = 1000;

/** What a reader call reads: the file as the hover names it, and its data rows. */
export interface DataFileRows {
  shown: string;
  rows: number;
}

/** Readers whose files have one record per line (after a header line for the delimited ones). */
const LINE_READERS = new Set(['pandas.read_csv', 'pandas.read_table', 'pandas.read_json']);
/** Compressed or binary files: their bytes are not lines. */
const NOT_TEXT = /\.(gz|bz2|zip|xz|zst|tar|xlsx?|parquet|feather|pkl|pickle|h5|hdf5?)$/i;

const memo = nodeMemo<DataFileRows | null>();

/**
 * The rows of the file a `pd.read_csv(...)` / `pd.read_table(...)` / `pd.read_json(..., lines=True)` call reads, when
 * its path is spelled out in the code and the file is on disk and at most DATA_FILE_BYTES; null otherwise (a URL, a
 * computed path, a missing or large file, a host without a file system, a reader that yields chunks).
 */
export function dataFileRows(call: Node, facts: FileFacts): DataFileRows | null {
  if (call.type !== 'call') return null;
  const callee = facts.calleeName(call) ?? '';
  if (!LINE_READERS.has(callee)) return null;
  return memo(facts, call, () => {
    // `chunksize=` / `iterator=True` give a reader of pieces, not a frame; a JSON file is one record per line only with `lines=True`.
    if (keywordValue(call, 'chunksize') || keywordValue(call, 'iterator')) return null;
    const json = callee === 'pandas.read_json';
    if (json && keywordValue(call, 'lines')?.text !== 'True') return null;
    const file = linesOfFileAt(positionalArguments(call)[0] ?? keywordValue(call, json ? 'path_or_buf' : 'filepath_or_buffer'), facts);
    if (!file) return null;
    // A header line names the columns (`header=None`: every line is a row).
    const header = !json && keywordValue(call, 'header')?.text !== 'None' ? 1 : 0;
    return { shown: file.shown, rows: Math.max(0, file.rows - header) };
  });
}

/**
 * The lines of the text file whose path `arg` spells out (pathWritten), when the file is on disk beside the code and at
 * most DATA_FILE_BYTES; null for a URL, a home-relative or computed path, a binary format, a missing or large file, or
 * a host without a file system.
 */
function linesOfFileAt(arg: Node | null | undefined, facts: FileFacts): DataFileRows | null {
  const origin = facts.origin;
  const disk = origin?.modules;
  if (!arg || !origin?.filePath || !disk?.fileSize || !disk.readText) return null;
  const written = pathWritten(arg, facts, 0);
  if (!written || /^[a-z][a-z0-9+.-]*:/i.test(written) || written.startsWith('~') || NOT_TEXT.test(written)) return null;
  const file = resolvedPath(written, origin.filePath, disk, origin.projectRoot);
  const lines = file ? countedLines(file.absolute, disk) : null;
  return file && lines !== null ? { shown: file.shown, rows: lines } : null;
}

/** Calls that open a file for reading line by line. */
const OPENERS = new Set(['open', 'io.open', 'codecs.open']);
const openedMemo = nodeMemo<DataFileRows | null>();

/**
 * The lines of the text file an `open("horseColicTraining.txt")` call opens, when its path is spelled out in the code and
 * the file is on disk and at most DATA_FILE_BYTES; null otherwise (a binary mode, a computed path, a large file).
 */
export function openedFileLines(call: Node, facts: FileFacts): DataFileRows | null {
  if (call.type !== 'call') return null;
  const fn = call.childForFieldName('function');
  const callee = fn?.type === 'identifier' && fn.text === 'open' && facts.isBuiltin('open', call) ? 'open' : (facts.calleeName(call) ?? '');
  if (!OPENERS.has(callee)) return null;
  return openedMemo(facts, call, () => {
    const mode = positionalArguments(call)[1] ?? keywordValue(call, 'mode');
    if (mode && (mode.type !== 'string' || (stringLiteralValue(mode) ?? 'b').includes('b'))) return null;
    return linesOfFileAt(positionalArguments(call)[0] ?? keywordValue(call, 'file'), facts);
  });
}

/** `read from data/car-sales.csv: 10 rows` when the reader call reads a file of at most SMALL_FILE_ROWS rows; else null. */
export function smallDataFileReason(call: Node, facts: FileFacts): string | null {
  const read = dataFileRows(call, facts);
  return read && read.rows <= SMALL_FILE_ROWS ? `read from ${read.shown}: ${read.rows} row${read.rows === 1 ? '' : 's'}` : null;
}

/**
 * The path a reader's argument spells: a string literal, literals joined by `+`, `os.path.join(...)`, `Path(...)` or
 * `/`, an f-string whose every placeholder is such a constant, or a name bound once to one of these. Null otherwise.
 */
export function pathWritten(node: Node, facts: FileFacts, depth: number): string | null {
  if (depth > 4) return null;
  switch (node.type) {
    case 'string':
      return stringLiteralValue(node) ?? formatted(node, facts, depth);
    case 'concatenated_string': {
      const parts = node.namedChildren.map((c) => (c ? pathWritten(c, facts, depth + 1) : null));
      return parts.every((p) => p !== null) ? parts.join('') : null;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find((c) => c?.type !== 'comment');
      return inner ? pathWritten(inner, facts, depth + 1) : null;
    }
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.type;
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if ((op !== '+' && op !== '/') || !left || !right) return null;
      const a = pathWritten(left, facts, depth + 1);
      const b = a === null ? null : pathWritten(right, facts, depth + 1);
      if (a === null || b === null) return null;
      // `/` joins paths only when the left side is a Path: `"data" / "x.csv"` is a TypeError, not a path.
      if (op === '/') return isPathCall(left, facts) || left.type === 'binary_operator' ? path.posix.join(a, b) : null;
      return a + b;
    }
    case 'call': {
      const callee = facts.calleeName(node);
      if (callee !== 'os.path.join' && !isPathCall(node, facts)) return null;
      const args = positionalArguments(node);
      if (args.length === 0 || args.length !== callArguments(node).length) return null;
      const parts = args.map((a) => pathWritten(a, facts, depth + 1));
      return parts.every((p): p is string => p !== null) ? path.posix.join(...parts) : null;
    }
    case 'identifier':
      return constantValue(node, facts, depth);
    default:
      return null;
  }
}

function isPathCall(node: Node, facts: FileFacts): boolean {
  if (node.type !== 'call') return false;
  const callee = facts.calleeName(node);
  return callee === 'pathlib.Path' || callee === 'pathlib.PurePath';
}

/** An f-string of text and constant placeholders (`f"{DATA}/prices.csv"`), without conversions or format specs. */
function formatted(node: Node, facts: FileFacts, depth: number): string | null {
  if (!fStringStart(node)) return null;
  let out = '';
  for (const part of node.namedChildren) {
    if (!part || part.type === 'string_start' || part.type === 'string_end') continue;
    if (part.type === 'string_content') {
      if (part.text.includes('\\') || part.namedChildCount > 0) return null;
      out += part.text;
    } else if (part.type === 'interpolation') {
      const inner = part.namedChildren.filter((c) => c !== null && c.type !== 'comment');
      const value = inner.length === 1 ? pathWritten(inner[0]!, facts, depth + 1) : null;
      if (value === null) return null;
      out += value;
    } else return null;
  }
  return out;
}

/**
 * The path a name holds where it is read: bound exactly once, by a plain assignment, in the scope that owns it (the
 * function when the function binds it at all, a parameter included; else the module). A name bound twice has no one value.
 */
function constantValue(id: Node, facts: FileFacts, depth: number): string | null {
  const own = scopeOf(id);
  const bindsIn = (scope: Node) => occurrences(scope, id.text).filter((o) => bindingOf(o) !== null && scopeOf(o).equals(scope));
  let binds = bindsIn(own);
  if (binds.length === 0 && own.type !== 'module') binds = bindsIn(facts.root);
  if (binds.length !== 1) return null;
  const assign = bindingOf(binds[0]);
  if (assign?.type !== 'assignment' || !assign.childForFieldName('left')?.equals(binds[0])) return null;
  const value = assign.childForFieldName('right');
  return value ? pathWritten(value, facts, depth + 1) : null;
}

/**
 * Where the written path points: relative paths against the linted file's folder (a notebook's working folder, and
 * where a script is usually run from), else against the project's top folder (its marker's, else the folder the host
 * was asked to check); absolute paths as written. The shown
 * name is relative to the project's top folder when there is one.
 */
function resolvedPath(written: string, filePath: string, disk: ModuleSource, givenRoot: string | undefined): { absolute: string; shown: string } | null {
  const dir = path.dirname(filePath);
  const holdsFile = givenRoot !== undefined && dir.startsWith(givenRoot.endsWith(path.sep) ? givenRoot : givenRoot + path.sep);
  const root = markedRootOf(dir, disk as FileProbe) ?? (holdsFile ? givenRoot : null);
  const candidates = path.isAbsolute(written) ? [written] : [path.resolve(dir, written), ...(root ? [path.resolve(root, written)] : [])];
  for (const absolute of candidates) {
    if (disk.fileSize!(absolute) === null) continue;
    const shown = root && absolute.startsWith(root + path.sep) ? path.relative(root, absolute) : written;
    return { absolute, shown: shown.split(path.sep).join('/') };
  }
  return null;
}

interface Counted {
  size: number;
  modified: number | null;
  at: number;
  lines: number | null;
}

/** Line counts per host and file, kept while the file's size and modification time stay the same. */
const counted = new WeakMap<ModuleSource, Map<string, Counted>>();

/**
 * The non-blank lines of the file, or null when it is missing or over DATA_FILE_BYTES (never read then). Physical
 * lines, so a quoted field spanning lines counts once per line: an overcount, which can only make a file look larger.
 * Remembered per file while its size and modification time are unchanged (without a modification time, for a few
 * seconds), so that the editor's lint on each keystroke does not read it again.
 */
export function countedLines(file: string, disk: ModuleSource, now = Date.now()): number | null {
  const size = disk.fileSize?.(file) ?? null;
  if (size === null || size > DATA_FILE_BYTES || !disk.readText) return null;
  const modified = disk.modifiedMs?.(file) ?? null;
  let cache = counted.get(disk);
  if (!cache) counted.set(disk, (cache = new Map()));
  const known = cache.get(file);
  if (known && known.size === size && known.modified === modified && (modified !== null || now - known.at < 5000)) return known.lines;
  const text = disk.readText(file);
  // Characters, not bytes: a text longer than the cap (a file grown since its size was read) is not counted either.
  const lines = text === null || text.length > DATA_FILE_BYTES ? null : nonBlankLines(text);
  if (cache.size > 1000) cache.clear();
  cache.set(file, { size, modified, at: now, lines });
  return lines;
}

/** Lines with something on them, whatever the line ends (`\n`, `\r\n`, `\r`). */
export function nonBlankLines(text: string): number {
  let n = 0;
  for (const line of text.split(/\r\n|\r|\n/)) if (line.trim() !== '') n++;
  return n;
}
