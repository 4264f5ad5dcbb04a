// Helpers for fixes that rewrite whole statements: layout checks, indentation of blocks, fresh
// names, and keeping comments that a rewrite would otherwise drop.
import type { FileFacts } from '../analysis/facts';
import { hasWord } from '../syntax/spelling';
import { hasCommentBetween, lineEndOf, lineStartOf, replaceNode } from './edits';
import type { Node } from '../syntax/parser';
import { findDescendants } from '../analysis/scopes';
import { detectEol } from '../syntax/text';
import { slotQuote, slotsLiteral, type SlotsInfo } from '../analysis/classIndex';
import type { TextEdit } from '../../common/types';

/** True when node starts its line (only indentation before it) and nothing but a comment follows it. */
export function ownsLines(text: string, node: Node): boolean {
  const before = text.slice(lineStartOf(text, node.startIndex), node.startIndex);
  const after = text.slice(node.endIndex, lineEndOf(text, node.endIndex));
  return /^[ \t]*$/.test(before) && /^[ \t]*(#.*)?$/.test(after);
}

/** True when some string in node spans several lines (re-indenting would change its value). */
export function hasMultilineString(node: Node): boolean {
  return findDescendants(node, (n) => (n.type === 'string' || n.type === 'concatenated_string') && n.startPosition.row !== n.endPosition.row).length > 0;
}

/** A name not yet used as an identifier anywhere in the file: base, then base_2, base_3… */
export function freshName(facts: FileFacts, base: string, taken: Iterable<string> = []): string {
  const extra = new Set(taken);
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}_${i}`;
    // Spelled anywhere as a whole word (code, strings, comments): taken. A string search per
    // candidate, not a set of every identifier of the file (built per keystroke in the editor).
    if (!extra.has(name) && !hasWord(facts.text, name)) return name;
  }
}

/** Comment nodes in [start, end). */
export function commentNodesIn(facts: FileFacts, start: number, end: number): Node[] {
  return facts.commentNodesIn(start, end);
}

/**
 * A comment that another tool reads on its own line (`# type: ignore`, `# noqa`, `# pragma: no cover`,
 * `# pylint: disable=…`, `# pyright: …`): moving it to a different line changes what it suppresses.
 */
function isLinePragma(comment: Node): boolean {
  return /^#\s*(type:\s*ignore|noqa|pragma|pylint:|pyright:)/i.test(comment.text);
}

/** Why a fix that moves these comments onto lines of their own is unsafe: the first line pragma among them, or undefined. */
export function movedPragmaReason(moved: readonly Node[]): string | undefined {
  const pragma = moved.find(isLinePragma);
  return pragma && `the comment \`${pragma.text}\` moves to a line of its own, where it no longer applies to the code it was written for`;
}

/** The comments in [start, end) as whole lines at `indent`, ready to put before a rewritten statement. */
export function commentLines(facts: FileFacts, start: number, end: number, indent: string): string {
  const eol = detectEol(facts.text);
  return commentNodesIn(facts, start, end)
    .map((c) => indent + c.text + eol)
    .join('');
}

/** The line break the file uses. */
export function eolOf(text: string): string {
  return detectEol(text);
}

/** Wraps expression text in parentheses when it would not parse as it stands in a comprehension clause. */
export function clauseText(node: Node): string {
  const bare = new Set(['conditional_expression', 'lambda', 'named_expression', 'expression_list', 'yield', 'list_splat', 'parenthesized_list_splat']);
  return bare.has(node.type) ? `(${node.text})` : node.text;
}

/**
 * An expression's text without the parentheses that only group it, for a place that brackets it
 * already (`f(…)`, `raise E(…)`): `(a + b)` → `a + b`, so a fix never writes `f((a + b))`. Kept: the
 * parentheses a `yield` needs, those holding a comment, and (for a place outside brackets, such as
 * an `if` header: `bracketed` false) those around an expression that spans lines.
 */
export function bareText(node: Node, bracketed = true): string {
  let n = node;
  while (n.type === 'parenthesized_expression') {
    const inner = n.namedChildren.filter((c): c is Node => c !== null);
    if (inner.length !== 1 || inner[0].type === 'yield') break;
    if (!bracketed && inner[0].startPosition.row !== inner[0].endPosition.row) break;
    n = inner[0];
  }
  return n.text;
}

/**
 * Rewrites a class's `__slots__` value to list exactly `names`, in the quotes it already uses; null
 * when the value holds a comment, which the rewrite would drop.
 */
export function rewriteSlots(facts: FileFacts, slots: SlotsInfo, names: readonly string[]): TextEdit | null {
  const value = slots.value;
  if (hasCommentBetween(facts, value.startIndex, value.endIndex)) return null;
  return replaceNode(value, slotsLiteral(names, slotQuote(slots)));
}
