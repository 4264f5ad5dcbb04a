// The edit that replaces a list-building loop over the rows of a frame with the whole-column
// expression that computes the same values: shared by the pandas row-loop rules.
import type { FileFacts } from '../analysis/facts';
import { numpyModuleRef } from '../analysis/elementwise';
import { listBuiltByBranches, listBuiltByLoop, type ListLoop } from '../analysis/loopInfo';
import { vectorizeRowBranches, vectorizeRowValue, type RowEnv, type RowVectorKind } from '../analysis/vectorize';
import { isNumberLiteral } from '../analysis/localTypes';
import { occurrences } from '../analysis/names';
import { ensureImport } from './imports';
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
export function rewriteListLoop(
  text: string,
  facts: FileFacts,
  loop: Node,
  shape: ListLoop,
  expr: string,
  frame: string,
  atomic = false,
): ColumnRewrite | null {
  const { init, store } = shape;
  if (!ownsLines(text, init) || !ownsLines(text, loop) || hasCommentBetween(facts, init.startIndex, loop.endIndex)) return null;
  if (store && store.frame.text === frame && ownsLines(text, store.statement) && !hasCommentBetween(facts, loop.endIndex, store.statement.endIndex)) {
    return { edits: [replaceRange(init.startIndex, store.statement.endIndex, `${store.target.text} = ${expr}`)], kind: 'column' };
  }
  const listed = atomic || /^[\w.]+\[[^\]]+\]$/.test(expr) ? `${expr}.tolist()` : `(${expr}).tolist()`;
  return { edits: [replaceRange(init.startIndex, loop.endIndex, `${shape.list} = ${listed}`)], kind: 'list' };
}

/**
 * Where each row-value rewrite differs from the loop, as test/unit/rowLoopEquivalence.test.ts measured it against
 * pandas 1.5.3 (the loop's own differences, such as iterrows() upcasting a row, come from the rule).
 */
export const ROW_VALUE_REASONS: Record<RowVectorKind, string> = {
  arithmetic: '',
  where:
    '`Series.where`/`mask` hold bools from a bool column as Python bools where the loop stored NumPy bools, and keep the ' +
    "column's dtype where the loop's list took its values' types (an int literal chosen for every row of a float column gave int64)",
  'np.where': '`np.where` gives the type of its two literals, also on an empty frame where the loop made float64',
  str:
    '`.str` methods give NaN for NaN, None, pd.NA and non-strings where the loop raised AttributeError (TypeError from `len()`), ' +
    'and an empty frame gives object or int where the loop made float64',
  map: '`.map()` gives NaN for a key missing from the dict where `mapping[key]` raised KeyError, and keeps a categorical column categorical',
  'map-get':
    '`.map()` gives NaN for a missing key, so `.fillna(default)` turns an int result into float (the loop kept int) and also ' +
    "replaces NaN or None stored in the dict; `.get(key)` gave None where `.map()` gives NaN; a bool key found the dict's 1/0 " +
    'entry in the loop but not in `.map()`; a categorical column stays categorical',
};

/** Fix titles by the most telling thing the rewrite uses. */
const TITLE_BY_KIND: [RowVectorKind, string][] = [
  ['np.where', 'np.where'],
  ['where', 'Series.where'],
  ['map', 'Series.map'],
  ['map-get', 'Series.map'],
  ['str', 'the .str accessor'],
];

/**
 * The loop-to-column rewrite for a list built from row values beyond arithmetic (a conditional, an
 * if/else of two appends, `.str` methods, dict lookups): `env` names the row variable and its frame,
 * `loopReason` says how the loop itself reads rows differently (the rule knows its iteration), and
 * `loopHasNumpyScalars` whether its row fields were NumPy scalars (iterrows) rather than Python ones (itertuples).
 */
export function rowValueListFix(
  text: string,
  facts: FileFacts,
  loop: Node,
  env: Omit<RowEnv, 'numpy'>,
  loopReason: string,
  loopHasNumpyScalars = true,
): { edits: TextEdit[]; title: string; reason: string } | null {
  const numpyRef = numpyModuleRef(facts);
  const full = { ...env, numpy: numpyRef ?? 'numpy' };
  const branches = listBuiltByBranches(loop);
  const shape = branches ?? listBuiltByLoop(loop);
  if (!shape) return null;
  const value = branches ? vectorizeRowBranches(branches.condition, branches.element, branches.otherwise, full) : vectorizeRowValue(shape.element, full);
  if (!value) return null;
  const rewrite = rewriteListLoop(text, facts, loop, shape, value.text, env.frame, !value.compound);
  if (!rewrite) return null;
  const imports = value.usesNumpy && !numpyRef ? ensureImport(facts, 'numpy').edits : [];
  const how = TITLE_BY_KIND.find(([k]) => value.kinds.includes(k))?.[1] ?? 'whole-column arithmetic';
  const reasons = [loopReason, ...value.kinds.map((k) => ROW_VALUE_REASONS[k])].filter(Boolean);
  // np.where picks between two literals: its `.tolist()` holds the same Python values the loop appended.
  if (rewrite.kind === 'list' && loopHasNumpyScalars && !value.kinds.includes('np.where'))
    reasons.push('`.tolist()` holds Python scalars where the loop collected NumPy scalars');
  return {
    edits: [...imports, ...rewrite.edits],
    title: rewrite.kind === 'column' ? `Compute the column with ${how}` : `Build the list with ${how}`,
    reason: reasons.join('; '),
  };
}

/**
 * `total = <number>` / `for ...: total += <per-row arithmetic>` → `total = (<column expression>).sum(skipna=False)`:
 * `skipna=False` keeps the loop's NaN (a NaN row makes the total NaN), which `.sum()` would skip. `columnOf`
 * spells the whole-column form of the added expression (null when it has none). Null unless the loop's whole
 * body is that one update, right after the initialisation, with no comment to lose.
 */
export function runningTotalFix(
  text: string,
  facts: FileFacts,
  loop: Node,
  columnOf: (expr: Node) => string | null,
  reason: string,
): { edits: TextEdit[]; title: string; reason: string } | null {
  const statements = loop.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
  if (statements.length !== 1 || statements[0].type !== 'expression_statement' || statements[0].namedChildCount !== 1) return null;
  const update = statements[0].namedChild(0)!;
  const init = loop.previousNamedSibling;
  const assigned = init?.type === 'expression_statement' && init.namedChildCount === 1 ? init.namedChild(0) : null;
  if (update.type !== 'augmented_assignment' || assigned?.type !== 'assignment' || assigned.childForFieldName('type')) return null;
  if (!ownsLines(text, init!) || !ownsLines(text, loop) || hasCommentBetween(facts, init!.startIndex, loop.endIndex)) return null;
  const total = assigned.childForFieldName('left');
  const start = assigned.childForFieldName('right');
  if (total?.type !== 'identifier' || !start || !isNumberLiteral(start)) return null;
  if (update.childForFieldName('operator')?.type !== '+=' || update.childForFieldName('left')?.text !== total.text) return null;
  const right = update.childForFieldName('right');
  const expr = right ? columnOf(right) : null;
  if (!expr || occurrences(loop, total.text).length !== 1) return null;
  const summed = `${/^[\w.]+\[[^\]]+\]$/.test(expr) ? expr : `(${expr})`}.sum(skipna=False)`;
  const value = /^0+(\.0*)?$/.test(start.text) ? summed : `${start.text} + ${summed}`;
  return { edits: [replaceRange(init!.startIndex, loop.endIndex, `${total.text} = ${value}`)], title: 'Sum the column expression', reason };
}
