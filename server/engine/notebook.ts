// A notebook's code cells as one Python module, shared by the editor (LSP notebook sync) and the CLI
// (.ipynb files): cells are joined in order, IPython syntax is masked so it is never parsed as Python,
// and module offsets map back to a cell. Masking keeps every length, so an offset inside a cell is
// the same in the cell's own text and in the module, less the cell's start.
import type { TextEdit } from '../../common/types';

/** Cell magics whose body is Python run by this kernel (as Ruff counts them); any other `%%` cell is not Python. */
const PYTHON_CELL_MAGICS = new Set(['capture', 'debug', 'prun', 'pypy', 'python', 'python3', 'time', 'timeit']);

/** `%magic`, `%%magic`, `!cmd`, `?obj` / `??obj`, after optional indentation. */
const ESCAPE_LINE = /^[ \t]*[%!?]/;
/** `obj?` / `obj.attr??` alone on a line: IPython's help. */
const HELP_SUFFIX = /^[ \t]*[A-Za-z_][\w.]*\?{1,2}[ \t]*$/;
/** `files = !ls` / `out = %sx cmd`: an escape on the right of an assignment. */
const ESCAPE_ASSIGNMENT = /^[ \t]*[A-Za-z_][\w.,\t ]*=[ \t]*[%!]/;

/** A range of a cell's text (cell offsets) that holds IPython syntax, masked in the module. */
export interface MaskedRange {
  start: number;
  end: number;
}

export interface MaskedCell {
  /** The cell's text with IPython syntax replaced, same length. */
  text: string;
  masked: MaskedRange[];
}

/**
 * Masks IPython syntax in one cell. An escape line becomes a statement that does nothing (`...`,
 * then a comment), so a magic alone in an indented block still parses; the lines it continues with
 * a backslash become blank. A cell run by a non-Python cell magic (`%%bash`, `%%writefile`) is
 * blanked whole.
 */
export function maskCell(source: string): MaskedCell {
  const lines = source.split(/(?<=\r\n|\n|\r(?!\n))/);
  const cellMagic = /^%%([\w.-]*)/.exec(source);
  if (cellMagic && !PYTHON_CELL_MAGICS.has(cellMagic[1])) {
    return { text: lines.map(blankLine).join(''), masked: source.length ? [{ start: 0, end: source.length }] : [] };
  }
  const masked: MaskedRange[] = [];
  let out = '';
  const python: PythonLineState = { depth: 0, triple: null, backslash: false };
  /** Inside an escape's logical line (open brackets, a backslash): its later lines are masked too. */
  let escape: PythonLineState | null = null;
  for (const line of lines) {
    const body = line.replace(/(\r\n|\n|\r)$/, '');
    // IPython looks for escapes only where a logical line starts: `% x` inside brackets is a modulo.
    const atStart = python.depth === 0 && python.triple === null && !python.backslash;
    const continued = escape !== null;
    if (!continued && !(atStart && (ESCAPE_LINE.test(body) || HELP_SUFFIX.test(body) || ESCAPE_ASSIGNMENT.test(body)))) {
      scanPythonLine(body, python);
      out += line;
      continue;
    }
    masked.push({ start: out.length, end: out.length + body.length });
    out += (continued ? ' '.repeat(body.length) : inert(body)) + line.slice(body.length);
    // `%timeit f(a,\n      b)` goes on while its brackets are open, as IPython reads it.
    const state: PythonLineState = escape ?? { depth: 0, triple: null, backslash: false };
    scanPythonLine(body, state);
    escape = state.depth > 0 || state.triple !== null || state.backslash ? state : null;
  }
  return { text: out, masked };
}

/** What a Python line leaves open for the next: brackets, a triple-quoted string, a backslash. */
interface PythonLineState {
  depth: number;
  triple: string | null;
  backslash: boolean;
}

