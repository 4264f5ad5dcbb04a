// Editing the arguments of a call: append, prepend or remove one argument while keeping comments,
// trailing commas and layout. (Reading them is analysis/callArgs.ts.)
import type { TextEdit } from '../../common/types';
import { argumentList, callArguments } from '../analysis/callArgs';
import type { Node } from '../syntax/parser';
import { detectEol } from '../syntax/text';
import { insertAt, lineEndOf, lineStartOf } from './edits';

/**
 * An edit that appends `argText` (e.g. `num_workers=4`) as the last argument of a call.
 * A multi-line call whose last argument ends with a trailing comma gets the new argument on its
 * own line, with the same indentation and a trailing comma; otherwise it goes after the last
 * argument (before any comment on that line). Returns null when the call has no argument list.
 */
export function appendArgument(text: string, call: Node, argText: string): TextEdit | null {
  const list = argumentList(call);
  if (!list) return null;
  const args = callArguments(call);
  if (args.length === 0) {
    // `f()` or `f(  # comment\n)`: insert right after the opening parenthesis.
    return insertAt(list.startIndex + 1, argText);
  }
  const last = args[args.length - 1];
  let i = last.endIndex;
  while (i < list.endIndex && /[ \t]/.test(text[i])) i++;
  if (text[i] === ',') {
    const close = list.endIndex - 1;
    const between = text.slice(i + 1, close);
    if (/[\r\n]/.test(between)) {
      const eol = detectEol(text);
      // After the comma, skip a comment that ends the line: the new argument goes below it.
      let at = i + 1;
      while (at < close && /[ \t]/.test(text[at])) at++;
      if (text[at] === '#') at = lineEndOf(text, at);
      else at = i + 1;
      return insertAt(at, `${eol}${alignmentOf(text, args, last)}${argText},`);
    }
    return insertAt(i + 1, ` ${argText}`);
  }
  return insertAt(last.endIndex, `, ${argText}`);
}

/** Whitespace that lines a new argument up with the first argument on the last argument's line. */
function alignmentOf(text: string, args: Node[], last: Node): string {
  const lineStart = lineStartOf(text, last.startIndex);
  const first = args.find((a) => a.startIndex >= lineStart) ?? last;
  return text.slice(lineStart, first.startIndex).replace(/[^\t]/g, ' ');
}

/**
 * An edit that inserts `argText` as the first argument of a call: `f(a)` → `f(X, a)`, `f()` → `f(X)`.
 * When the first argument starts on a new line, X goes on its own line with the same indentation.
 */
export function prependArgument(text: string, call: Node, argText: string): TextEdit | null {
  const list = argumentList(call);
  if (!list) return null;
  const args = callArguments(call);
  if (args.length === 0) return insertAt(list.startIndex + 1, argText);
  const first = args[0];
  const between = text.slice(list.startIndex + 1, first.startIndex);
  if (/[\r\n]/.test(between)) {
    const lineStart = lineStartOf(text, first.startIndex);
    const indent = text.slice(lineStart, first.startIndex);
    if (/^[ \t]*$/.test(indent)) return insertAt(lineStart, `${indent}${argText},${detectEol(text)}`);
  }
  return insertAt(first.startIndex, `${argText}, `);
}

/**
 * An edit that removes one argument and its separating comma, keeping comments and layout: an
 * argument alone on its line takes the whole line; otherwise the argument and the comma after it
 * (or, for the last argument, the comma before it) go.
 */
export function removeArgument(text: string, call: Node, arg: Node): TextEdit | null {
  const args = callArguments(call);
  const list = argumentList(call);
  const i = args.findIndex((a) => a.equals(arg));
  if (i < 0 || !list) return null;
  // The comma right after the argument, if any.
  let after = arg.endIndex;
  while (after < list.endIndex - 1 && /[ \t]/.test(text[after])) after++;
  const comma = text[after] === ',' ? after : -1;
  let end = comma >= 0 ? comma + 1 : arg.endIndex;
  // Alone on its line(s): delete the whole line.
  const lineStart = lineStartOf(text, arg.startIndex);
  const lineEnd = lineEndOf(text, end);
  const rest = text.slice(end, lineEnd);
  if (/^[ \t]*$/.test(text.slice(lineStart, arg.startIndex)) && /^[ \t]*$/.test(rest) && (comma >= 0 || i === args.length - 1)) {
    let to = lineEnd;
    if (text[to] === '\r') to++;
    if (text[to] === '\n') to++;
    if (comma >= 0 || i > 0) return { start: lineStart, end: to, newText: '' };
  }
  if (comma >= 0 && i < args.length - 1) {
    while (end < list.endIndex && /[ \t]/.test(text[end])) end++;
    return { start: arg.startIndex, end, newText: '' };
  }
  if (i > 0) {
    const prev = args[i - 1];
    const between = text.slice(prev.endIndex, arg.startIndex);
    if (!/[#\r\n]/.test(between)) return { start: prev.endIndex, end: arg.endIndex, newText: '' };
    return { start: arg.startIndex, end: comma >= 0 ? comma + 1 : arg.endIndex, newText: '' };
  }
  return { start: arg.startIndex, end, newText: '' };
}
