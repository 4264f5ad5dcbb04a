import { defineRule, GENERIC_LOOP_RULES, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindingOf,
  callArguments,
  costlyWorkEachPass,
  enclosingDef,
  readFromFileReason,
  runsOnce,
  enclosingLoops,
  findDescendants,
  FRAME_ATTRIBUTES,
  inTestFunction,
  isAssignmentTarget,
  isDeclaredNonLocal,
  isIdentifierName,
  isVariable,
  keywordArgument,
  keywordValue,
  occurrences,
  plainAssignments,
  positionalArguments,
  scopeOf,
  insideNumbaFunction,
  isTestFile,
  isNestedScope,
  isPureReference,
  listBuiltByLoop,
  scopeBody,
  stringLiteralValue,
  usedAfter,
  knownNotPandas,
  numpyModuleRef,
  values,
  vectorizeArithmetic,
  vectorizeRowValue,
} from '../../server/analysis';
import { ensureImport, hasCommentBetween, replaceNode, rewriteListLoop, ROW_VALUE_REASONS, rowValueListFix, runningTotalFix } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

const ACCESSORS = new Set(['loc', 'iloc', 'at', 'iat']);

/** Where reading cells by label differs from whole columns (the list keeps positions; the columns align by label). */
const LABEL_PART = '`.loc[i]` / `.at[i]` read index labels: on an index other than 0..len-1 the loop raised KeyError or read the rows in another order';
/** Where building each row as a Series differs (as iterrows() does). */
const UPCAST_PART =
  '`.iloc[i]` / `.loc[i]` build each row as a Series of one dtype, so int columns beside a float column gave floats where the column ' +
  'expression keeps int64';
/** What every whole-column form of cell arithmetic does differently, as test/unit/rowLoopEquivalence.test.ts measured it. */
const CELLS_PART =
  'categorical columns and bool division raise only in the column form, None in an object column only in the loop; integer `//` by zero ' +
  'and an empty frame give other values or dtypes';
const CELLS_SUM_PART =
  'NumPy adds pairwise, so a float total can differ in the last digits; categorical columns raise only in the column form, None in an ' +
  'object column only in the loop; an empty frame sums to 0.0 where the loop left the int 0';
const CELLS_VALUE_PART = 'categorical columns in arithmetic or comparisons raise only in the column form, None in an object column only in the loop';
/** Where writing the column cell by cell (`df.at[i, "c"] = ...`) differs, as the equivalence test measured it. */
const ASSIGN_LABEL_PART = '`.loc[i]` / `.at[i]` use index labels: the loop only matches whole columns when the index is 0..len-1';
const ASSIGN_PART =
  'a column created row by row also starts as float with NaN, so its dtype can differ (int and bool results came out float64 and object); ' +
  'on an empty frame the loop never creates the column; categorical columns raise only in the column form, None in an object column only in the loop';
const LIST_PART = '`.tolist()` holds Python scalars where the loop collected NumPy scalars';

