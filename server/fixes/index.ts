// The fixes layer's front door for rules: building edits that keep comments, indentation and line
// breaks, rewriting statements, re-indenting blocks and editing call arguments.
// Rules import fix helpers from here and nowhere else.
export { appendArgument, prependArgument, removeArgument } from './arguments';
export {
  bareText,
  clauseText,
  commentLines,
  commentNodesIn,
  eolOf,
  freshName,
  hasMultilineString,
  movedPragmaReason,
  ownsLines,
  rewriteSlots,
} from './codegen';
export { commentsIn, deleteLines, hasCommentBetween, indentAt, insertAt, lineEndOf, lineStartOf, reindent, replaceNode, replaceRange } from './edits';
export { collectThenConcat } from './collectConcat';
export type { CollectConcat } from './collectConcat';
export { ROW_VALUE_REASONS, rewriteListLoop, rowValueListFix, runningTotalFix } from './columnRewrite';
export type { ColumnRewrite } from './columnRewrite';
export { addImportStatement, ensureImport, insertAfterImports } from './imports';
export { blockIndentUnit, dedentLines, fileIndentUnit, indentLines, stringInteriorLines } from './indentation';
export { lineStyle, wrapLine, type LineStyle } from './wrap';
