import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  assignmentScope,
  below,
  callArguments,
  DATAFRAME_ONLY_METHODS,
  findDescendants,
  isNestedScope,
  callsResolvingTo,
  callsSpelledInFile,
  isLiteral,
  isPureReference,
  keywordArgument,
  localTypes,
  nodeMemo,
  pinnedCeiling,
  type Version,
  stringLiteralValue,
  type FileFacts,
} from '../../server/analysis';
import { hasCommentBetween, insertAt, removeArgument } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

/** Series methods whose in-place form keeps the index, so assigning the result back is equivalent. */
const METHODS = ['fillna', 'replace', 'clip', 'where', 'mask', 'interpolate', 'ffill', 'bfill'];

const TAKES_EFFECT_NOW = 'selecting a list of columns always returned a copy, so the original line never changed the frame; the fix makes it take effect';

/**
 * Measured with pandas 1.5.3 (test/unit/pandasChainedInplace.test.ts): without Copy-on-Write the
 * in-place call fills the frame and every object sharing the column's data (a Series taken from it
 * earlier, a `df[:]` slice), while the assignment fills the frame alone; with Copy-on-Write on, the
 * in-place call leaves the frame as it was and the assignment fills it. Either way some object ends
 * up with other values, so the fix is unsafe.
 */
const SHARED_DATA =
  'without Copy-on-Write the in-place call also changed every Series or frame sharing the column (one taken from it earlier, a `df[:]` slice), which the assignment leaves as they were; with Copy-on-Write on, the frame itself changes now, where the original line changed nothing';

export default defineRule({
  id: 'pandas-chained-inplace',
  title: '`inplace=True` on a column selection (chained assignment)',
  category: 'pandas',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pandas-vectorization',
  requires: ['pandas'],
  // Under Copy-on-Write the line silently does nothing: a wrong result in a notebook or a script as much as in a library.
  mattersAnywhere: true,
  message: '`inplace=True` on a selected column modifies a temporary under Copy-on-Write; assign the result back to the column',
  docs: {
    why:
      '`df["a"]` returns a new Series object; calling a method on it with `inplace=True` is chained assignment. ' +
      'Under Copy-on-Write (the default in pandas 3.0, warned about since 2.2) that Series is a copy, so the ' +
      'frame is never updated and the line silently does nothing. With a list of columns or `.loc[...]` ' +
      'selection it was always a copy.',
    instead:
      'Assign the result back: `df["a"] = df["a"].fillna(value)`. The quick fix is unsafe: without Copy-on-Write the in-place call ' +
      'also changed any Series taken from the column earlier (and any `df[:]` slice sharing its data), which the assignment ' +
      'leaves alone; with Copy-on-Write on, the frame now changes where the original line did nothing. Check that nothing ' +
      'else holds the column before applying it.',
    example: { before: 'df["a"].fillna(df["a"].mean(), inplace=True)', after: 'df["a"] = df["a"].fillna(df["a"].mean())' },
  },
  fix: {
    safety: 'unsafe',
    title: 'Assign the result back to the column',
    reason: SHARED_DATA,
    forms: [{ safety: 'unsafe', when: 'on a list of columns (`df[["a", "b"]]`)', reason: TAKES_EFFECT_NOW }],
  },
  query: `
(expression_statement
  (call
    function: (attribute object: (_) @selection attribute: (identifier) @method)
    arguments: (argument_list
      (keyword_argument name: (identifier) @kw value: (true)) @inplace)) @call
  (#eq? @kw "inplace")
  (#any-of? @method ${METHODS.map((m) => `"${m}"`).join(' ')})) @stmt`,
  check(m, ctx) {
    const selection = m.need('selection');
    const call = m.need('call');
    const method = m.need('method').text;
    if (fillsNothing(call, method, ctx.facts)) return;
    const types = localTypes(ctx.facts);
    let target: string | null;
    let listOfColumns = false;
    if (selection.type === 'subscript') {
      const frame = selection.childForFieldName('value');
      const keys = selection.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
      if (!frame) return;
      const loc = frame.type === 'attribute' && /^(loc|iloc)$/.test(frame.childForFieldName('attribute')?.text ?? '');
      if (loc) {
        // `df.loc[rows, "a"].fillna(..., inplace=True)`: always a copy; no automatic rewrite.
        const owner = frame.childForFieldName('object');
        if (!owner || knownNotFrame(types.valueOf(owner))) return;
        report(ctx, selection, call, method, null, true);
        return;
      }
      if (keys.length !== 1) return;
      const key = keys[0];
      // Any kind the layer knows but a DataFrame (a dask or cuDF frame, whose columns are no copies) is not pandas' case.
      const ft = types.valueOf(frame);
      if (knownNotFrame(ft)) return;
      // `net.components["pipes"]` that the code walks with `.iterrows()`: a frame kept in a dict, not a column.
      if (!ft && selectsWholeFrame(selection)) return;
      if (stringLiteralValue(key) !== null) {
        target = selection.text;
      } else if (key.type === 'list' && isLiteral(key)) {
        if (!ft) return;
        target = selection.text;
        // A list of columns was always a copy: the fix makes a former no-op take effect.
        listOfColumns = true;
      } else {
        return;
      }
      if (!isPureReference(frame)) target = null;
    } else if (selection.type === 'attribute') {
      const frame = selection.childForFieldName('object');
      const col = selection.childForFieldName('attribute')?.text;
      if (!frame || !col || !types.is(frame, 'dataframe') || !types.is(selection, 'series')) return;
      target = isPureReference(frame) ? `${frame.text}[${JSON.stringify(col)}]` : null;
    } else {
      return;
    }
    report(ctx, selection, call, method, target, listOfColumns, m.need('inplace'));
  },
});

