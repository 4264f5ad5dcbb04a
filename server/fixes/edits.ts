// Helpers for building fixes that keep the user's comments, indentation and line breaks.
import type { FileFacts } from '../analysis/facts';
import type { Node } from '../syntax/parser';
import type { TextEdit } from '../../common/types';

export function replaceNode(node: Node, newText: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, newText };
}

export function replaceRange(start: number, end: number, newText: string): TextEdit {
  return { start, end, newText };
}

export function insertAt(offset: number, newText: string): TextEdit {
  return { start: offset, end: offset, newText };
}

/** Offset of the first character of the line containing offset. */
export function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset just past the end of the line containing offset (before its line break). */
export function lineEndOf(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** The whitespace that starts the line containing offset. */
export function indentAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start, start + 200))![0];
}

/** Deletes whole lines from the one holding `start` through the one holding `end`, line break included. */
export function deleteLines(text: string, start: number, end: number): TextEdit {
  const from = lineStartOf(text, start);
  let to = lineEndOf(text, end);
  if (text[to] === '\r') to++;
  if (text[to] === '\n') to++;
  return { start: from, end: to, newText: '' };
}

/** Text between two nodes contains a comment (so a fix that joins them would lose it). */
export function hasCommentBetween(facts: FileFacts, start: number, end: number): boolean {
  return facts.commentNodesIn(start, end).length > 0;
}

/** Comments inside [start, end), in order, as their text. */
export function commentsIn(facts: FileFacts, start: number, end: number): string[] {
  return facts.commentNodesIn(start, end).map((c) => c.text);
}

/** Re-indents a block of source from one indentation to another, line by line. */
export function reindent(source: string, from: string, to: string): string {
  return source
    .split(/(\r\n|\r|\n)/)
    .map((part, i) => (i % 2 === 0 && part.startsWith(from) ? to + part.slice(from.length) : part))
    .join('');
}

/** Source text of a node with nothing changed: a convenience for building replacements. */
export function sourceOf(text: string, node: Node): string {
  return text.slice(node.startIndex, node.endIndex);
}