/** Updates the state over one line: strings and comments are skipped, so their brackets do not count. */
function scanPythonLine(line: string, state: PythonLineState): void {
  let i = 0;
  while (i < line.length) {
    if (state.triple) {
      const close = line.indexOf(state.triple, i);
      if (close < 0) return;
      i = close + 3;
      state.triple = null;
      continue;
    }
    const ch = line[i];
    if (ch === '#') break;
    if (ch === '"' || ch === "'") {
      if (line.startsWith(ch.repeat(3), i)) {
        state.triple = ch.repeat(3);
        i += 3;
        continue;
      }
      i = endOfString(line, i, ch);
      continue;
    }
    if ('([{'.includes(ch)) state.depth++;
    else if (')]}'.includes(ch)) state.depth = Math.max(0, state.depth - 1);
    i++;
  }
  state.backslash = !state.triple && line.endsWith('\\');
}

/** Index just past the single-quoted string opening at `at` (or the line's end if it is not closed). */
function endOfString(line: string, at: number, quote: string): number {
  for (let i = at + 1; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === quote) return i + 1;
  }
  return line.length;
}

/** `%timeit f()` → `...#imeit f()`: an expression statement and a comment of the same length, at the same indentation. */
function inert(body: string): string {
  const indent = /^[ \t]*/.exec(body)![0];
  const rest = body.length - indent.length;
  const filler = rest >= 3 ? '...' : '0';
  return indent + (filler + '#'.repeat(rest)).slice(0, rest);
}

function blankLine(line: string): string {
  const body = line.replace(/(\r\n|\n|\r)$/, '');
  return ' '.repeat(body.length) + line.slice(body.length);
}

/** Where one code cell sits in the module. */
export interface ModuleCell<K> {
  /** The caller's handle on the cell (a cell URI, an index in the notebook). */
  key: K;
  /** Offset of the cell's first character in the module. */
  start: number;
  /** Offset just past the cell's text (before the newline added between cells, if any). */
  end: number;
  /** IPython syntax in the cell (cell offsets): fixes may not touch it. */
  masked: MaskedRange[];
}

export interface NotebookModule<K> {
  text: string;
  cells: ModuleCell<K>[];
}

/** Joins the code cells, masked, into one module; each cell starts on a line of its own. */
export function notebookModule<K>(cells: readonly { key: K; source: string }[]): NotebookModule<K> {
  let text = '';
  const out: ModuleCell<K>[] = [];
  for (const cell of cells) {
    const { text: masked, masked: ranges } = maskCell(cell.source);
    out.push({ key: cell.key, start: text.length, end: text.length + masked.length, masked: ranges });
    text += masked;
    if (masked.length && !/[\n\r]$/.test(masked)) text += '\n';
    else if (!masked.length) text += '\n';
  }
  return { text, cells: out };
}

/**
 * The cell holding a module offset: the last cell starting at or before it (a cell that ends with a
 * newline ends where the next one starts; that offset is the next cell's first line).
 */
export function cellAt<K>(module: NotebookModule<K>, offset: number): ModuleCell<K> | undefined {
  let found: ModuleCell<K> | undefined;
  for (const cell of module.cells) {
    if (cell.start > offset) break;
    found = cell;
  }
  return found && offset <= found.end ? found : undefined;
}

/** An edit in one cell's own offsets. */
export interface CellEdit<K> {
  cell: ModuleCell<K>;
  edit: TextEdit;
}

/**
 * A fix's edits (module offsets) split by cell, in cell offsets; null when an edit crosses a cell
 * boundary or touches masked IPython syntax: such a fix is applied whole or not at all, so not at all.
 */
export function editsByCell<K>(module: NotebookModule<K>, edits: readonly TextEdit[]): CellEdit<K>[] | null {
  const out: CellEdit<K>[] = [];
  for (const edit of edits) {
    const cell = cellAt(module, edit.start);
    if (!cell || edit.end > cell.end) return null;
    const local = { start: edit.start - cell.start, end: edit.end - cell.start, newText: edit.newText };
    if (cell.masked.some((m) => touches(m, local))) return null;
    out.push({ cell, edit: local });
  }
  return out;
}

function touches(range: MaskedRange, edit: TextEdit): boolean {
  if (edit.start === edit.end) return edit.start > range.start && edit.start < range.end;
  return edit.start < range.end && edit.end > range.start;
}