/** The layer knows the value and it is not a pandas DataFrame. */
function knownNotFrame(v: { kind: string } | null): boolean {
  return v !== null && v.kind !== 'dataframe';
}

/**
 * Members only a DataFrame has (a Series has none of them): code that uses one on a value knows it is a frame. The value
 * layer's methods of the kind, and the members that tell a DataFrame from a Series (not from a polars or dask frame).
 */
const FRAME_ONLY_MEMBERS = new Set([...DATAFRAME_ONLY_METHODS, 'columns', 'merge', 'pivot', 'pivot_table', 'melt', 'set_index', 'select_dtypes']);

/**
 * `store["key"]` is itself a DataFrame where the same function uses it as one: a DataFrame-only member on it, on a
 * name bound to it, or on a row selection of either (`pipes = net.components["pipes"]` ... `pipes.loc[mask].iterrows()`).
 * Then `store` holds frames (a dict, a library object's table of frames) and `store["key"].replace(..., inplace=True)`
 * changes the stored frame itself. Review55 judged four such findings wrong (SESMG's `thermal_net.components[...]`, dhnx's
 * dict of component tables).
 */
function selectsWholeFrame(selection: Node): boolean {
  const scope = assignmentScope(selection);
  if (!scope) return false;
  const same = (n: Node | null) => n !== null && n.text.replace(/\s+/g, '') === selection.text.replace(/\s+/g, '');
  const names = new Set<string>();
  const holdsSelection = (n: Node | null): boolean => {
    const root = rowSelectionRoot(n);
    return root !== null && (same(root) || (root.type === 'identifier' && names.has(root.text)));
  };
  // Names bound to the selection, or to a row selection of such a name (two rounds cover `a = sel`, `b = a.loc[...]`).
  const assignments = findDescendants(scope, (n) => n.type === 'assignment', isNestedScope);
  for (let round = 0; round < 2; round++) {
    for (const a of assignments) {
      const left = a.childForFieldName('left');
      if (left?.type === 'identifier' && holdsSelection(a.childForFieldName('right'))) names.add(left.text);
    }
  }
  return findDescendants(scope, (n) => n.type === 'attribute' && FRAME_ONLY_MEMBERS.has(n.childForFieldName('attribute')?.text ?? ''), isNestedScope).some(
    (member) => holdsSelection(member.childForFieldName('object')),
  );
}

/** The value a row selection is taken from (`x` for `x.loc[mask]`, `x.iloc[:5]`), or the node itself. */
function rowSelectionRoot(node: Node | null): Node | null {
  let n = node;
  while (n?.type === 'subscript') {
    const value = n.childForFieldName('value');
    if (value?.type !== 'attribute' || !/^(loc|iloc)$/.test(value.childForFieldName('attribute')?.text ?? '')) break;
    n = value.childForFieldName('object');
  }
  return n;
}

/** The keywords an empty mapping's call may also pass and still change nothing (`downcast=` could still change the dtype). */
const NO_OP_KEYWORDS = new Set(['inplace', 'axis', 'limit']);

