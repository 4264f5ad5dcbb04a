// The edit that turns an accumulator grown by one concatenation per iteration
// (`acc = pd.concat([acc, piece])`, `arr = np.append(arr, x)`, `t = torch.cat([t, x])`) into a list of
// pieces collected in the loop and one concatenation after it.
//
// The accumulator's starting value is left alone and joined with the pieces only when there are some:
//
//     acc_parts = []
//     for ...:
//         acc_parts.append(piece)
//     if acc_parts:
//         acc = pd.concat([acc, *acc_parts])
//
// so a loop that runs zero times leaves `acc` exactly as it was (the same object, None included), and
// an empty starting frame or array takes part in the one concatenation as it took part in the first
// pairwise one (pandas and NumPy then promote dtypes over all pieces at once, which the equivalence
// tests check gives the pairwise result).
import type { FileFacts } from '../analysis/facts';
import type { Node } from '../syntax/parser';
import type { TextEdit } from '../../common/types';
import { eolOf, freshName, ownsLines } from './codegen';
import { hasCommentBetween, indentAt, insertAt, lineEndOf, lineStartOf, replaceNode } from './edits';
import { blockIndentUnit } from './indentation';
import { lineStyle, wrapLine } from './wrap';

export interface CollectConcat {
  /** The accumulator's name. */
  acc: string;
  /** The `acc = <concat>(...)` assignment inside the loop. */
  update: Node;
  /** The piece added per iteration, as written. */
  piece: Node;
  /** The outermost loop the accumulator grows across. */
  loop: Node;
  /** The concatenation after the loop, given the list of pieces' name: `pd.concat([acc, *acc_parts], ignore_index=True)`. */
  combine: (parts: string) => string;
}

/** The edits, or null when a statement shares its line with other code or a comment would be lost. */
export function collectThenConcat(facts: FileFacts, lineLength: number, c: CollectConcat): TextEdit[] | null {
  const text = facts.text;
  const stmt = c.update.parent;
  if (stmt?.type !== 'expression_statement' || !ownsLines(text, stmt) || !ownsLines(text, c.loop)) return null;
  if (hasCommentBetween(facts, c.update.startIndex, c.update.endIndex)) return null;
  const parts = freshName(facts, `${c.acc}_parts`);
  const eol = eolOf(text);
  const style = lineStyle(facts, lineLength);
  const loopIndent = indentAt(text, c.loop.startIndex);
  const inner = loopIndent + blockIndentUnit(text, c.loop);
  const piece = text.slice(c.piece.startIndex, c.piece.endIndex);
  const call = `${parts}.append(${piece})`;
  // A piece spanning lines keeps its own layout; a one-line call is wrapped when it passes the line length.
  const appended = piece.includes('\n') ? call : wrapLine(call, indentAt(text, stmt.startIndex), style);
  const combined = wrapLine(`${c.acc} = ${c.combine(parts)}`, inner, style);
  return [
    insertAt(lineStartOf(text, c.loop.startIndex), `${loopIndent}${parts} = []${eol}`),
    replaceNode(c.update, appended),
    insertAt(lineEndOf(text, c.loop.endIndex), `${eol}${loopIndent}if ${parts}:${eol}${inner}${combined}`),
  ];
}
