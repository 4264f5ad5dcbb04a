// Indentation for fixes: the unit a file or a block indents by, and re-indenting whole statements
// for fixes that wrap code in a new block (`if __name__ == "__main__":`, `with lock:`) or unwrap it.
// Lines that start inside a multi-line string keep their text; comments and blank lines are kept.
import type { Node } from '../syntax/parser';
import { findDescendants } from '../analysis/scopes';
import { lintMemo } from '../analysis/nodeMemo';
import { indentAt, lineEndOf } from './edits';

/** The indentation one level deeper than `indent`, in the style the block under `compound` uses. */
export function blockIndentUnit(text: string, compound: Node): string {
  const body = compound.childForFieldName('body') ?? compound.childForFieldName('consequence');
  const outer = indentAt(text, compound.startIndex);
  if (body && body.startIndex > lineEndOf(text, compound.startIndex)) {
    const inner = indentAt(text, body.startIndex);
    if (inner.startsWith(outer) && inner.length > outer.length) return inner.slice(outer.length);
  }
  return outer.includes('\t') ? '\t' : '    ';
}

/**
 * The file's indentation unit: the indentation of the first indented line after a `:` line, or four spaces. Once per
 * lint (the search may cross much of a file with few blocks).
 */
export const fileIndentUnit = lintMemo((facts): string => {
  const m = /^([ \t]*)\S[^\r\n]*:[^\S\r\n]*(?:#[^\r\n]*)?\r?\n([ \t]+)\S/m.exec(facts.text);
  return m && m[2].startsWith(m[1]) && m[2].length > m[1].length ? m[2].slice(m[1].length) : '    ';
});

/** Offsets of line starts inside [start, end) that lie within a multi-line string of the given statements. */
export function stringInteriorLines(statements: Node[], text: string): Set<number> {
  const out = new Set<number>();
  for (const s of statements) {
    const strings = [s, ...findDescendants(s, () => true)].filter((n) => n.type === 'string' && n.startPosition.row !== n.endPosition.row);
    for (const str of strings) {
      for (let i = str.startIndex; i < str.endIndex; i++) {
        if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) {
          if (i + 1 < str.endIndex) out.add(i + 1);
        }
      }
    }
  }
  return out;
}

/**
 * The text of [start, end) (whole lines) with `unit` added at the start of every non-blank line,
 * except lines whose start offset is in `skip` (inside multi-line strings: stringInteriorLines).
 * Line breaks are kept. Without `skip`, the caller must first check that no multi-line string
 * crosses the range (codegen.ts hasMultilineString).
 */
export function indentLines(text: string, start: number, end: number, unit: string, skip: ReadonlySet<number> = NO_LINES): string {
  let out = '';
  let lineStart = start;
  while (lineStart <= end) {
    let lineEnd = lineStart;
    while (lineEnd < end && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
    const line = text.slice(lineStart, lineEnd);
    out += line.trim() === '' || skip.has(lineStart) ? line : unit + line;
    if (lineEnd >= end) break;
    const brk = text[lineEnd] === '\r' && text[lineEnd + 1] === '\n' ? 2 : 1;
    out += text.slice(lineEnd, lineEnd + brk);
    lineStart = lineEnd + brk;
  }
  return out;
}

/** Removes `amount` characters of leading indentation from every line in [start, end) that has it. */
export function dedentLines(text: string, start: number, end: number, unit: string): string {
  return text
    .slice(start, end)
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 === 0 && part.startsWith(unit) ? part.slice(unit.length) : part))
    .join('');
}

const NO_LINES: ReadonlySet<number> = new Set();