/**
 * `df["c"].fillna({}, inplace=True)`, `s.replace({}, inplace=True)`: a dict is an index→value (or old→new) mapping, and an
 * empty one fills or replaces nothing (checked with pandas 1.5.3: the Series is unchanged either way), so the call is a no-op
 * with or without Copy-on-Write and assigning its result back changes nothing either (review36: advice judged wrong).
 */
function fillsNothing(call: Node, method: string, facts: FileFacts): boolean {
  if (method !== 'fillna' && method !== 'replace') return false;
  const keyword = method === 'fillna' ? 'value' : 'to_replace';
  const args = callArguments(call);
  let mapping: Node | null = null;
  for (const [i, arg] of args.entries()) {
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name')?.text ?? '';
      if (name === keyword) mapping = arg.childForFieldName('value');
      else if (!NO_OP_KEYWORDS.has(name)) return false;
    } else if (i === 0) mapping = arg;
    else return false;
  }
  return !!mapping && emptyDict(mapping, facts);
}

/** `{}` or the builtin `dict()` with no arguments. */
function emptyDict(node: Node, facts: FileFacts): boolean {
  if (node.type === 'dictionary') return !node.namedChildren.some((c) => c !== null && c.type !== 'comment');
  if (node.type !== 'call') return false;
  const fn = node.childForFieldName('function');
  return fn?.type === 'identifier' && fn.text === 'dict' && facts.isBuiltin('dict', node) && callArguments(node).length === 0;
}

/**
 * The selection as the message quotes it: its text when short, else its frame with the key elided
 * (`xs_area_hydroid_lookup[…]`); null when even that is too long to read (review45 read "`the selection.mask(...)`").
 */
function shownSelection(selection: Node): string | null {
  const text = selection.text;
  if (text.length <= 40 && !text.includes('\n')) return text;
  const frame = selection.type === 'subscript' ? selection.childForFieldName('value') : null;
  return frame && frame.text.length <= 40 && !frame.text.includes('\n') ? `${frame.text}[…]` : null;
}

function report(ctx: RuleContext, selection: Node, call: Node, method: string, target: string | null, listOfColumns: boolean, inplace?: Node): void {
  const shown = shownSelection(selection);
  let edits: TextEdit[] | undefined;
  if (target && inplace && !hasCommentBetween(ctx.facts, call.startIndex, call.endIndex)) {
    const remove = removeArgument(ctx.text, call, inplace);
    if (remove) edits = [insertAt(call.startIndex, `${target} = `), remove];
  }
  // A single column's in-place call still updates the frame wherever Copy-on-Write is off; a list of columns or a
  // `.loc` selection never did, so those stay findings whatever pandas the code runs on.
  const olderPandas = listOfColumns || !target ? null : olderPandasOf(ctx.facts, ctx.facts.root, () => runsOnPandasWithoutCow(ctx));
  ctx.report({
    node: call,
    message: shown
      ? `\`${shown}.${method}(..., inplace=True)\` modifies a temporary copy under Copy-on-Write; write \`${target && shown === selection.text ? target : shown} = ${shown}.${method}(...)\``
      : `\`.${method}(..., inplace=True)\` on a selection of a frame modifies a temporary copy under Copy-on-Write; assign its result to the selection instead`,
    edits,
    safety: 'unsafe',
    reason: listOfColumns ? TAKES_EFFECT_NOW : SHARED_DATA,
    ...(olderPandas ? { lowImpact: olderPandas } : {}),
  });
}

/** Modules removed long before Copy-on-Write pandas: a file importing one is frozen on libraries of that era. */
const REMOVED_MODULES: readonly [string, string][] = [
  ['sklearn.cross_validation', 'scikit-learn 0.20 (2018)'],
  ['sklearn.grid_search', 'scikit-learn 0.20 (2018)'],
  ['sklearn.learning_curve', 'scikit-learn 0.20 (2018)'],
];

/** Top-level pandas functions removed before pandas 1.0 (the moving-window ones became `.rolling()`/`.ewm()` methods). */
const REMOVED_PANDAS_FUNCTIONS = [
  'rolling_mean',
  'rolling_std',
  'rolling_var',
  'rolling_sum',
  'rolling_min',
  'rolling_max',
  'rolling_median',
  'rolling_apply',
  'rolling_count',
  'rolling_quantile',
  'rolling_corr',
  'rolling_cov',
  'rolling_window',
  'expanding_mean',
  'expanding_std',
  'expanding_sum',
  'expanding_apply',
  'ewma',
  'ewmstd',
  'ewmvar',
  'ewmcorr',
  'ewmcov',
  'ols',
  'TimeGrouper',
];

