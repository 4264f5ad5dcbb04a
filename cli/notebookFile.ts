// Reading a Jupyter notebook (.ipynb, nbformat 4, or 3 as IPython 1-2 wrote them) for the CLI and writing fixed cells
// back into it. A write replaces only the changed cells' `source` values (nbformat 3: `input`) in the file's own text: outputs,
// execution counts, metadata, key order, indentation, escaping and the final newline stay byte for
// byte, and each `source` keeps its form (a list of lines or one string).

/** One code cell as read from the file. */
export interface NotebookCell {
  /** 0-based position among all the notebook's cells (markdown and raw cells count). */
  index: number;
  /** The cell's Python source (the list's lines joined). */
  source: string;
  /** How the file spells the source: a list of lines (as Jupyter writes it) or one string. */
  form: 'list' | 'string';
  /** Where the `source` value is in the file's text (offsets, value only). */
  valueStart: number;
  valueEnd: number;
}

export interface Notebook {
  /** The file's text (without a byte-order mark). */
  text: string;
  /** The notebook's kernel language when it declares one ("python", "r"…). */
  language?: string;
  /** How many cells the notebook has, of any kind. */
  cellCount: number;
  codeCells: NotebookCell[];
}

/** Why a file is not a notebook perflens can read, as a user reads it after "error: ". */
export class InvalidNotebook extends Error {}

/** Parses and checks a notebook; throws InvalidNotebook with a clear reason. */
export function parseNotebook(text: string): Notebook {
  if (text.trim() === '') throw new InvalidNotebook('not a valid notebook: the file is empty');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidNotebook(`not a valid notebook: invalid JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) throw new InvalidNotebook('not a valid notebook: the JSON is not an object');
  const nbformat = data['nbformat'];
  if (typeof nbformat !== 'number') throw new InvalidNotebook('not a valid notebook: no `nbformat` version');
  const layout = layoutOf(data, nbformat);
  const cells = layout.cells;
  const places = sourceValueRanges(text, layout.path, layout.sourceKey);
  const codeCells: NotebookCell[] = [];
  cells.forEach((cell, index) => {
    if (!isObject(cell) || typeof cell['cell_type'] !== 'string') throw new InvalidNotebook(`not a valid notebook: cell ${index + 1} has no \`cell_type\``);
    if (cell['cell_type'] !== 'code') return;
    const source = cell[layout.sourceKey];
    const form = typeof source === 'string' ? 'string' : isLineList(source) ? 'list' : null;
    if (!form) throw new InvalidNotebook(`not a valid notebook: cell ${index + 1} has no \`${layout.sourceKey}\` string or list of strings`);
    const place = places.get(index);
    // Duplicate keys (JSON.parse keeps the last) would put the write in the wrong place.
    if (!place) throw new InvalidNotebook(`not a valid notebook: cell ${index + 1}'s \`${layout.sourceKey}\` could not be located`);
    codeCells.push({
      index,
      source: form === 'string' ? (source as string) : (source as string[]).join(''),
      form,
      valueStart: place.start,
      valueEnd: place.end,
    });
  });
  return { text, language: languageOf(data['metadata']) ?? layout.language, cellCount: cells.length, codeCells };
}

/** Where a notebook version keeps its cells and each code cell's text. */
interface Layout {
  cells: unknown[];
  /** Keys from the top-level object to the cells list. */
  path: (string | number)[];
  /** The code cell's key holding its text. */
  sourceKey: 'source' | 'input';
  /** nbformat 3 names the language on each code cell. */
  language?: string;
}

/**
 * nbformat 4 keeps `cells` at the top with each code cell's text in `source`; nbformat 3 (IPython 1 and 2, still common in
 * older analysis repositories) keeps them in `worksheets[0].cells` with the text in `input`. Cells are numbered within the one
 * worksheet, as Jupyter shows them after converting the notebook.
 */
