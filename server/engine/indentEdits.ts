// Re-indenting whole statements for fixes that wrap code in a new block (`if __name__ == "__main__":`,
// `with lock:`): every line gains one indentation unit except lines that start inside a multi-line
// string, whose text must not change. Comments and blank lines are kept as they are.
import type { FileFacts } from './facts';
import type { Node } from './parser';
import { findDescendants } from './scopes';

/** The file's indentation unit: the indentation of the first indented line after a `:` line, or four spaces. */
export function indentUnit(facts: FileFacts): string {
  let unit = indentUnits.get(facts);
  if (unit === undefined) {
    const m = /^([ \t]*)\S[^\r\n]*:[^\S\r\n]*(?:#[^\r\n]*)?\r?\n([ \t]+)\S/m.exec(facts.text);
    unit = m && m[2].startsWith(m[1]) && m[2].length > m[1].length ? m[2].slice(m[1].length) : '    ';
    indentUnits.set(facts, unit);
  }
  return unit;
}

/** indentUnit per lint (the search may cross much of a file with few blocks). */
const indentUnits = new WeakMap<FileFacts, string>();

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
 * except lines whose start offset is in `skip` (inside multi-line strings). Line breaks are kept.
 */
export function indentLines(text: string, start: number, end: number, unit: string, skip: Set<number>): string {
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