export default defineRule({
  id: 'pandas-row-loop-indexing',
  title: '`for i in range(len(df))` with `.loc`, `.iloc` or `.at` per row',
  category: 'pandas',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pandas-vectorization',
  requires: ['pandas'],
  // As pandas-iterrows: the cost grows with the rows, which static analysis cannot count; blind reviews judged none of
  // its findings outside hot code worth a change (a handful of rows, dead helpers, edge cases). Full severity in hot code.
  quietOutsideHotCode: true,
  // The same loop's generic advice (a comprehension, sum(), join) would keep the per-row iteration this rule is about.
  supersedes: GENERIC_LOOP_RULES,
  message: 'A Python loop indexes the DataFrame row by row; operate on whole columns instead',
  docs: {
    why:
      'Every `df.loc[i, "col"]`, `.iloc[i]` or `.at[i, "col"]` goes through pandas\' indexing machinery (label ' +
      'lookup, type checks, boxing), so a loop over the row numbers pays that cost several times per row; ' +
      'assigning through `.loc` inside the loop can also trigger repeated reallocation.',
    instead:
      'Write the computation on columns: `df["c"] = df["a"] + df["b"]`; use `np.where` / `np.select` for ' +
      'conditions. Note that `.loc[i]` looks up index labels, which are not row positions unless the index is a ' +
      'default RangeIndex. The old `.ix` (removed in pandas 1.0) is reported the same way, without a rewrite: it reads a label or a ' +
      'position depending on the index. A recurrence, where each row reads an earlier row or a value the previous pass left ' +
      '(a smoothing filter, a trailing stop), has no column form: take the columns out once with `.to_numpy()` and ' +
      'index those arrays in the loop (or compile it with Numba); an array lookup costs a tiny fraction of `.iloc`. A loop that ' +
      'writes a cell and then recomputes a cumulative column (`df["pos"] = df["signal"].cumsum()`) to read it back rescans every row on ' +
      'every pass, quadratic in the rows even when it stops early: carry the running total in a variable instead. A list ' +
      'comprehension that only reads each row of a DataFrame (`[df.iloc[i].tolist() for i in range(len(df))]`, ' +
      '`[df.loc[k][col] for k in df.index]`) builds a Series per row as well: `df.to_numpy().tolist()` or `df[col].to_numpy()` read ' +
      'the same values at once (20,000 rows: 0.32 s against 6 ms). Read by position it visits the rows in order; `.iloc` over ' +
      "the index's labels (or `.loc` over positions) only counts on a frame read from a CSV without `index_col`.",
    example: {
      before: 'for i in range(len(df)):\n    df.loc[i, "c"] = df.loc[i, "a"] + df.loc[i, "b"]',
      after: 'df["c"] = df["a"] + df["b"]',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Compute the column in one step',
    reason: `${ASSIGN_LABEL_PART} (not said when the code resets or builds the frame with a default index just before); ${ASSIGN_PART}`,
    forms: [
      {
        safety: 'unsafe',
        when:
          'when the loop only appends arithmetic of cells to a new list (`df.at[i, "a"]`, `df.loc[i, "a"]`, `df["a"].iloc[i]`, `df.iat[i, 0]`, ' +
          '`df.iloc[i]["a"]`; rewritten to whole-column arithmetic, or its `.tolist()` when the list is kept)',
        reason: `${LABEL_PART} (not said when the code resets or builds the frame with a default index just before); ${UPCAST_PART} (row reads only); ${CELLS_PART}; ${LIST_PART} (a kept list only)`,
      },
      {
        safety: 'unsafe',
        when: 'when the loop only adds arithmetic of cells to a total that starts at a number (rewritten to `.sum(skipna=False)`)',
        reason: `${LABEL_PART} (label reads only); ${CELLS_SUM_PART}`,
      },
      {
        safety: 'unsafe',
        when:
          'when the loop only appends a conditional of cells (or appends in both branches of `if`/`else`), str methods of a cell, or a lookup ' +
          'in a dict literal (rewritten to `Series.where`/`mask` or `np.where`, the `.str` accessor, or `.map`)',
        reason: `${LABEL_PART} (label reads only); ${CELLS_VALUE_PART}; and each construct adds its own: ${Object.values(ROW_VALUE_REASONS).filter(Boolean).join('; ')}`,
      },
    ],
  },
  query: `
(for_statement
  left: (identifier) @i
  right: (call function: (identifier) @range arguments: (argument_list) @bounds)
  body: (block) @body
  (#any-of? @range "range" "reversed" "tqdm" "trange")) @loop

(for_statement
  left: (identifier) @i
  right: (attribute object: [(identifier) (attribute)] @owner attribute: (identifier) @index)
  body: (block) @body
  (#eq? @index "index")) @loop

(for_statement
  left: (pattern_list . (identifier) @i . (identifier) .)
  right: (call function: (identifier) @enumerate arguments: (argument_list . (subscript) @column .))
  body: (block) @body
  (#eq? @enumerate "enumerate")) @loop

(list_comprehension
  body: (_) @elem
  (for_in_clause left: (identifier) @i right: (_) @rows) .) @comp`,
  check(m, ctx) {
    const comp = m.get('comp');
    if (comp) {
      reportRowComprehension(comp, m.need('elem'), m.need('i').text, m.need('rows'), ctx);
      return;
    }
    const loop = m.need('loop');
    const i = m.need('i').text;
    if (insideNumbaFunction(ctx.facts, loop)) return;
    const rows = rowsLooped(m, ctx);
    if (!rows) return;
    const { frame: sized, plain } = rows;
    const layer = values(ctx.facts);
    const accesses = findDescendants(m.need('body'), (n) => n.type === 'subscript' && rowAccess(n, i, true, true) !== null, isNestedScope);
    // The loop runs over the rows of the frame it indexes (`range(len(df))`, `df.index`), or of one of its columns (`df["c"].iloc[i]`);
    // over a held length (`m = high.size`), `.iloc[i]` of a parallel Series (`position.iloc[i]`) is the same pass by position.
    const hits = accesses.filter((a) => {
      const { frame, accessor } = rowAccess(a, i, true, true)!;
      const parallel = rows.held === true && accessor === 'iloc' && frame.type === 'identifier';
      return (frame.text === sized || columnOf(frame) === sized || parallel) && !knownNotPandas(layer.valueOf(frame));
    });
    if (hits.length === 0) return;
    // Shown and described by a read of the row itself when there is one (`df.loc[i, "t"]` rather than `df.loc[i + 1, "t"]`).
    hits.sort((a, b) => Number(firstKey(b).text === i) - Number(firstKey(a).text === i));
    // `.ix` (removed in pandas 1.0) reads a label or a position depending on the index: no rewrite can tell which.
    const legacy = hits.some((h) => rowAccess(h, i, true, true)!.accessor === 'ix');
    // A search that stops at the first match (`break`, `return`) is not a pass over every row; in a test, one over a
    // frame built just before from a few literal rows (a fixture) costs nothing.
    // A loop that rescans a column on every pass (`data["cumsum"] = data["signals"].cumsum()` after writing a signal)
    // costs the square of the rows up to where it stops, so an exit at a stop condition does not make it cheap.
    const rescan = columnRescan(m.need('body'), sized);
    if ((exitsEarly(loop) && !rescan) || ((isTestFile(ctx.filePath) || inTestFunction(loop)) && tinyLiteralFrame(sized, loop, ctx))) return;
    // A loop that draws or fits a model on every pass (`ax.plot([i, i + 1], [s.iloc[i], s.iloc[i + 1]])`) spends its time
    // there, not in reading the row (as pandas-iterrows).
    if (costlyWorkEachPass(loop, ctx.facts)) return;
    // `self.fit_live_predictions(...)` as a statement on every pass, then cells written from what it left on the object
    // (freqtrade replays live operation over a backtest): each row depends on a method's side effects, which no
    // whole-column operation can reproduce.
    if (stepsObjectEachPass(m.need('body'))) return;
    // `probs, ... = compute_damage(df.iloc[i]["windSpeed"], ..., probs)` (PuertoRico's Monte Carlo, review75): each pass
    // hands state to a helper and takes it back; the helper's work is the pass, not the row read, and its state is no
    // earlier row, which no whole-column form or Numba loop would take over.
    if (threadsStateThroughCall(m.need('body'))) return;
    // Over `df.index`, reading a row per label is how small lookup tables are walked: only writes (`df.loc[i, "c"] = ...`) count.
    if (m.get('owner') && !hits.some(isAssigned)) return;
    // The wider forms (a reversed or offset range, a label loop, column cells) often carry per-row decision logic
    // (early exits, long bodies) that has no whole-column form: they speak only on short, straight loop bodies.
    // A recurrence (each row reads an earlier one) is told to index arrays, which holds whatever its decision logic.
    const plainFrameAccess = rows.plain && hits.some((h) => rowAccess(h, i, true, true)!.frame.text === sized);
    const recurrence = readsEarlierRow(m.need('body'), i);
    if (!plainFrameAccess && !recurrence && !straightBody(m.need('body'))) return;
    const { frame: frameNode, accessor } = rowAccess(hits[0], i, true, true)!;
    const frame = frameNode.text;
    const keyCount = hits[0].childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment').length;
    const shown = `${frame}.${accessor}[${firstKey(hits[0]).text}${keyCount > 1 ? ', ...' : ''}]`;
    const kind = layer.valueOf(frameNode)?.kind;
    const whole =
      kind === 'dataframe' || keyCount > 1
        ? `whole columns of \`${frame}\``
        : kind === 'series' || columnOf(frameNode) !== null
          ? `the whole Series \`${frame}\``
          : `\`${frame}\` as a whole`;
    // `x.iloc[i - 1]`: a recurrence (a filter, a trailing stop) has no whole-column form; arrays make each lookup cheap.
    // `data["signals"].cumsum()` in the body: the rescan is the quadratic part, said first.
    const scanned = rescan ? `\`${rescan.text.length <= 50 ? rescan.text : 'a cumulative column'}\`` : '';
    const message = rows.writeBack
      ? rows.writeBack
      : rescan
        ? `The loop indexes \`${shown}\` row by row${recurrence ? ', reads earlier rows' : ''} and recomputes ${scanned} over the whole column on every pass ` +
          `(quadratic in the rows): carry a running total through the loop instead${recurrence ? ', over NumPy arrays (`.to_numpy()`) or compiled with Numba' : ''}`
        : recurrence
          ? `The loop indexes \`${shown}\` row by row and reads earlier rows: index NumPy arrays (\`.to_numpy()\`) in the loop, or compile it with Numba`
          : `The loop indexes \`${shown}\` row by row; operate on ${whole} instead`;
    const wholeData = wholeDataReason(frameNode, recurrence, loop, ctx);
    // The fixes rewrite `range(len(df))` loops: a reversed or offset range, or a loop over labels, is reported without one.
    // A loop that rescans a column is a recurrence over its own writes: no whole-column rewrite of it is offered.
    if (!plain || legacy || rescan) {
      ctx.report({ node: loop, message, hotReason: wholeData });
      return;
    }
    const listed = listFix(loop, i, sized, ctx);
    if (listed) {
      ctx.report({ node: loop, message, edits: listed.edits, fixTitle: listed.title, reason: listed.reason, hotReason: wholeData });
      return;
    }
    const assigned = columnFix(loop, m.need('body'), i, sized, ctx);
    ctx.report({ node: loop, message, edits: assigned?.edits, reason: assigned?.reason, hotReason: wholeData });
  },
});

/**
 * `[preddf.iloc[i].tolist() for i in preddf.index]`, `[np.array(df.loc[i][label]) for i in range(df.shape[0])]` (BioBERT's
 * evaluation, kgcnn's label table): a comprehension whose every element only reads one row of a known DataFrame, built as
 * a Series per row (tens of microseconds each), where the frame's values or one column read once give the same numbers.
 * Only a plain read (a column of the row, `.tolist()`, `.values`, a conversion of it), so the advice covers the element.
 */
function reportRowComprehension(comp: Node, elem: Node, i: string, rows: Node, ctx: RuleContext): void {
  if (comp.namedChildren.filter((c) => c?.type === 'for_in_clause' || c?.type === 'if_clause').length !== 1) return;
  if (isTestFile(ctx.filePath) || inTestFunction(comp) || insideNumbaFunction(ctx.facts, comp)) return;
  const frame = comprehendedFrame(rows);
  if (!frame || values(ctx.facts).valueOf(frame)?.kind !== 'dataframe') return;
  const read = plainRowRead(elem, i, frame.text);
  if (!read) return;
  // Positions over `range(...)` read by `.iloc`, labels over `.index` by `.loc`: each visits the rows in order. Crossed
  // (`.iloc` over the labels, `.loc` over positions) they agree only on a default RangeIndex, as a CSV read without
  // `index_col` has.
  const positions = rows.type === 'call';
  if (positions !== (read.accessor === 'iloc') && !readWithDefaultIndex(frame, ctx)) return;
  const wholeData = readFromFileReason(frame, ctx.facts);
  ctx.report({
    node: comp,
    message:
      `The comprehension builds \`${frame.text}.${read.accessor}[${i}]\` as a Series for every row only to read ${read.column ? `\`${read.column}\`` : 'its values'}; ` +
      `read ${read.column ? `the column once: \`${frame.text}[${read.column}].to_numpy()\`` : `the frame once: \`${frame.text}.to_numpy()\``}`,
    ...(wholeData ? { hotReason: wholeData } : {}),
  });
}

/** Every binding of the frame's name is `pd.read_csv(...)` / `pd.read_table(...)` without `index_col`: a RangeIndex. */
function readWithDefaultIndex(frame: Node, ctx: RuleContext): boolean {
  if (frame.type !== 'identifier') return false;
  const assigned = plainAssignments(scopeOf(frame), frame.text);
  return (
    assigned.length > 0 &&
    assigned.every(
      ({ value }) =>
        value.type === 'call' &&
        /^pandas\.read_(?:csv|table)$/.test(ctx.facts.calleeName(value) ?? '') &&
        !(value.childForFieldName('arguments')?.namedChildren ?? []).some(
          (a) => a?.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'index_col',
        ),
    )
  );
}

/** The frame in `range(len(df))`, `range(df.shape[0])`, `range(len(df.index))` or `df.index`, a plain reference; else null. */
function comprehendedFrame(rows: Node): Node | null {
  if (rows.type === 'attribute' && rows.childForFieldName('attribute')?.text === 'index') {
    const owner = rows.childForFieldName('object');
    return owner && isPureReference(owner) ? owner : null;
  }
  const args = rows.type === 'call' && rows.childForFieldName('function')?.text === 'range' ? callArguments(rows) : [];
  const name = args.length === 1 ? boundFrame(args[0]) : null;
  return (name && findDescendants(args[0], (n) => n.text === name && isPureReference(n))[0]) || null;
}

/** Conversions of the row or its cell that keep the per-row read the only work: `np.array(...)`, `list(...)`, `float(...)`. */
const ROW_CONVERSIONS = /^(?:np|numpy)\.(?:array|asarray)$|^(?:list|tuple|float|int|str)$/;

/**
 * The element reads row `i` of `frame` by `.iloc[i]` / `.loc[i]` and nothing else: optionally one column of it (`[col]`
 * with a literal or a name), then `.tolist()`, `.values`, `.to_numpy()`, wrapped in a conversion. The accessor and the
 * column key's text, or null.
 */
function plainRowRead(elem: Node, i: string, frame: string): { accessor: string; column: string | null } | null {
  let node = elem;
  let converted = false;
  for (let depth = 0; depth < 4; depth++) {
    const fn = node.type === 'call' ? node.childForFieldName('function') : null;
    const args = fn ? callArguments(node) : [];
    if (fn && ROW_CONVERSIONS.test(fn.text) && args.length === 1) node = args[0];
    else if (fn?.type === 'attribute' && /^(?:tolist|to_numpy|to_list)$/.test(fn.childForFieldName('attribute')?.text ?? '') && args.length === 0)
      node = fn.childForFieldName('object')!;
    else if (node.type === 'attribute' && node.childForFieldName('attribute')?.text === 'values') node = node.childForFieldName('object')!;
    else break;
    converted = true;
  }
  let column: string | null = null;
  const rowOf = (n: Node) => {
    const value = n.type === 'subscript' ? n.childForFieldName('value') : null;
    const keys = n.type === 'subscript' ? n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment') : [];
    const accessor = value?.type === 'attribute' ? value.childForFieldName('attribute')?.text : null;
    return accessor && /^i?loc$/.test(accessor) && value!.childForFieldName('object')?.text === frame && keys.length === 1 && keys[0]!.text === i
      ? accessor
      : null;
  };
  let accessor = rowOf(node);
  // `[df.iloc[i] for i in range(len(df))]` handed on (cdvae's `p_umap(process_one, rows, ...)`, review64 judged the
  // advice wrong): the elements are the row Series themselves, read by label where they go, not values read here.
  if (accessor && !converted) return null;
  if (!accessor && node.type === 'subscript') {
    const keys = node.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
    const key = keys.length === 1 ? keys[0]! : null;
    accessor = rowOf(node.childForFieldName('value')!);
    if (!accessor || !key || !(key.type === 'string' || key.type === 'identifier') || key.text === i) return null;
    column = key.text;
  }
  return accessor ? { accessor, column } : null;
}

/** String methods the `.str` accessor has under the same name, taking the same arguments. */
const STR_METHODS = new Set(['strip', 'lstrip', 'rstrip', 'lower', 'upper', 'title', 'capitalize', 'replace', 'zfill', 'casefold']);

/**
 * `for i, v in enumerate(df.iloc[:, k]): df.iloc[i, k] = f(v)` (review44's blind hunt: treetime strips quotes off a
 * metadata column cell by cell): every cell of one column written back from its own value alone, so the whole column is
 * one expression of itself. Only a body of that one assignment, whose value reads the element and neither the position
 * nor the frame (a value computed from other rows is a recurrence, not this). The frame and the message, or null.
 */
function positionalWriteBack(loop: Node, column: Node): { frame: string; advice: string } | null {
  const accessor = column.childForFieldName('value');
  const frame = accessor?.type === 'attribute' && accessor.childForFieldName('attribute')?.text === 'iloc' ? accessor.childForFieldName('object') : null;
  const keys = column.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  if (!frame || !isPureReference(frame) || keys.length !== 2 || keys[0].text.replace(/\s/g, '') !== ':' || keys[1].type === 'slice') return null;
  const [position, element] = loop.childForFieldName('left')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
  const statements = loop.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const assign = statements.length === 1 && statements[0].type === 'expression_statement' ? statements[0].namedChild(0) : null;
  const left = assign?.type === 'assignment' ? assign.childForFieldName('left') : null;
  const right = assign?.childForFieldName('right');
  if (!position || !element || left?.type !== 'subscript' || !right || loop.childForFieldName('alternative')) return null;
  const target = left.childForFieldName('value');
  const targetKeys = left.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  if (target?.text !== accessor!.text || targetKeys.length !== 2 || targetKeys[0].text !== position.text || targetKeys[1].text !== keys[1].text) return null;
  const names = [right, ...findDescendants(right, (n) => n.type === 'identifier')].filter((n) => n.type === 'identifier').map((n) => n.text);
  const root = frame.text.split('.')[0];
  if (!names.includes(element.text) || names.includes(position.text) || names.includes(root)) return null;
  const fn = right.type === 'call' ? right.childForFieldName('function') : null;
  const method = fn?.type === 'attribute' && fn.childForFieldName('object')?.text === element.text ? (fn.childForFieldName('attribute')?.text ?? '') : '';
  const col = column.text;
  const whole =
    STR_METHODS.has(method) && col.length <= 30
      ? `\`${col} = ${col}.str.${method}${right.childForFieldName('arguments')!.text.length <= 20 ? right.childForFieldName('arguments')!.text : '(...)'}\``
      : 'one expression of the column (`.str` methods, arithmetic, `.map`)';
  return {
    frame: frame.text,
    advice: `The loop writes \`${col.length <= 30 ? col : 'a column'}\` back one cell at a time through \`.iloc\`; assign the whole column at once: ${whole}`,
  };
}

/**
 * Why the loop visits a data set's every row, so that it counts wherever it stands (see Report.hotReason): the frame is
 * read from a file in this function, or the loop is a recurrence in a function. A recurrence (a smoothing filter, a
 * trailing stop, a running index) is how a time series is computed from its whole history: in blind reviews of ta's
 * indicators its `.iloc` loop over every bar was judged worth a change, at a hint.
 */
function wholeDataReason(frame: Node, recurrence: boolean, loop: Node, ctx: RuleContext): string | undefined {
  const owner = frame.type === 'subscript' ? frame.childForFieldName('value') : frame;
  const read = owner ? readFromFileReason(owner, ctx.facts) : null;
  if (read) return read;
  // At module level, or in a function only the script's top-level code calls (its `main()`), the pass runs once.
  const def = enclosingDef(loop);
  if (!recurrence || !def || runsOnce(def, ctx.facts)) return undefined;
  return `a recurrence over every element of \`${frame.text.length <= 30 ? frame.text : 'the Series'}\`, one pandas lookup per element of its history`;
}

/**
 * The frame whose rows the loop visits, and whether it is the plain `range(len(df))` form the fixes
 * handle: `range(len(df))`, `range(df.shape[0])`, `range(1, len(df))`, `range(len(df) - 1, -1, -1)`,
 * `reversed(range(len(df)))`, `for i in df.index`, `for i, v in enumerate(df["c"])`.
 */
function rowsLooped(
  m: { get(name: string): Node | undefined },
  ctx: RuleContext,
): { frame: string; plain: boolean; held?: boolean; writeBack?: string } | null {
  const loop = m.get('loop')!;
  const owner = m.get('owner');
  if (owner) {
    // `for i in df.index`: labels, so `.loc[i]` / `.at[i]` are exact; only a known DataFrame or Series counts.
    const value = values(ctx.facts).valueOf(owner);
    const kind = value?.kind;
    if (kind === 'dataframe' || kind === 'series') return { frame: owner.text, plain: false };
    // Unknown (an unannotated parameter, `self.weights` copied from one): `owner.ix[k, "c"]` / `owner.iloc[k, 0]` in the
    // body exist only on a DataFrame, which is the usage evidence the value layer also takes for parameters.
    return value === null && indexedAsFrame(m.get('body')!, owner.text) ? { frame: owner.text, plain: false } : null;
  }
  const column = m.get('column');
  if (column) {
    // `for i, v in enumerate(df["c"])`: positions over every row of `df`, whose cells the body reads by `i`.
    if (!ctx.facts.isBuiltin('enumerate', loop)) return null;
    const written = positionalWriteBack(loop, column);
    if (written) return { frame: written.frame, plain: false, writeBack: written.advice };
    const frame = columnOf(column);
    const value = column.childForFieldName('value');
    return frame && value && isPureReference(value) && !knownNotPandas(values(ctx.facts).valueOf(value)) ? { frame, plain: false } : null;
  }
  let fn = m.get('range')!;
  let args = argumentsOf(m.get('bounds')!);
  // `tqdm(range(len(df)))` / `trange(len(df))`: the same pass with a progress bar (no fix: it would drop the bar).
  if (fn.text === 'tqdm' || fn.text === 'trange') {
    if (!ctx.facts.calleeName(fn.parent!)?.startsWith('tqdm.')) return null;
    const positional = args.filter((a) => a.type !== 'keyword_argument');
    if (fn.text === 'trange') return positional.length === 1 && positional.length === args.length ? framePass(positional[0]) : null;
    const inner = positional.length === 1 && positional[0].type === 'call' ? positional[0] : null;
    if (inner?.childForFieldName('function')?.text !== 'range' || !ctx.facts.isBuiltin('range', loop)) return null;
    const bounds = argumentsOf(inner.childForFieldName('arguments')!);
    return bounds.length === 1 ? framePass(bounds[0]) : null;
  }
  if (fn.text === 'reversed') {
    if (!ctx.facts.isBuiltin('reversed', loop) || args.length !== 1 || args[0].type !== 'call') return null;
    fn = args[0].childForFieldName('function')!;
    if (fn?.text !== 'range') return null;
    args = argumentsOf(args[0].childForFieldName('arguments')!);
    const frame = args.length === 1 ? boundFrame(args[0]) : null;
    return frame ? { frame, plain: false } : null;
  }
  if (!ctx.facts.isBuiltin('range', loop)) return null;
  if (args.length === 1) {
    const frame = boundFrame(args[0]);
    const owner = frame ? indexOwner(frame, loop) : null;
    if (owner) return { frame: owner, plain: false };
    if (frame) return { frame, plain: true };
    // `range(len(group) - h)`: every row but the last few (mlforecast's origins loop reads `group.iloc[i + 1]`).
    const allBut =
      args[0].type === 'binary_operator' && args[0].childForFieldName('operator')?.type === '-' ? boundFrame(args[0].childForFieldName('left')!) : null;
    if (allBut && /^(\d+|[A-Za-z_]\w*)$/.test(args[0].childForFieldName('right')!.text)) return { frame: allBut, plain: false };
    const held = heldBound(args[0], loop);
    return held ? { frame: held, plain: false, held: true } : null;
  }
  // `range(start, len(df))`: rows from a small literal start (or a window length, `range(length, m)`) onwards.
  if (args.length === 2 && /^(\d|[A-Za-z_]\w*)$/.test(args[0].text)) {
    const bound = boundFrame(args[1]);
    const direct = bound ? (indexOwner(bound, loop) ?? bound) : null;
    const held = direct ? null : heldBound(args[1], loop);
    return direct || held ? { frame: (direct ?? held)!, plain: false, held: held !== null } : null;
  }
  // `range(len(df) - 1, -1, -1)` / `range(len(df) - 1, 0, -1)`: every row, last first.
  if (args.length === 3 && args[2].text.replace(/\s+/g, '') === '-1' && /^(-1|0)$/.test(args[1].text.replace(/\s+/g, ''))) {
    const start = args[0];
    const m1 = start.type === 'binary_operator' && start.childForFieldName('operator')?.type === '-' && start.childForFieldName('right')?.text === '1';
    const frame = m1 ? boundFrame(start.childForFieldName('left')!) : null;
    return frame ? { frame, plain: false } : null;
  }
  return null;
}

/**
 * `idx = returns.index` before `for t in range(1, len(idx))`: the loop counts the rows of `returns`. Only for a name whose
 * one binding in the loop's scope is that assignment, made before the loop, of the index of a name or attribute chain.
 */
function indexOwner(name: string, loop: Node): string | null {
  if (!isIdentifierName(name)) return null;
  const scope = scopeOf(loop);
  const assigned = plainAssignments(scope, name);
  const bindings = occurrences(scope, name).filter((id) => bindingOf(id) !== null || id.parent?.type === 'augmented_assignment');
  if (assigned.length !== 1 || bindings.length !== 1 || assigned[0].value.startIndex > loop.startIndex) return null;
  const value = assigned[0].value;
  const owner = value.type === 'attribute' && value.childForFieldName('attribute')?.text === 'index' ? value.childForFieldName('object') : null;
  return owner && isPureReference(owner) ? owner.text : null;
}

/**
 * `owner.ix[k, "c"]`, `owner.iloc[k, 0]` or `owner.iat[k, 0]` in the loop's body: a row and a column, which only a pandas
 * DataFrame takes through these accessors (`.loc` and `.at` are left out: xarray and JAX spell them too).
 */
function indexedAsFrame(body: Node, owner: string): boolean {
  return findDescendants(
    body,
    (n) => {
      if (n.type !== 'subscript') return false;
      const value = n.childForFieldName('value');
      const accessor = value?.type === 'attribute' ? value.childForFieldName('attribute')?.text : undefined;
      const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
      return (accessor === 'ix' || accessor === 'iloc' || accessor === 'iat') && keys.length === 2 && value!.childForFieldName('object')?.text === owner;
    },
    isNestedScope,
  ).some(Boolean);
}

/** `len(df)` as the bound of a pass the fixes leave alone. */
function framePass(bound: Node): { frame: string; plain: boolean } | null {
  const frame = boundFrame(bound);
  return frame ? { frame, plain: false } : null;
}

function argumentsOf(list: Node): Node[] {
  return list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/**
 * At most a few statements, none of them `break`, `return` or `raise`. A `continue` skips rows that fail a test: a filter,
 * which a boolean mask of the columns expresses.
 */
function straightBody(body: Node): boolean {
  const statements = findDescendants(body, (n) => n.parent?.type === 'block' && n.type !== 'comment');
  return statements.length <= 6 && !statements.some((n) => /^(break|return|raise)_statement$/.test(n.type));
}

/** The loop's body can leave it before the last row: a `break` of this loop, or a `return` (outside nested defs). */
function exitsEarly(loop: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return findDescendants(
    body,
    (n) => n.type === 'return_statement' || (n.type === 'break_statement' && enclosingLoops(n)[0]?.equals(loop) === true),
    isNestedScope,
  ).some(Boolean);
}

/** Cumulative scans that pandas computes over a whole column at once. */
const SCANS = new Set(['cumsum', 'cumprod', 'cummax', 'cummin']);

/**
 * `frame["c"].cumsum()` called in the loop's body (outside nested scopes) on a column of the frame whose rows the loop
 * visits, where the body also writes cells of that frame through an accessor: each pass rescans the whole column to see the cell it just
 * changed, which a running total carried through the loop gives at constant cost. The first such call, or null.
 */
function columnRescan(body: Node, frame: string): Node | null {
  const writes = findDescendants(body, (n) => n.type === 'subscript' && isAssignmentTarget(n), isNestedScope).some((w) => {
    // A cell written through an accessor (`frame.at[i, "c"] = 1`, `frame["c"].iloc[i] = 1`): a whole-column store (`frame["cumsum"] = ...`)
    // changes nothing the scan has not already seen.
    const value = w.childForFieldName('value');
    const owner = value?.type === 'attribute' && ACCESSORS.has(value.childForFieldName('attribute')?.text ?? '') ? value.childForFieldName('object') : null;
    return !!owner && (owner.text === frame || columnOf(owner) === frame);
  });
  if (!writes) return null;
  return (
    findDescendants(
      body,
      (n) => {
        const fn = n.type === 'call' ? n.childForFieldName('function') : null;
        const receiver = fn?.type === 'attribute' && SCANS.has(fn.childForFieldName('attribute')?.text ?? '') ? fn.childForFieldName('object') : null;
        return !!receiver && columnOf(receiver) === frame && (n.childForFieldName('arguments')?.namedChildCount ?? 1) === 0;
      },
      isNestedScope,
    )[0] ?? null
  );
}

/** At most this many literal rows make a frame too small for its row loop to matter. */
const TINY_ROWS = 5;

/**
 * `df = pd.DataFrame({"a": [1], "b": [2]})` (or a list of row literals) in the loop's function, the only binding of
 * `frame` there: a fixture of a few rows, whose row loop costs nothing.
 */
function tinyLiteralFrame(frame: string, loop: Node, ctx: RuleContext): boolean {
  if (!/^\w+$/.test(frame)) return false;
  const binds = findDescendants(scopeBody(loop), (n) => n.type === 'assignment' && n.childForFieldName('left')?.text === frame, isNestedScope);
  if (binds.length !== 1 || binds[0].startIndex > loop.startIndex) return false;
  const call = binds[0].childForFieldName('right');
  if (call?.type !== 'call' || ctx.facts.calleeName(call) !== 'pandas.DataFrame') return false;
  const data = call.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment');
  const short = (n: Node | null | undefined) => (n?.type === 'list' || n?.type === 'tuple') && n.namedChildCount <= TINY_ROWS;
  if (data?.type === 'dictionary') {
    const columns = data.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    return columns.length > 0 && columns.every((pair) => pair.type === 'pair' && short(pair.childForFieldName('value')));
  }
  return short(data);
}

/** The subscript is what an assignment writes (`df.loc[i, "c"] = v`, `df.at[i, "c"] += 1`). */
function isAssigned(n: Node): boolean {
  const p = n.parent;
  return (p?.type === 'assignment' || p?.type === 'augmented_assignment') && !!p.childForFieldName('left')?.equals(n);
}

/** `df["c"]` → `df`: the frame a string-keyed column selection reads. */
function columnOf(node: Node): string | null {
  if (node.type !== 'subscript') return null;
  const keys = node.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  const value = node.childForFieldName('value');
  return keys.length === 1 && stringLiteralValue(keys[0]) !== null && value ? value.text : null;
}

/** Known to be something other than pandas (a polars or dask frame, an xarray object, a tensor...). */
/** `len(df)`, `df.shape[0]`, `len(df.index)` → `df`. */
function boundFrame(bound: Node): string | null {
  const t = bound.text.replace(/\s+/g, '');
  const m = /^len\(([\w.]+?)(?:\.index)?\)$/.exec(t) ?? /^([\w.]+)\.shape\[0\]$/.exec(t);
  return m ? m[1] : null;
}

/** A statement `a, b = f(..., a)` (or `a = f(a)`) directly in the body: a name the call both takes and gives back. */
function threadsStateThroughCall(body: Node): boolean {
  return body.namedChildren.some((stmt) => {
    const assign = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    const right = assign?.type === 'assignment' ? assign.childForFieldName('right') : null;
    const left = assign?.childForFieldName('left');
    if (right?.type !== 'call' || !left) return false;
    const targets = left.type === 'identifier' ? [left.text] : left.namedChildren.flatMap((c) => (c?.type === 'identifier' ? [c.text] : []));
    const args = right.childForFieldName('arguments')?.namedChildren ?? [];
    return args.some((a) => a?.type === 'identifier' && targets.includes(a.text));
  });
}

/**
 * The body reads a value of an earlier row: `x[i - 1]` / `x.iloc[i - 2]`, or a name it assigns further down
 * (`F = ... last_f ...; last_f = F`), which carries the previous row's result into this one.
 */
function readsEarlierRow(body: Node, i: string): boolean {
  const nodes = findDescendants(body, (n) => n.type === 'subscript' || n.type === 'identifier', isNestedScope);
  const earlier = new RegExp(`^${i}\\s*-\\s*\\d+$`);
  if (nodes.some((n) => n.type === 'subscript' && n.childrenForFieldName('subscript').some((k) => k !== null && earlier.test(k.text)))) return true;
  // Where each name assigned in the body first holds this row's value: the end of its first assigning statement. A
  // comprehension's variable (`[bp for bp in breaks if bp <= i]`) is its own, written before its element is read.
  const firstWrite = new Map<string, number>();
  const bindersOf = new Map<string, Node[]>();
  for (const id of nodes) {
    const binder = id.type === 'identifier' ? bindingOf(id) : null;
    if (!binder || binder.type === 'for_in_clause' || id.text === i) continue;
    if (!firstWrite.has(id.text)) firstWrite.set(id.text, binder.type === 'for_statement' ? id.endIndex : binder.endIndex);
    bindersOf.set(id.text, [...(bindersOf.get(id.text) ?? []), binder]);
  }
  return nodes.some((id) => {
    if (id.type !== 'identifier' || !isVariable(id) || bindingOf(id) !== null || comprehensionVariable(id, body)) return false;
    const write = firstWrite.get(id.text);
    if (write === undefined || id.startIndex >= write) return false;
    const binders = bindersOf.get(id.text)!;
    return !oneShotFlag(id.text, binders, nodes) && !pureAccumulator(id.text, binders, nodes);
  });
}

/**
 * `acc = acc + df.loc[i, "x"]` or `out = pd.concat([out, piece])`, and the name read nowhere else in the body: a total or
 * a collection the loop only grows, for use after it. No row reads it (as `acc += ...`, which is no binding), so it is
 * no recurrence; `ema = a * x + (1 - a) * ema` (not a plain sum) and a total a row reads back still are.
 */
function pureAccumulator(name: string, binders: Node[], nodes: Node[]): boolean {
  const named = (n: Node | null | undefined) => n?.type === 'identifier' && n.text === name;
  const mentions = (n: Node) => findDescendants(n, named).length;
  const grows = (value: Node | null): boolean => {
    if (!value || mentions(value) !== 1) return false;
    if (value.type === 'binary_operator' && value.childForFieldName('operator')?.type === '+') {
      return named(value.childForFieldName('left')) || named(value.childForFieldName('right'));
    }
    const callee = value.type === 'call' ? value.childForFieldName('function')?.text : undefined;
    const first = value.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment');
    if (callee === `${name}.append`) return true;
    return /(^|\.)(concat|concatenate|append)$/.test(callee ?? '') && (named(first) || (first?.type === 'list' && named(first.namedChild(0))));
  };
  const updates = binders.map((b) => (b.type === 'assignment' && named(b.childForFieldName('left')) ? b.childForFieldName('right') : null));
  if (!updates.every(grows)) return false;
  return nodes.every((id) => !named(id) || bindingOf(id) !== null || updates.some((u) => u!.startIndex <= id.startIndex && id.endIndex <= u!.endIndex));
}

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/** `bp` in `[bp for bp in breaks]`: a name a comprehension around it binds, not one of the loop body's. */
function comprehensionVariable(id: Node, body: Node): boolean {
  for (let p = id.parent; p && !p.equals(body); p = p.parent) {
    if (!COMPREHENSIONS.has(p.type)) continue;
    const clauses = p.namedChildren.filter((c): c is Node => c?.type === 'for_in_clause');
    if (clauses.some((c) => findDescendants(c.childForFieldName('left')!, (n) => n.type === 'identifier' && n.text === id.text).some(Boolean))) return true;
  }
  return false;
}

/** A literal the body may set a flag to: `False`, `None`, `0`, `-1`, `"done"`. */
function isConstantLiteral(n: Node | null): boolean {
  if (!n) return false;
  if (n.type === 'unary_operator') return isConstantLiteral(n.childForFieldName('argument'));
  return /^(true|false|none|integer|float|string)$/.test(n.type) && !(n.type === 'string' && n.namedChildren.some((c) => c?.type === 'interpolation'));
}

/**
 * `if first_row: ...; first_row = False`: every write of the name in the body stores the same literal, so it changes at
 * most once and carries no row's value, only that some earlier pass got there (a one-time setup). A state that the
 * rows switch back and forth (`in_trade = True` ... `in_trade = False`) still carries the previous rows' decisions.
 */
function oneShotFlag(name: string, binders: Node[], nodes: Node[]): boolean {
  const values = binders.map((b) => (b.type === 'assignment' && b.childForFieldName('left')?.text === name ? b.childForFieldName('right') : null));
  if (!values.every(isConstantLiteral) || new Set(values.map((v) => v!.text)).size !== 1) return false;
  // `count += 1` changes it on every pass.
  return !nodes.some(
    (id) => id.type === 'identifier' && id.text === name && id.parent?.type === 'augmented_assignment' && id.parent.childForFieldName('left')?.equals(id),
  );
}

/**
 * `m = close.size` (or `len(close)`, `close.shape[0]`) then `range(1, m)`: the frame whose length a local name
 * holds, when that assignment is the name's only binding in the loop's scope (pandas-ta's indicator loops).
 */
function heldBound(bound: Node, loop: Node): string | null {
  if (bound.type !== 'identifier') return null;
  const scope = scopeOf(loop);
  const assigned = plainAssignments(scope, bound.text);
  const rebound = occurrences(scope, bound.text).filter((id) => bindingOf(id) !== null || id.parent?.type === 'augmented_assignment');
  if (assigned.length !== 1 || rebound.length !== 1 || assigned[0].value.startIndex > loop.startIndex) return null;
  const value = assigned[0].value;
  const size = /^([\w.]+)\.size$/.exec(value.text.replace(/\s+/g, ''));
  return boundFrame(value) ?? (size ? size[1] : null);
}

function firstKey(access: Node): Node {
  return access.childrenForFieldName('subscript').find((k) => k && k.type !== 'comment')!;
}

/** `i`, or the row a fixed step before or after it (`i + 1`, `i - 2`). */
function rowKey(key: Node, i: string): boolean {
  if (key.type === 'identifier') return key.text === i;
  const op = key.type === 'binary_operator' ? key.childForFieldName('operator')?.type : null;
  return (op === '+' || op === '-') && key.childForFieldName('left')?.text === i && key.childForFieldName('right')?.type === 'integer';
}

/**
 * `df.loc[i, ...]`, `df.at[i, "c"]`, `df["c"].iloc[i]` → the frame (or column) and accessor; with `nearby`, also a row a fixed step
 * away (`df.iloc[i + 1]`), which shows the per-row pass but is no cell of row `i` for the rewrites.
 */
function rowAccess(n: Node, i: string, nearby = false, legacy = false): { frame: Node; accessor: string } | null {
  const value = n.childForFieldName('value');
  const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  if (value?.type !== 'attribute' || keys.length === 0 || !(keys[0]!.text === i || (nearby && rowKey(keys[0]!, i)))) return null;
  const accessor = value.childForFieldName('attribute')?.text ?? '';
  const frame = value.childForFieldName('object');
  if (!(ACCESSORS.has(accessor) || (legacy && accessor === 'ix')) || !frame) return null;
  // `Y.at[i, j].set(v)`: JAX's functional update, not pandas' `.at` (JAX has no `.loc`/`.iloc`: `df.iloc[i].strip()` is pandas).
  if (accessor === 'at' && n.parent?.type === 'attribute' && n.parent.childForFieldName('object')?.equals(n)) return null;
  if (frame.type !== 'identifier' && frame.type !== 'attribute' && columnOf(frame) === null) return null;
  return { frame, accessor };
}

/**
 * `for i in range(len(df)): df.loc[i, "c"] = df.loc[i, "a"] + 1` → `df["c"] = df["a"] + 1`: one assignment
 * through `.loc[i, "c"]` / `.at[i, "c"]` of `frame` whose value is a per-row value of its cells (arithmetic, a
 * conditional, `.str` methods, a dict lookup; cells read as `listFix` reads them). The write is by label, so the
 * label reason stays unless `defaultIndex` shows a default RangeIndex.
 */
function columnFix(loop: Node, body: Node, i: string, frame: string, ctx: RuleContext): { edits: TextEdit[]; reason: string } | null {
  if (loop.childForFieldName('alternative') || hasCommentBetween(ctx.facts, loop.startIndex, loop.endIndex)) return null;
  const statements = body.namedChildren.filter((c): c is Node => c !== null);
  if (statements.length !== 1 || statements[0].type !== 'expression_statement') return null;
  const assign = statements[0].namedChild(0);
  if (assign?.type !== 'assignment') return null;
  const left = assign.childForFieldName('left');
  const right = assign.childForFieldName('right');
  if (!left || !right || left.type !== 'subscript') return null;
  const target = labelCell(left, i);
  if (!target || !isPureReference(target.frame) || target.frame.text !== frame) return null;
  const { field, reads } = cellReader(i, frame, ctx);
  const numpyRef = numpyModuleRef(ctx.facts);
  const value = vectorizeRowValue(right, { row: i, frame, numpy: numpyRef ?? 'numpy', field });
  if (!value || usedAfter(scopeBody(loop), i, loop.endIndex, loop)) return null;
  const imports = value.usesNumpy && !numpyRef ? ensureImport(ctx.facts, 'numpy').edits : [];
  const reason = [
    ...(defaultIndex(frame, loop, ctx) ? [] : [ASSIGN_LABEL_PART]),
    ...(reads.some((r) => r.upcast) ? [UPCAST_PART] : []),
    ASSIGN_PART,
    ...value.kinds.map((k) => ROW_VALUE_REASONS[k]),
  ].filter(Boolean);
  return { edits: [...imports, replaceNode(loop, `${frame}[${target.key}] = ${value.text}`)], reason: reason.join('; ') };
}

/** How the loop reads one cell of row `i`, and the whole column that holds it. */
interface CellRead {
  /** `df["a"]`, `df.iloc[:, 2]`, `s`. */
  column: string;
  /** `.loc` / `.at`: by index label, not by position. */
  label: boolean;
  /** `df.iloc[i]["a"]`: the whole row is built as a Series of one dtype first. */
  upcast: boolean;
}

/**
 * A cell of row `i` of `frame` (what `range(len(frame))` counts): `frame.at[i, "a"]`, `frame.loc[i, "a"]`,
 * `frame.iat[i, 2]`, `frame.iloc[i, 2]`, `frame["a"].iloc[i]` (also `.iat`, `.loc`, `.at`), `frame.iloc[i]["a"]`,
 * `frame.iloc[i].a`, and `frame.iloc[i]` when `frame` is a known Series. Null for anything else.
 */
function cellRead(n: Node, i: string, frame: string, layer: ReturnType<typeof values>): CellRead | null {
  if (n.type === 'subscript') {
    const access = rowAccess(n, i);
    const keys = n.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
    if (access) {
      const label = access.accessor === 'loc' || access.accessor === 'at';
      if (keys.length === 2 && access.frame.text === frame) {
        if (label)
          return stringLiteralValue(keys[1]) !== null && !keys[1].text.includes('\n') ? { column: `${frame}[${keys[1].text}]`, label, upcast: false } : null;
        return /^-?\d+$/.test(keys[1].text) ? { column: `${frame}.iloc[:, ${keys[1].text}]`, label, upcast: false } : null;
      }
      if (keys.length !== 1) return null;
      // `d["a"].iloc[i]` over `range(len(d))` counts rows only when `d` is a frame (a dict of Series has as many keys as it likes).
      const owner = access.frame.childForFieldName('value');
      if (columnOf(access.frame) === frame && !access.frame.text.includes('\n') && owner && !knownNotPandas(layer.valueOf(owner)) && !mayBeMapping(owner))
        return { column: access.frame.text, label, upcast: false };
      return access.frame.text === frame && layer.valueOf(access.frame)?.kind === 'series' ? { column: frame, label, upcast: false } : null;
    }
    // `df.iloc[i]["a"]`: a column of the row Series.
    const row = n.childForFieldName('value');
    const key = keys.length === 1 ? keys[0] : null;
    const whole = row?.type === 'subscript' ? wholeRow(row, i, frame, layer) : null;
    return whole && key && stringLiteralValue(key) !== null && !key.text.includes('\n')
      ? { column: `${frame}[${key.text}]`, label: whole.label, upcast: true }
      : null;
  }
  if (n.type === 'attribute') {
    const row = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute')?.text ?? '';
    const whole = row?.type === 'subscript' ? wholeRow(row, i, frame, layer) : null;
    // Series attributes (`.name` is the row's label, `.values`...) are not fields.
    if (!whole || FRAME_ATTRIBUTES.has(attr) || attr.startsWith('_') || (n.parent?.type === 'call' && n.parent.childForFieldName('function')?.equals(n)))
      return null;
    return { column: `${frame}["${attr}"]`, label: whole.label, upcast: true };
  }
  return null;
}

/**
 * `d` in `d["a"]` is, or may be, a dict: some binding in its scope makes a dict (a display, a comprehension, `dict(...)`)
 * or a parameter annotation says mapping. Its `len()` counts keys, not the rows of `d["a"]`.
 */
function mayBeMapping(owner: Node): boolean {
  if (owner.type !== 'identifier') return false;
  const scope = scopeOf(owner);
  return occurrences(scope, owner.text).some((o) => {
    const binding = bindingOf(o);
    if (binding?.type === 'typed_parameter' || binding?.type === 'typed_default_parameter')
      return /^(dict|Dict|Mapping|MutableMapping|OrderedDict|defaultdict|typing\.|collections\.)/.test(binding.childForFieldName('type')?.text ?? '');
    if (binding?.type !== 'assignment' || !binding.childForFieldName('left')?.equals(o)) return false;
    const value = binding.childForFieldName('right');
    const callee = value?.type === 'call' ? value.childForFieldName('function')?.text : undefined;
    return value?.type === 'dictionary' || value?.type === 'dictionary_comprehension' || /^(dict|OrderedDict|defaultdict|collections\.\w+)$/.test(callee ?? '');
  });
}

/** The whole-column spelling of each cell read `cellRead` knows, keeping the reads it translated (their kinds pick the reasons). */
function cellReader(i: string, frame: string, ctx: RuleContext): { field: (n: Node) => string | null; reads: CellRead[] } {
  const layer = values(ctx.facts);
  const reads: CellRead[] = [];
  const field = (n: Node): string | null => {
    const read = cellRead(n, i, frame, layer);
    if (read) reads.push(read);
    return read?.column ?? null;
  };
  return { field, reads };
}

/** `frame.iloc[i]` / `frame.loc[i]` of a frame not known to be a Series: the whole row, as a Series. */
function wholeRow(n: Node, i: string, frame: string, layer: ReturnType<typeof values>): { label: boolean } | null {
  const access = rowAccess(n, i);
  const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  if (!access || keys.length !== 1 || access.frame.text !== frame || (access.accessor !== 'iloc' && access.accessor !== 'loc')) return null;
  if (layer.valueOf(access.frame)?.kind === 'series') return null;
  return { label: access.accessor === 'loc' };
}

/**
 * The whole-column rewrite of a `for i in range(len(frame))` loop that only builds a list (appending
 * arithmetic of cells, a conditional, `.str` methods, a dict lookup) or a running total from cells of row `i`.
 * Label reads are exact only on a default RangeIndex: `defaultIndex` says the code shows one.
 * The differences test/unit/rowLoopEquivalence.test.ts measured against pandas are in the reasons.
 */
function listFix(loop: Node, i: string, frame: string, ctx: RuleContext): { edits: TextEdit[]; title: string; reason: string } | null {
  if (loop.parent?.parent?.type === 'class_definition' || loop.childForFieldName('alternative') || usedAfter(scopeBody(loop), i, loop.endIndex, loop))
    return null;
  const { field, reads } = cellReader(i, frame, ctx);
  const loopParts = (): string[] => [
    ...(reads.some((r) => r.label) && !defaultIndex(frame, loop, ctx) ? [LABEL_PART] : []),
    ...(reads.some((r) => r.upcast) ? [UPCAST_PART] : []),
  ];
  const total = runningTotalFix(ctx.text, ctx.facts, loop, (e) => vectorizeArithmetic(e, field), '');
  if (total) return { ...total, reason: [...loopParts(), CELLS_SUM_PART].join('; ') };
  reads.length = 0;
  const shape = listBuiltByLoop(loop);
  const expr = shape ? vectorizeArithmetic(shape.element, field) : null;
  const rewrite = shape && expr ? rewriteListLoop(ctx.text, ctx.facts, loop, shape, expr, frame) : null;
  if (rewrite) {
    const reason = [...loopParts(), CELLS_PART, ...(rewrite.kind === 'list' ? [LIST_PART] : [])].join('; ');
    const title = rewrite.kind === 'column' ? 'Compute the column with whole-column arithmetic' : 'Build the list with whole-column arithmetic';
    return { edits: rewrite.edits, title, reason };
  }
  reads.length = 0;
  const value = rowValueListFix(ctx.text, ctx.facts, loop, { row: i, frame, field }, '');
  return value && { ...value, reason: [...loopParts(), CELLS_VALUE_PART, value.reason].filter(Boolean).join('; ') };
}

/** `df.loc[i, "c"]` / `df.at[i, "c"]` → frame and the column key text. */
function labelCell(n: Node, i: string): { frame: Node; key: string } | null {
  const access = rowAccess(n, i);
  const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  if (!access || (access.accessor !== 'loc' && access.accessor !== 'at') || keys.length !== 2) return null;
  if (stringLiteralValue(keys[1]) === null) return null;
  return { frame: access.frame, key: keys[1]!.text };
}

/**
 * True when the code shows that `name` has a default RangeIndex where the loop runs, so label reads
 * (`.loc[i]`, `.at[i]`) are reads by position: its last binding before the loop, in a block around the loop,
 * builds one (`pd.DataFrame` of literal lists or records without `index=`, `pd.read_csv(path)` /
 * `read_table` / `read_excel` without `index_col`, `.reset_index()` without `level`, `pd.concat(...,
 * ignore_index=True)`), and nothing between may change the index (an `inplace=` call, a write through
 * `.index` / `.loc` / `.at` / `.iloc` / `.iat`, handing the frame to a function other than `len` or `print`).
 */
function defaultIndex(name: string, loop: Node, ctx: RuleContext): boolean {
  if (!isIdentifierName(name)) return false;
  const scope = scopeOf(loop);
  if (isDeclaredNonLocal(scope, name)) return false;
  const all = occurrences(scope, name);
  const own = all.filter((o) => scopeOf(o).equals(scope));
  // A nested def or lambda that reads the frame from this scope could change it before the loop runs.
  if (all.some((o) => !scopeOf(o).equals(scope) && !bindsLocally(scopeOf(o), name))) return false;
  const binders = own.filter((o) => bindingOf(o) !== null && o.startIndex < loop.startIndex);
  const last = binders[binders.length - 1];
  const assign = last ? bindingOf(last) : null;
  if (assign?.type !== 'assignment' || !assign.childForFieldName('left')?.equals(last) || !buildsDefaultIndex(assign.childForFieldName('right'), ctx))
    return false;
  const statement = assign.parent;
  if (statement?.type !== 'expression_statement' || !statement.parent || !containsNode(statement.parent, loop)) return false;
  // An enclosing loop that does not rebind the frame runs the code after this loop before it comes round again.
  let outer: Node | null = null;
  for (let n = loop.parent; n && !n.equals(scope); n = n.parent)
    if ((n.type === 'for_statement' || n.type === 'while_statement') && !containsNode(n, statement)) outer = n;
  return own.every((o) => {
    if (o.startIndex < statement.endIndex || (o.startIndex >= loop.startIndex && o.endIndex <= loop.endIndex)) return true;
    if (o.startIndex >= loop.endIndex && !(outer && o.endIndex <= outer.endIndex)) return true;
    return bindingOf(o) === null && keepsIndex(o, ctx);
  });
}

function containsNode(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

function bindsLocally(scope: Node, name: string): boolean {
  return !isDeclaredNonLocal(scope, name) && occurrences(scope, name).some((o) => bindingOf(o) !== null && scopeOf(o).equals(scope));
}

const READERS = new Set(['pandas.read_csv', 'pandas.read_table', 'pandas.read_excel']);

/** The value is a new frame whose index is 0..len-1. */
function buildsDefaultIndex(value: Node | null, ctx: RuleContext): boolean {
  if (value?.type !== 'call') return false;
  const callee = ctx.facts.calleeName(value);
  const positional = positionalArguments(value);
  if (callee === 'pandas.DataFrame') {
    if (keywordArgument(value, 'index') || positional.length > 1) return false;
    return positional.length === 0 || literalRows(positional[0]);
  }
  if (callee && READERS.has(callee)) return positional.length === 1 && !keywordArgument(value, 'index_col');
  if (callee === 'pandas.concat') return keywordValue(value, 'ignore_index')?.type === 'true';
  const fn = value.childForFieldName('function');
  return (
    fn?.type === 'attribute' &&
    fn.childForFieldName('attribute')?.text === 'reset_index' &&
    positional.length === 0 &&
    !keywordArgument(value, 'level') &&
    !keywordArgument(value, 'inplace')
  );
}

/** `{"a": [1, 2], ...}` (columns of list literals or comprehensions) or `[{...}, [...], (...)]` (records): no index to carry. */
function literalRows(data: Node): boolean {
  const LISTS = new Set(['list', 'list_comprehension', 'tuple']);
  if (data.type === 'dictionary')
    return data.namedChildren.every((p) => p !== null && (p.type === 'comment' || (p.type === 'pair' && LISTS.has(p.childForFieldName('value')?.type ?? ''))));
  if (data.type === 'list') return data.namedChildren.every((e) => e !== null && (e.type === 'comment' || ['dictionary', 'list', 'tuple'].includes(e.type)));
  return false;
}

/** A use of the frame that leaves its index as it is: a column read or write, a method call without `inplace=`, `len(df)`, `print(df)`. */
function keepsIndex(use: Node, ctx: RuleContext): boolean {
  const p = use.parent;
  if (p?.type === 'subscript' && p.childForFieldName('value')?.equals(use)) return true;
  if (p?.type === 'argument_list') {
    const call = p.parent!;
    const fn = call.childForFieldName('function');
    return fn?.type === 'identifier' && (fn.text === 'len' || fn.text === 'print') && ctx.facts.isBuiltin(fn.text, call);
  }
  if (p?.type !== 'attribute' || !p.childForFieldName('object')?.equals(use)) return false;
  // `df.index = ...`, `df.loc[len(df)] = row`, `df.at[k, "c"] = v`: new or other labels.
  let written: Node = p;
  while (written.parent && (written.parent.type === 'subscript' || written.parent.type === 'attribute') && written.parent.child(0)?.equals(written))
    written = written.parent;
  if (isAssignmentTarget(written)) return false;
  const call = p.parent;
  if (call?.type === 'call' && call.childForFieldName('function')?.equals(p)) {
    const inplace = keywordValue(call, 'inplace');
    return !inplace || inplace.type === 'false';
  }
  return true;
}

/**
 * The loop body calls a method of `self` as a statement (its result dropped, so it works through side effects on the
 * object) and reads an attribute of `self` afterwards: each pass advances the object's state and uses it.
 */
function stepsObjectEachPass(body: Node): boolean {
  const steps = findDescendants(
    body,
    (n) =>
      n.type === 'expression_statement' &&
      n.namedChild(0)?.type === 'call' &&
      n.namedChild(0)!.childForFieldName('function')?.type === 'attribute' &&
      n.namedChild(0)!.childForFieldName('function')!.childForFieldName('object')?.text === 'self',
    isNestedScope,
  );
  if (steps.length === 0) return false;
  const after = steps[0].endIndex;
  return (
    findDescendants(
      body,
      (n) => n.type === 'attribute' && n.startIndex >= after && n.childForFieldName('object')?.text === 'self' && n.parent?.type !== 'call',
      isNestedScope,
    ).length > 0
  );
}