function layoutOf(data: Record<string, unknown>, nbformat: number): Layout {
  if (nbformat === 4) {
    const cells = data['cells'];
    if (!Array.isArray(cells)) throw new InvalidNotebook('not a valid notebook: no `cells` list');
    return { cells, path: ['cells'], sourceKey: 'source' };
  }
  if (nbformat !== 3)
    throw new InvalidNotebook(
      `nbformat ${nbformat} notebooks are not supported (only nbformat 3 and 4; \`jupyter nbconvert --to notebook\` upgrades older ones)`,
    );
  const worksheets = data['worksheets'];
  if (!Array.isArray(worksheets)) throw new InvalidNotebook('not a valid notebook: nbformat 3 without a `worksheets` list');
  // IPython never wrote more than one worksheet; numbering cells across several would match no tool's view of the file.
  if (worksheets.length > 1)
    throw new InvalidNotebook('nbformat 3 notebooks with more than one worksheet are not supported (`jupyter nbconvert --to notebook` merges them)');
  const sheet: unknown = worksheets[0] ?? { cells: [] };
  const cells = isObject(sheet) ? sheet['cells'] : undefined;
  if (!Array.isArray(cells)) throw new InvalidNotebook('not a valid notebook: the worksheet has no `cells` list');
  const languages = cells.flatMap((c) => (isObject(c) && c['cell_type'] === 'code' && typeof c['language'] === 'string' ? [c['language'].toLowerCase()] : []));
  return { cells, path: ['worksheets', 0, 'cells'], sourceKey: 'input', language: languages[0] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLineList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** metadata.language_info.name, else metadata.kernelspec.language, lower-cased. */
function languageOf(metadata: unknown): string | undefined {
  if (!isObject(metadata)) return undefined;
  const info = metadata['language_info'];
  const kernel = metadata['kernelspec'];
  const name = (isObject(info) && info['name']) || (isObject(kernel) && kernel['language']);
  return typeof name === 'string' ? name.toLowerCase() : undefined;
}

/**
 * The text of the notebook with the given cells' sources replaced (by index among all cells). Only
 * those `source` values change; each is written in its original form and layout.
 */
export function withCellSources(notebook: Notebook, sources: ReadonlyMap<number, string>): string {
  const asciiOnly = escapesNonAscii(notebook.text);
  const changed = notebook.codeCells.filter((c) => sources.has(c.index) && sources.get(c.index) !== c.source).sort((a, b) => b.valueStart - a.valueStart);
  let text = notebook.text;
  for (const cell of changed) {
    const value = cell.form === 'string' ? jsonString(sources.get(cell.index)!, asciiOnly) : lineList(notebook.text, cell, sources.get(cell.index)!, asciiOnly);
    text = text.slice(0, cell.valueStart) + value + text.slice(cell.valueEnd);
  }
  return text;
}

/** Jupyter's splitlines(keepends=True): each line keeps its `\n`, `\r\n` or `\r`. */
function splitKeepingEnds(source: string): string[] {
  return source === '' ? [] : source.split(/(?<=\r\n|\n|\r(?!\n))/);
}

/**
 * A `source` list laid out as the original was: the whitespace before its first item and before
 * its `]` are reused; an empty original list takes the indentation of its key plus one level.
 */
function lineList(fileText: string, cell: NotebookCell, source: string, asciiOnly: boolean): string {
  const original = fileText.slice(cell.valueStart, cell.valueEnd);
  const lines = splitKeepingEnds(source);
  if (lines.length === 0) return '[]';
  let before: string;
  let closing: string;
  const firstItem = /^\[(\s*)"/.exec(original);
  if (firstItem) {
    before = firstItem[1];
    closing = /(\s*)\]$/.exec(original)![1];
  } else {
    const lineStart = fileText.lastIndexOf('\n', cell.valueStart) + 1;
    const keyIndent = /^[ \t]*/.exec(fileText.slice(lineStart))![0];
    const multiline = lineStart > 0;
    before = multiline ? '\n' + keyIndent + indentUnit(fileText) : '';
    closing = multiline ? '\n' + keyIndent : '';
  }
  return '[' + lines.map((l) => before + jsonString(l, asciiOnly)).join(',') + closing + ']';
}

/** The file's indentation step: Jupyter writes one space; other tools two or four, or tabs. */
function indentUnit(fileText: string): string {
  return /^\{\r?\n([ \t]+)"/.exec(fileText)?.[1] ?? ' ';
}

/**
 * Python's json.dump with ensure_ascii (some tools write notebooks so) escapes every non-ASCII
 * character; Jupyter itself writes them as they are. A file with such escapes and no raw
 * non-ASCII character was written the first way, and changed cells are written the same way.
 */
function escapesNonAscii(fileText: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[^\x00-\x7f]/.test(fileText) && /\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])[0-9a-fA-F]{2}/.test(fileText);
}

function jsonString(s: string, asciiOnly: boolean): string {
  const json = JSON.stringify(s);
  return asciiOnly ? json.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : json;
}

/**
 * Offsets of each cell's text value (`sourceKey`) in the file, by cell index: a small scanner over the JSON text (JSON.parse
 * gives values, not places). Only the cells list at `path` (`cells`, or nbformat 3's `worksheets[0].cells`) is read.
 */
function sourceValueRanges(text: string, path: readonly (string | number)[], sourceKey: string): Map<number, { start: number; end: number }> {
  const found = new Map<number, { start: number; end: number }>();
  const scanner = new JsonScanner(text);
  const cellList = () =>
    scanner.array((index) => {
      if (!scanner.startsObject()) return scanner.value();
      scanner.object((cellKey) => {
        if (cellKey !== sourceKey) return false;
        const start = scanner.at;
        scanner.value();
        found.set(index, { start, end: scanner.at });
        return true;
      });
    });
  // Down the path: an object's key, or an array's position; the last step reads the cells list.
  const follow = (depth: number): void => {
    if (depth === path.length) return cellList();
    const step = path[depth];
    if (typeof step === 'number') {
      if (scanner.startsObject()) return scanner.value();
      scanner.array((index) => (index === step ? follow(depth + 1) : scanner.value()));
      return;
    }
    if (!scanner.startsObject()) return scanner.value();
    scanner.object((key) => {
      if (key !== step) return false;
      follow(depth + 1);
      return true;
    });
  };
  follow(0);
  return found;
}

/** Walks well-formed JSON (JSON.parse has already accepted it) by offsets. */
class JsonScanner {
  at = 0;

  constructor(private readonly text: string) {}

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at++;
  }

  startsObject(): boolean {
    this.space();
    return this.text[this.at] === '{';
  }

  /** Reads an object; `member(key)` reads the value itself and returns true, or false to have it skipped. */
  object(member: (key: string) => boolean): void {
    this.space();
    this.at++; // {
    for (;;) {
      this.space();
      if (this.text[this.at] === '}') break;
      if (this.text[this.at] === ',') {
        this.at++;
        continue;
      }
      const keyStart = this.at;
      this.string();
      const key = JSON.parse(this.text.slice(keyStart, this.at)) as string;
      this.space();
      this.at++; // :
      this.space();
      if (!member(key)) this.value();
    }
    this.at++;
  }

  /** Reads an array; `item(index)` reads each item. */
  array(item: (index: number) => void): void {
    this.space();
    this.at++; // [
    for (let index = 0; ;) {
      this.space();
      if (this.text[this.at] === ']') break;
      if (this.text[this.at] === ',') {
        this.at++;
        continue;
      }
      item(index++);
    }
    this.at++;
  }

  /** Skips any value. */
  value(): void {
    this.space();
    const ch = this.text[this.at];
    if (ch === '{') this.object(() => false);
    else if (ch === '[') this.array(() => this.value());
    else if (ch === '"') this.string();
    else while (this.at < this.text.length && !/[\s,\]}]/.test(this.text[this.at])) this.at++;
  }

  private string(): void {
    this.at++;
    while (this.at < this.text.length && this.text[this.at] !== '"') this.at += this.text[this.at] === '\\' ? 2 : 1;
    this.at++;
  }
}
