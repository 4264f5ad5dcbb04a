import type { TextEdit } from '../../common/types';

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column. */
  character: number;
}

/**
 * Maps offsets to LSP positions. Line breaks are `\n`, `\r\n` and a lone `\r`, exactly as LSP
 * and VS Code count them (tree-sitter rows count only `\n`, so we never use its rows for output).
 */
export class LineIndex {
  /**
   * Offsets where each line starts, computed on first use: most lints never need a position (no
   * finding, no suppression comment), and an editor lint must not scan the whole text per keystroke.
   */
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  private get lineStarts(): number[] {
    if (this.starts) return this.starts;
    const text = this.text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (ch === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.starts = starts;
    return starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: clamped - this.lineStarts[low] };
  }

  offsetAt(position: Position): number {
    if (position.line >= this.lineStarts.length) return this.text.length;
    if (position.line < 0) return 0;
    const start = this.lineStarts[position.line];
    const end = this.lineEnd(position.line);
    return Math.min(start + Math.max(0, position.character), end);
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }

  /** Offset of the end of the line's content, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}

/**
 * A copy of s that does not keep the text it was cut from alive. V8 returns a substring of 13 or more characters
 * (`node.text`, `text.slice`) as a view into its parent: a name kept in a table carried across edits kept that whole
 * edit's text (120 KB for a 3.5k-line file) alive until the name's statement was read again, so nearly every
 * keystroke's text outlived a young collection and was copied and promoted (24 of the 31 MB 200 keystrokes promoted).
 * Short strings are copies already.
 */
export function ownedString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** `s` with every character a regular expression gives a meaning to escaped: a name or text to match literally. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The end of a range, moved back before any line break it ends on. Nodes that close with their line's break (a
 * decorator, a comment on a CRLF line) take the "\r" in after a fresh parse but not always after an incremental
 * one: ranges cut back this way are the same however the tree was made, so an incremental lint agrees with a full one.
 */
export function withoutTrailingLineBreak(text: string, start: number, end: number): number {
  while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return end;
}

/** The line break a file mostly uses, so that inserted lines match it. */
export function detectEol(text: string): string {
  // Every fix that writes a line asks, and an LF file is searched to its end: remember the last answer.
  if (text === lastEol.text) return lastEol.eol;
  const crlf = text.indexOf('\r\n');
  const eol = crlf >= 0 ? '\r\n' : text.indexOf('\n') < 0 && text.indexOf('\r') >= 0 ? '\r' : '\n';
  lastEol = { text, eol };
  return eol;
}

let lastEol = { text: '', eol: '\n' };

/** True when no two edits touch the same characters (inserts at the same point also conflict). */
export function editsOverlap(a: readonly TextEdit[], b: readonly TextEdit[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x.start < y.end && y.start < x.end) return true;
      if (x.start === y.start) return true;
      if (x.start === x.end && x.start > y.start && x.start < y.end) return true;
      if (y.start === y.end && y.start > x.start && y.start < x.end) return true;
    }
  }
  return false;
}

/** Applies non-overlapping edits (any order) to text. Throws on overlap: callers must not send them. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) throw new Error(`overlapping edits at offset ${edit.start}`);
    out += text.slice(cursor, edit.start) + edit.newText;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}
