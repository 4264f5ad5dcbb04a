// The edit that replaces a list-building loop over the rows of a frame with the whole-column
// expression that computes the same values: shared by the pandas row-loop rules.
import type { FileFacts } from '../analysis/facts';
import type { ListLoop } from '../analysis/loopInfo';
import type { Node } from '../syntax/parser';
import { ownsLines } from './codegen';
import { hasCommentBetween, replaceRange } from './edits';
import type { TextEdit } from '../../common/types';

export interface ColumnRewrite {
  edits: TextEdit[];
  /** 'column': `df["c"] = <expr>` replaced the list and its store; 'list': `out = (<expr>).tolist()`. */
  kind: 'column' | 'list';
}

/**
 * `out = []; for ...: out.append(...)` (and the `frame["c"] = out` store after it, when the list
 * only carried the column) → one statement computing `expr`, the whole-column form of the element.
 * Null when a statement shares its line with other code or a comment would be lost.
 */
export function rewriteListLoop(text: string, facts: FileFacts, loop: Node, shape: ListLoop, expr: string, frame: string): ColumnRewrite | null {
  const { init, store } = shape;
  if (!ownsLines(text, init) || !ownsLines(text, loop) || hasCommentBetween(facts, init.startIndex, loop.endIndex)) return null;
  if (store && store.frame.text === frame && ownsLines(text, store.statement) && !hasCommentBetween(facts, loop.endIndex, store.statement.endIndex)) {
    return { edits: [replaceRange(init.startIndex, store.statement.endIndex, `${store.target.text} = ${expr}`)], kind: 'column' };
  }
  const listed = /^[\w.]+\[[^\]]+\]$/.test(expr) ? `${expr}.tolist()` : `(${expr}).tolist()`;
  return { edits: [replaceRange(init.startIndex, loop.endIndex, `${shape.list} = ${listed}`)], kind: 'list' };
}