/** The oldest Python pandas 3.0 installs on (its release notes: "supports Python 3.11 and higher"). */
const PANDAS_3_PYTHON: [number, number] = [3, 11];

/** Once per lint: a file with a dozen chained calls (a Kaggle script's fill-NA block) asks the same whole-file question. */
const olderPandasOf = nodeMemo<string | null>();

/**
 * Why this file only runs on pandas without Copy-on-Write (the default from pandas 3.0; opt-in before), where the
 * in-place call on a column does update the frame; null when nothing says so. Blind review (review33b): 674 such
 * calls in a 2018 Kaggle solution whose scripts import `sklearn.cross_validation`, and a pipeline pinned to pandas
 * 0.20 that calls `DataFrame.append` (removed in 2.0), were judged noise: the code cannot run beside pandas 3. The
 * finding stays, as a hint that says why, for whoever upgrades the code.
 */
function runsOnPandasWithoutCow(ctx: RuleContext): string | null {
  const facts = ctx.facts;
  // Copy-on-Write switched on by the code itself (`pd.options.mode.copy_on_write = True`): the line is a no-op already.
  if (facts.wordOffsets('copy_on_write').length > 0) return null;
  const cap = pinnedCeiling('pandas', ctx.filePath, ctx.files);
  if (cap && below(cap, [3, 0]))
    return `the project caps pandas at ${versionText(cap)}, where Copy-on-Write is off unless switched on, so the in-place call still updates the frame`;
  // pandas 3.0 needs Python 3.11: a project held to an older Python (conda's `python=3.8`) gets pandas 2 at most (review54,
  // Open Power System Data's time_series, judged noise by both reviewers).
  const python = pinnedCeiling('python', ctx.filePath, ctx.files);
  if (python && below(python, PANDAS_3_PYTHON))
    return `the project pins Python ${versionText(python)}, and pandas 3 (Copy-on-Write on by default) needs Python 3.11: on the pandas it gets, the in-place call still updates the frame`;
  for (const [module, removedIn] of REMOVED_MODULES) {
    if (facts.importsModule(module))
      return `the file imports \`${module}\`, removed in ${removedIn}: it runs on pandas of that era, where the in-place call updates the frame`;
  }
  for (const name of REMOVED_PANDAS_FUNCTIONS) {
    if (callsResolvingTo(facts, [name], (callee) => callee === `pandas.${name}`))
      return `the file calls \`pd.${name}\`, removed before pandas 1.0: it runs on a pandas where the in-place call updates the frame`;
  }
  if (callsDataFrameAppend(facts))
    return 'the file calls `DataFrame.append`, removed in pandas 2.0: it runs on a pandas where the in-place call updates the frame';
  const category = CATEGORY_METHODS.find((name) => callsSpelledInFile(facts, name).some((call) => keywordArgument(call, 'inplace')));
  if (category)
    return `the file calls \`.cat.${category}(..., inplace=True)\`, removed in pandas 2.0: it runs on a pandas where the in-place call updates the frame`;
  return null;
}

/** The categorical accessor's methods whose `inplace=` pandas 2.0 removed (pbpython's `cat.set_categories(..., inplace=True)`). */
const CATEGORY_METHODS = [
  'set_categories',
  'reorder_categories',
  'rename_categories',
  'add_categories',
  'remove_categories',
  'remove_unused_categories',
  'as_ordered',
  'as_unordered',
];

/**
 * `df.append(other)` where `df` is known to be a DataFrame, or `all_data = all_data.append(df)`: a list's append
 * returns None, so a name rebound to its own `.append(...)` is a pandas frame or series whatever else it was bound to.
 */
function callsDataFrameAppend(facts: FileFacts): boolean {
  const types = localTypes(facts);
  return callsSpelledInFile(facts, 'append').some((call) => {
    const callee = call.childForFieldName('function');
    const owner = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
    if (!owner) return false;
    const assignment = call.parent?.type === 'assignment' ? call.parent : null;
    return types.is(owner, 'dataframe') || (isPureReference(owner) && assignment?.childForFieldName('left')?.text === owner.text);
  });
}

/** A major.minor cap as the message says it: `1.5`, or `2.x` for a cap on the major version only. */
function versionText(version: Version): string {
  return `${version[0]}.${version[1] === Number.MAX_SAFE_INTEGER ? 'x' : version[1]}`;
}
