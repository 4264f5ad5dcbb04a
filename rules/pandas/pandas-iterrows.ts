import { defineRule, GENERIC_LOOP_RULES, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  costlyWorkEachPass,
  definitionsNamed,
  enclosingDef,
  enclosingLoop,
  findDescendants,
  FRAME_ATTRIBUTES,
  identifiersNamed,
  inTestOf,
  isAssignmentTarget,
  isIdentifierName,
  isPureReference,
  isTestCode,
  isTestFile,
  isVariable,
  knownNotPandas,
  listBuiltByLoop,
  loopOverIterable,
  loopRunsOverFewThings,
  parameterAnnotation,
  readFromFileReason,
  scopeBody,
  stringLiteralValue,
  unwrapIterable,
  usedAfter,
  vectorizeRowExpression,
  values,
  withEnclosingParentheses,
  isNotebookFile,
  lastBindingOnPath,
  type FileFacts,
} from '../../server/analysis';
import { hasCommentBetween, replaceNode, replaceRange, rewriteListLoop, ROW_VALUE_REASONS, rowValueListFix, runningTotalFix } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

/**
 * Where the column expression and the loop can differ, as the equivalence test
 * (test/unit/rowLoopEquivalence.test.ts) measured them against pandas.
 */
const COLUMN_REASON =
  'iterrows() upcasts each row to one dtype, so int columns beside a float column gave floats where the column ' +
  'expression keeps int64; categorical columns and bool division raise only in the column form, None in an object ' +
  'column only in the loop; integer `//` by zero and an empty frame give other values or dtypes';
const SUM_REASON =
  'iterrows() upcasts each row to one dtype, so the total of int columns beside a float column was a float; NumPy adds ' +
  'pairwise, so a float total can differ in the last digits; categorical columns raise only in the column form, None ' +
  'in an object column only in the loop; an empty frame sums to 0.0 where the loop left the int 0';
const LIST_REASON = `${COLUMN_REASON}; and \`.tolist()\` holds Python scalars where the loop collected NumPy scalars`;

/**
 * What itertuples() loops give that the column forms do not, as test/unit/rowLoopEquivalence.test.ts measured them
 * against pandas: its fields are Python scalars of each column's own dtype (no row upcast, and `.tolist()` holds the
 * same Python scalars), so only the arithmetic itself differs.
 */
const TUPLE_COLUMN_REASON =
  'itertuples() yields Python scalars, so arithmetic on two bool columns gave ints where the column expression keeps ' +
  'bools; categorical columns and bool division raise only in the column form, None in an object column only in the loop; ' +
  'a division by zero raised ZeroDivisionError in the loop where the columns give inf or NaN; ' +
  'columns that repeat a name are renamed (`_2`) in the tuple but are a frame for `df["a"]`';
const TUPLE_SUM_REASON =
  'the total is a NumPy scalar where the loop added Python numbers (an int64 total can overflow where Python ints grow), and ' +
  'NumPy adds pairwise, so a float total can differ in the last digits; categorical columns raise only in the column form, ' +
  'None in an object column only in the loop; an empty frame sums to 0.0 where the loop left the int 0';
/**
 * Where `{v: i for i, v in enumerate(df["c"].drop_duplicates(), start=k)}` differs from the loop, measured with pandas
 * 1.5.3 on str, int, float, datetime and object columns: the keys, their order and their types are the same.
 */
const CODES_REASON =
  'NaN in a float column becomes one key where the loop added one per NaN row (each row gave a new float object, which ' +
  'never equals NaN already in the dict)';

export default defineRule({
  id: 'pandas-iterrows',
  title: 'DataFrame.iterrows()',
  category: 'pandas',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pandas-vectorization',
  requires: ['pandas'],
  // A row loop costs per row, and how many rows a frame holds is what static analysis cannot see: in blind reviews of
  // fresh code none of 66 iterrows findings outside hot code was worth a change (a few rows of results, one run per
  // dataset build, heavier work per row). So it is a hint unless the loop repeats in hot code or a profile shows it hot.
  quietOutsideHotCode: true,
  // A helper handed a DataFrame need not import pandas (`def input_fn(df): for i, row in df.iterrows()`): the method
  // exists only on pandas-like frames, so its name in the text is enough to run. A word gate: its answer is carried
  // across keystrokes, where `\.(iterrows|itertuples)\(` was a regex scan of the whole text on every one.
  requiresText: /\b(iterrows|itertuples)\b/,
  requiresEither: true,
  // The same loop's generic advice (a comprehension, sum(), join) would keep the per-row iteration this rule is about.
  supersedes: GENERIC_LOOP_RULES,
  message: '`iterrows()` builds a Series for every row; use column operations, or `itertuples()` when a loop is unavoidable',
  docs: {
    why:
      '`DataFrame.iterrows()` constructs a new pandas Series object for each row, which costs far more than the work ' +
      'most loop bodies do, and it coerces every row to one dtype, so integer columns come back as floats when the ' +
      'frame also has float columns.',
    instead:
      'Express the computation on whole columns (`(df["price"] * df["qty"]).sum()`), or, if you need a Python loop, ' +
      "iterate `df.itertuples(index=False)`, which yields lightweight named tuples that keep each column's dtype.",
    example: {
      before: 'total = 0\nfor _, row in df.iterrows():\n    total += row["price"] * row["qty"]',
      after: 'total = (df["price"] * df["qty"]).sum()',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Iterate with itertuples()',
    reason:
      'iterrows() upcasts each row to a common dtype (ints become floats beside float columns) and itertuples() does not, ' +
      'so values and their printed form can change; the columns must also be valid identifiers that exist in the frame',
    forms: [
      {
        safety: 'unsafe',
        when: 'when the loop only appends an arithmetic expression of row fields to a new list (rewritten to whole-column arithmetic)',
        reason: COLUMN_REASON,
      },
      {
        safety: 'unsafe',
        when: 'when the loop only adds an arithmetic expression of row fields to a total that starts at a number (rewritten to `.sum()`)',
        reason: SUM_REASON,
      },
      {
        safety: 'unsafe',
        when:
          'when the loop only appends a conditional (or appends in both branches of `if`/`else`), str methods of a field, or a lookup ' +
          'in a dict literal (rewritten to `Series.where`/`mask` or `np.where`, the `.str` accessor, or `.map`)',
        reason: `${COLUMN_REASON}; and each construct adds its own: ${Object.values(ROW_VALUE_REASONS).filter(Boolean).join('; ')}`,
      },
      {
        safety: 'unsafe',
        when:
          'for a `for row in df.itertuples():` loop (reported only then: itertuples() is the loop to keep when a row does other work) ' +
          'whose whole body is one of the shapes above, reading fields as `row.col`',
        reason: `${TUPLE_COLUMN_REASON}; a total: ${TUPLE_SUM_REASON}`,
      },
      {
        safety: 'unsafe',
        when:
          'for an `itertuples()` loop that only numbers each distinct value of a field in order of first appearance ' +
          '(`if row.c not in d: d[row.c] = len(d)`, after `d = {}`): rewritten to `enumerate(df["c"].drop_duplicates())`',
        reason: CODES_REASON,
      },
    ],
  },
  query: `
(call
  function: (attribute object: (_) @frame attribute: (identifier) @method)
  arguments: (argument_list) @args
  (#match? @method "^(iterrows|itertuples)$")) @call`,
  check(m, ctx) {
    if (m.need('method').text === 'itertuples') {
      checkItertuples(m.need('call'), m.need('frame'), m.need('args'), ctx);
      return;
    }
    const args = m.need('args');
    if (args.namedChildren.some((c) => c && c.type !== 'comment')) return;
    const call = m.need('call');
    if (delegates(call) || enclosingDef(call)?.childForFieldName('name')?.text === 'iterrows' || inTestOf(call, 'iterrows')) return;
    // A test iterates its own fixture's few rows (mlforecast's future exog frames of a few series, Merlion's small
    // series): blind reviews judged every such finding noise.
    if (isTestFile(ctx.filePath) || isTestCode(call, ctx.facts)) return;
    // A notebook loops over the rows of a frame it shows, plots or prices one by one, once per run of the cell (gs-quant's
    // demo notebooks, Kaggle's and Hugging Face's course notebooks): blind reviews of review27-review32 judged all 23 such
    // findings noise, none useful (issue 24); the two judged useful were in a library module and a pipeline script.
    if (isNotebookFile(ctx.filePath)) return;
    // `tqdm_mock.return_value = df.iterrows()`: a test stands the (index, Series) iterator in for what production code
    // iterates; its rows are the fixture itself, and itertuples() would hand that code tuples it does not read.
    if (feedsMock(call)) return;
    const frame = m.need('frame');
    // `dd.read_parquet(p).iterrows()`: a dask frame's rows are another library's concern.
    const frameValue = values(ctx.facts).valueOf(frame);
    if (knownNotPandas(frameValue)) return;
    // VisiData's `vs.iterrows()` and other classes' own `iterrows`: not a pandas frame's when nothing says it is one.
    // (A parameter's kind read from this very call, `vs.iterrows()`, says nothing more than the call.)
    const byThisCall = /\.(?:iterrows|itertuples)\(\)`: only a DataFrame/.test(frameValue?.why ?? '');
    if ((!frameValue || byThisCall) && otherClassesIterrows(call, frame, ctx)) return;
    const name = frame.text.length <= 40 ? frame.text : 'df';
    const message = `\`${name}.iterrows()\` builds a Series for every row; use column operations, or \`${name}.itertuples()\` if a loop is unavoidable`;
    const construct = loopOverIterable(call) ?? undefined;
    // `for _, row in df.iterrows(): ax.annotate(...)` / `model = Coder.load_from_disk(row["path"])`: the drawing or the
    // loading is the cost, not the row Series.
    if (construct?.type === 'for_statement' && costlyWorkEachPass(construct, ctx.facts)) return;
    if (construct && (rowHandedOnWhole(construct, call) || collectsRowSeries(construct, call))) return;
    // `for i, pair in enumerate(df.iterrows()): assert_series_equal(pair[1], seen[i][1])`: the same, counted.
    const counted = enumeratedLoop(call);
    if (counted && rowHandedOnWhole(counted, call)) return;
    // Each row scans a whole array or column: the loop costs rows times that size, wherever it runs. So too behind a
    // progress bar (`for _, row in tqdm(df.iterrows(), total=len(df))`), which only ranks: the loop is the same.
    const ranked = construct ?? progressBarLoop(call, ctx);
    const iterated = construct ? call : (wrappingCall(call) ?? call);
    const wholeData = (ranked ? (scanPerRowReason(ranked, iterated, ctx) ?? rebuiltEachPassReason(ranked, frame, ctx)) : null) ?? undefined;
    if (construct && recordsComprehension(construct, call)) {
      // A frame read from a file in this function, turned row by row into dicts: the Series per row is all the work, and
      // one call replaces it for the whole file (LAVIS' annotation CSV of about 2M rows, judged useful).
      ctx.report({
        node: call,
        construct,
        message: `Each row becomes a Series only to be turned into a dict; \`${name}.to_dict("records")\` builds the same list of dicts at once (about 15x faster)`,
        hotReason: readFromFileReason(frame, ctx.facts) ?? wholeData,
      });
      return;
    }
    // Any other row loop over a file read in the function is ranked by where it stands: how many rows the file holds is
    // not in the code, and each row does work of its own. Blind reviews of review36-40 judged 18 of 19 such loops shown for
    // the file alone noise (a station list or a config sheet read once into dicts, a corpus manifest building an object per
    // row, a spec table driving one eval per row) and one useful (kb_python's equivalence classes, 1e5 rows).
    // The rows of one key (`annotations = df[df.image_id == image_id]`, `perf.loc[[link_id]]`): a handful per call, however
    // often the loop around runs (review48: the cars of one image in a Dataset's __getitem__, D005; the one or two rows of a
    // link id, A023).
    const oneKey = rowsOfOneKey(frame, call, ctx.facts);
    const few = oneKey ? { lowImpact: `\`${name}\` holds the rows of one key (\`${oneKey}\`): a few rows per call` } : {};
    const column = columnFix(call, frame, ctx);
    if (column) {
      ctx.report({ node: call, construct, message, edits: column.edits, fixTitle: column.title, reason: column.reason, hotReason: wholeData, ...few });
      return;
    }
    const edits = itertuplesFix(call, m.need('method'));
    ctx.report({ node: call, construct, message, edits: edits ?? undefined, hotReason: wholeData, ...few });
  },
});

/**
 * `for _, row in fixtures.iterrows(): h = np.where(teams == row["home"])[0][0]` (penaltyblog's ratings),
 * `db = gdb[(gdb["start"] <= row["position"]) & ...]` (inStrain's SNP loop): each row compares one of its fields with
 * a whole array or column and uses the result as a mask, a full scan per row, so the loop costs its rows times that
 * size (a merge, a sorted search or a lookup table does it in one pass). Blind reviews judged these worth changing
 * where loops of the same rule doing constant work per row were not. The other side must be known to be an array,
 * Series or frame, or be a column of the very frame the mask selects from.
 */
function scanPerRowReason(loop: Node, iterated: Node, ctx: RuleContext): string | null {
  if (loop.type !== 'for_statement') return null;
  const target = rowTarget(loop, iterated);
  const body = loop.childForFieldName('body');
  if (!target || target.pair || !body) return null;
  const row = target.name.text;
  const nested = (n: Node) => n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition';
  for (const cmp of findDescendants(body, (n) => n.type === 'comparison_operator', nested)) {
    const operands = cmp.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (operands.length !== 2) continue;
    const rowSide = operands.findIndex((o) => readsRowField(o, row));
    const other = rowSide < 0 ? null : operands[1 - rowSide];
    if (!other || identifiersNamed(other, row).length > 0) continue;
    const use = maskUse(cmp, ctx);
    if (!use || !wholeValue(other, use, ctx)) continue;
    return `each row compares \`${other.text.slice(0, 40)}\` with one of its fields, a scan of the whole array or column per row`;
  }
  return null;
}

/**
 * `for mm, cov in iterate_covT_mms(covT): for i, row in gdb.iterrows(): ...` (inStrain's per-mm coverage), rdtools' row
 * loop inside its Monte Carlo repetitions: the same frame, never rebound in the outer loop, has its every row built
 * into a Series again on each of the outer loop's passes, so the row loop's cost is multiplied by them. Blind reviews
 * judged both worth changing. Not when the outer loop shows it makes few passes (a literal, a few named things).
 */
function rebuiltEachPassReason(loop: Node, frame: Node, ctx: RuleContext): string | null {
  if (loop.type !== 'for_statement' || frame.type !== 'identifier') return null;
  const outer = enclosingLoop(loop);
  const body = outer?.childForFieldName('body');
  if (!outer || !body || loopRunsOverFewThings(outer, ctx.facts)) return null;
  // Rebound in the outer loop (`for part in parts: df = load(part)`): another frame on each pass, no repetition.
  if (identifiersNamed(outer, frame.text).some((id) => isAssignmentTarget(id) || isLoopTarget(id, outer))) return null;
  // A row handed to the project's own code (`self._predict(...)`, AutoTS's per-template forecast): what that costs per row,
  // which may dwarf the Series, is not shown here.
  if (callsOwnCode(loop.childForFieldName('body'), ctx)) return null;
  const header = outer.type === 'for_statement' ? outer.childForFieldName('right') : outer.childForFieldName('condition');
  return `the rows of the same \`${frame.text}\` are built again on every pass of the loop around it (\`${(header?.text ?? '').slice(0, 40)}\`)`;
}

/** Builtins a light row loop calls: conversions, sizes, simple reductions. */
const LIGHT_BUILTINS = new Set([
  'int',
  'float',
  'str',
  'bool',
  'abs',
  'len',
  'min',
  'max',
  'round',
  'sum',
  'list',
  'tuple',
  'dict',
  'set',
  'print',
  'isinstance',
]);

/** The block calls a function other than a light builtin (the project's or an import's) or a method of `self`/`cls`. */
function callsOwnCode(body: Node | null, ctx: RuleContext): boolean {
  if (!body) return true;
  return findDescendants(body, (n) => n.type === 'call').some((call) => {
    const fn = call.childForFieldName('function');
    if (fn?.type === 'identifier') return !LIGHT_BUILTINS.has(fn.text) || !ctx.facts.isBuiltin(fn.text, fn);
    const owner = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    return owner?.type === 'identifier' && (owner.text === 'self' || owner.text === 'cls');
  });
}

/** `x` bound by a `for` target within `scope` (`for x in ...`, `for _, x in ...`). */
function isLoopTarget(id: Node, scope: Node): boolean {
  for (let n: Node | null = id.parent; n && !n.equals(scope.parent!); n = n.parent) {
    if ((n.type === 'for_statement' || n.type === 'for_in_clause') && n.childForFieldName('left')) {
      const left = n.childForFieldName('left')!;
      if (left.startIndex <= id.startIndex && id.endIndex <= left.endIndex) return true;
    }
  }
  return false;
}

/** `row["a"]` / `row.a` for the loop's row Series `row`. */
function readsRowField(node: Node, row: string): boolean {
  const inner = node.type === 'parenthesized_expression' ? node.namedChild(0) : node;
  const base = inner?.type === 'subscript' ? inner.childForFieldName('value') : inner?.type === 'attribute' ? inner.childForFieldName('object') : null;
  return base?.type === 'identifier' && base.text === row;
}

/** NumPy calls that turn a mask into positions: the mask is a scan whose result selects. */
const MASK_POSITIONS = new Set(['numpy.where', 'numpy.nonzero', 'numpy.argwhere', 'numpy.flatnonzero']);

/**
 * What the comparison's mask selects with, through `&`, `|`, `~` and parentheses: the subscript it is the key of
 * (`gdb[mask]`, `df.loc[mask, "c"]`) or the np.where-like call it is the argument of. Null for any other use (an `if`
 * test of a scalar, an `assert`): those compare one value, not a whole array.
 */
function maskUse(cmp: Node, ctx: RuleContext): Node | null {
  let node = cmp;
  for (let p = node.parent; p; node = p, p = p.parent) {
    if (p.type === 'parenthesized_expression') continue;
    if (p.type === 'binary_operator' && ['&', '|'].includes(p.childForFieldName('operator')?.text ?? '')) continue;
    if (p.type === 'unary_operator' && p.childForFieldName('operator')?.text === '~') continue;
    break;
  }
  const p = node.parent;
  if (p?.type === 'subscript' && !p.childForFieldName('value')?.equals(node)) return p;
  const call = p?.type === 'argument_list' ? p.parent : null;
  if (call?.type === 'call' && p!.namedChildren.filter((c) => c && c.type !== 'comment').length === 1 && MASK_POSITIONS.has(ctx.facts.calleeName(call) ?? ''))
    return call;
  return null;
}

/**
 * The compared side holds a whole array or column: the value layer knows it as one, or it is a column of the frame the
 * mask selects from (`gdb[gdb["start"] <= row.pos]`, `df.loc[df.key == row.key]`).
 */
function wholeValue(other: Node, use: Node, ctx: RuleContext): boolean {
  const vals = values(ctx.facts);
  if (vals.isA(other, 'ndarray', 'series', 'index')) return true;
  const owner = other.type === 'subscript' ? other.childForFieldName('value') : other.type === 'attribute' ? other.childForFieldName('object') : null;
  if (owner && vals.isA(owner, 'dataframe')) return true;
  if (use.type !== 'subscript' || owner?.type !== 'identifier') return false;
  const selected = use.childForFieldName('value');
  const frame =
    selected?.type === 'attribute' && ['loc', 'iloc'].includes(selected.childForFieldName('attribute')?.text ?? '')
      ? selected.childForFieldName('object')
      : selected;
  return frame?.type === 'identifier' && frame.text === owner.text && !knownNotPandas(vals.valueOf(frame));
}

/**
 * A receiver of unknown kind whose `iterrows` is not pandas': a parameter annotated with another type (`vs: Sheet`),
 * a file that defines an `iterrows` method of its own, or, in a file that does not import pandas, a loop that does
 * not unpack the `(index, row)` pairs pandas yields (`for r in vs.iterrows():`, VisiData's rows).
 */
function otherClassesIterrows(call: Node, frame: Node, ctx: RuleContext): boolean {
  const facts = ctx.facts;
  if (frame.type === 'identifier') {
    const def = enclosingDef(call);
    const annotation = def ? parameterAnnotation(def, frame.text) : null;
    if (annotation && !/Frame|pandas|\bpd\b|\bAny\b/.test(annotation)) return true;
  }
  if (definitionsNamed(facts, 'function_definition', 'iterrows').some((d) => d.parent?.parent?.type === 'class_definition')) return true;
  if (facts.importsModule('pandas')) return false;
  const clause = loopOverIterable(call) ? call.parent : null;
  const target = clause?.childForFieldName('left');
  if (target) return !unpacksPair(target);
  // `for i, row in enumerate(vs.iterrows())`: pandas' pairs would come as `i, (idx, row)`.
  const counted = enumerated(call, facts);
  const item = counted?.childForFieldName('left');
  // Rows not unpacked as pairs where they are read, in a file that does not import pandas: nothing says a frame. PyTables'
  // `table.iterrows()` (ctapipe's event readers kept in a dict, review50 A008, judged wrong) has the same name.
  if (!item) return true;
  return item.type === 'pattern_list' && item.namedChildren.length === 2 && !unpacksPair(item.namedChildren[1]!);
}

function unpacksPair(target: Node): boolean {
  return target.type === 'pattern_list' || target.type === 'tuple_pattern';
}

/** The loop clause (or `for` statement) over `enumerate(call)`, with the builtin enumerate, or null. */
function enumerated(call: Node, facts: RuleContext['facts']): Node | null {
  const outer = call.parent?.type === 'argument_list' ? call.parent.parent : null;
  const fn = outer?.type === 'call' ? outer.childForFieldName('function') : null;
  if (fn?.type !== 'identifier' || fn.text !== 'enumerate' || !facts.isBuiltin('enumerate', fn)) return null;
  return loopOverIterable(outer!) ? outer!.parent : null;
}

/**
 * `[row.to_dict() for _, row in df.iterrows()]`: the comprehension's only work is the conversion, which
 * `df.to_dict("records")` does without a Series per row. Not offered as a fix: iterrows() upcasts each row to one
 * dtype, so an int column beside a float column gave floats where the records keep ints.
 */
function recordsComprehension(construct: Node, call: Node): boolean {
  if (construct.type !== 'list_comprehension') return false;
  const parts = construct.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const clause = parts[1];
  if (parts.length !== 2 || clause.type !== 'for_in_clause' || !clause.childForFieldName('right')?.equals(call)) return false;
  const names = clause.childForFieldName('left')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
  const row = names.length === 2 && names[1].type === 'identifier' ? names[1].text : null;
  const body = parts[0];
  const fn = body.type === 'call' ? body.childForFieldName('function') : null;
  return (
    row !== null &&
    fn?.type === 'attribute' &&
    fn.childForFieldName('object')?.text === row &&
    fn.childForFieldName('attribute')?.text === 'to_dict' &&
    (body.childForFieldName('arguments')?.namedChildCount ?? 1) === 0
  );
}

/**
 * `[row for _, row in df.iterrows()]` or `[row.copy() for ...]`: the comprehension makes the list of row Series the code
 * goes on to use as Series (indexing by label, copying, building a frame of them), which a tuple of itertuples() is not.
 * PolicyEngine's synthetic-household prototype collects donors and dependants so; review56 judged the finding wrong
 * (itertuples would break the later `.copy()` and label reads) and noise (a handful of rows).
 */
function collectsRowSeries(construct: Node, call: Node): boolean {
  if (construct.type !== 'list_comprehension') return false;
  const target = rowTarget(construct, call);
  const parts = construct.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (!target || target.pair || parts.length !== 2) return false;
  const item = parts[0];
  if (item.type === 'identifier') return item.text === target.name.text;
  const fn = item.type === 'call' ? item.childForFieldName('function') : null;
  return (
    fn?.type === 'attribute' &&
    fn.childForFieldName('object')?.text === target.name.text &&
    fn.childForFieldName('attribute')?.text === 'copy' &&
    (item.childForFieldName('arguments')?.namedChildren.filter((c) => c?.type !== 'comment').length ?? 0) <= 1
  );
}

/**
 * Each row Series is only handed on whole to the code's own function, the loop reading no field of it: as an argument (`fit_row(row, ...)`, a model trained
 * per row in causalml), or as the items of a list comprehension given to one (`pool.map(fit_row, [row for _, row in
 * df.iterrows()])`). The receiver uses it
 * as a Series, so `itertuples()` would break it, and the work done per row there, not building the Series, is the cost.
 */
function rowHandedOnWhole(loop: Node, call: Node): boolean {
  const target = rowTarget(loop, call);
  if (!target) return false;
  const within = loop.type === 'for_statement' ? loop.childForFieldName('body') : loop;
  const collected = loop.type !== 'for_statement' ? loop.childForFieldName('body') : null;
  // Every use hands the row on: a loop that also reads its fields (`row["a"] * scale(row)`) does per-row work itself.
  const uses = identifiersNamed(within ?? loop, target.name.text).filter((id) => !id.equals(target.name) && isVariable(id));
  if (target.pair) {
    // `pair[1]` is the Series and `pair[0]` the index label; the pair handed on whole is a tuple like itertuples' own.
    const series = uses.filter((id) => pairItem(id) === '1').map((id) => id.parent!);
    return series.length > 0 && uses.every((id) => pairItem(id) !== null) && series.every((s) => handedOn(s, loop, collected));
  }
  return uses.length > 0 && uses.every((id) => (collected?.equals(id) ? isWholeArgument(loop) : handedOn(id, loop, collected)));
}

/**
 * The name the loop binds to each row: the Series of `for _, row in` (or `for i, (_, row) in enumerate(...)`), or the
 * (index, Series) pair of `for pair in` (or `for i, pair in enumerate(...)`).
 */
function rowTarget(loop: Node, call: Node): { name: Node; pair: boolean } | null {
  const clause = loop.type === 'for_statement' ? loop : call.parent?.type === 'for_in_clause' ? call.parent : enumerateClause(call);
  let left = clause?.childForFieldName('left') ?? null;
  if (clause && !clause.childForFieldName('right')?.equals(call)) {
    // Under enumerate() the second name holds what iterrows() yields.
    const counted = left?.type === 'pattern_list' || left?.type === 'tuple_pattern' ? left.namedChildren.filter((c): c is Node => c !== null) : [];
    left = counted.length === 2 ? counted[1] : null;
  }
  if (left?.type === 'identifier') return { name: left, pair: true };
  const targets = left?.type === 'pattern_list' || left?.type === 'tuple_pattern' ? left.namedChildren.filter((c): c is Node => c !== null) : [];
  return targets.length === 2 && targets[1].type === 'identifier' ? { name: targets[1], pair: false } : null;
}

/** `pair[0]` / `pair[1]` for a use of the pair's name: which item of (index, Series) it reads, or null for any other use. */
function pairItem(id: Node): string | null {
  const p = id.parent;
  if (p?.type !== 'subscript' || !p.childForFieldName('value')?.equals(id) || isAssignmentTarget(p)) return null;
  const keys = p.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  return keys.length === 1 && (keys[0].text === '0' || keys[0].text === '1') ? keys[0].text : null;
}

/** The loop or comprehension over `enumerate(df.iterrows())`, the call its only argument. */
function enumeratedLoop(call: Node): Node | null {
  const wrapper = wrappingCall(call);
  return wrapper && calleeName(wrapper) === 'enumerate' && wrapper.childForFieldName('arguments')?.namedChildCount === 1 ? loopOverIterable(wrapper) : null;
}

function enumerateClause(call: Node): Node | null {
  const wrapper = wrappingCall(call);
  return wrapper?.parent?.type === 'for_in_clause' || wrapper?.parent?.type === 'for_statement' ? wrapper.parent : null;
}

/**
 * The `for` loop over `tqdm(df.iterrows(), ...)`, the call the progress bar's first argument, or null: its passes are the
 * frame's rows, as in a plain `for _, row in df.iterrows()`.
 */
function progressBarLoop(call: Node, ctx: RuleContext): Node | null {
  const bar = wrappingCall(call);
  if (!bar || calleeName(bar) === 'enumerate' || !unwrapIterable(bar, ctx.facts).inner.equals(call)) return null;
  const loop = loopOverIterable(bar);
  return loop?.type === 'for_statement' ? loop : null;
}

/** The call whose argument `node` is (positional), or null. */
function wrappingCall(node: Node): Node | null {
  const args = node.parent;
  const call = args?.type === 'argument_list' ? args.parent : null;
  return call?.type === 'call' ? call : null;
}

function calleeName(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  return callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
}

/** Builtins that hand the iterator's own items on: `iter(df.iterrows())`, `list(...)`, `enumerate(...)`. */
const ITEM_KEEPERS = new Set(['iter', 'list', 'tuple', 'enumerate']);
/** Mock attributes and keywords that set what the mocked call gives back. */
const MOCK_RESULTS = new Set(['return_value', 'side_effect']);

/**
 * `m.return_value = df.iterrows()`, `Mock(side_effect=[iter(df.iterrows())])`, `patch(..., return_value=list(df.iterrows()))`:
 * the rows are what a mock hands the code under test, so they must be the (index, Series) pairs that code iterates.
 */
function feedsMock(call: Node): boolean {
  let node = withEnclosingParentheses(call);
  for (;;) {
    const p = node.parent;
    if (!p) return false;
    if (p.type === 'argument_list' && p.parent?.type === 'call' && ITEM_KEEPERS.has(calleeName(p.parent) ?? '')) node = withEnclosingParentheses(p.parent);
    else if (p.type === 'list' || p.type === 'tuple') node = withEnclosingParentheses(p);
    else break;
  }
  const p = node.parent;
  if (p?.type === 'keyword_argument' && p.childForFieldName('value')?.equals(node)) return MOCK_RESULTS.has(p.childForFieldName('name')?.text ?? '');
  if (p?.type !== 'assignment' || !p.childForFieldName('right')?.equals(node)) return false;
  const target = p.childForFieldName('left');
  return target?.type === 'attribute' && MOCK_RESULTS.has(target.childForFieldName('attribute')?.text ?? '');
}

/** Operators a Series applies to all its values at once: `mpp * row` scales the whole row. */
const SERIES_ARITHMETIC = new Set(['*', '/', '+', '-', '//', '%', '**']);

/**
 * The row itself reaches a function of the code's own: as an argument (`refine(row)`), scaled as a Series on the way
 * (`plot(ax, mpp * row)`, trackpy's trajectories), or as a part of the tuple a comprehension hands on whole
 * (`pool.map(refine, [(row, cols) for _, row in df.iterrows()])`, trackpy's ring refinement). A tuple from
 * itertuples() could stand in for none of these.
 */
function handedOn(id: Node, loop: Node, collected: Node | null): boolean {
  if (isWholeArgument(id)) return true;
  const parent = id.parent;
  if (parent?.type === 'binary_operator' && SERIES_ARITHMETIC.has(parent.childForFieldName('operator')?.type ?? '')) {
    const other = parent.childForFieldName('left')?.equals(id) ? parent.childForFieldName('right') : parent.childForFieldName('left');
    // A number or a name times the row, not a field of it (`row["a"] * row`).
    if (other && (other.type === 'identifier' || other.type === 'integer' || other.type === 'float') && other.text !== id.text) return isWholeArgument(parent);
  }
  return parent?.type === 'tuple' && !!collected?.equals(parent) && isWholeArgument(loop);
}

/**
 * `f(row)` or `f(x=row)` for a function of the code's own: the name (or the comprehension) itself is an argument, not
 * a field read from it.
 * Builtins and collection or formatting methods (`list(row)`, `out.append(row)`, `template.format_map(row)`) read the
 * row as values or a mapping, which `itertuples()` (with `._asdict()`) gives without a Series per row.
 */
function isWholeArgument(node: Node): boolean {
  const argument = node.parent?.type === 'keyword_argument' && node.parent.childForFieldName('value')?.equals(node) ? node.parent : node;
  const call = argument.parent?.type === 'argument_list' ? argument.parent.parent : null;
  const callee = call?.type === 'call' ? call.childForFieldName('function') : null;
  const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
  return name !== undefined && !VALUE_CONSUMERS.has(name);
}

/** Calls that take a row for its values or as a mapping, not as a Series: builtins, collection and formatting methods. */
const VALUE_CONSUMERS = new Set([
  'list',
  'tuple',
  'dict',
  'set',
  'str',
  'repr',
  'print',
  'len',
  'zip',
  'enumerate',
  'sorted',
  'iter',
  'next',
  'format',
  'format_map',
  'append',
  'extend',
  'add',
  'update',
  'insert',
  'put',
  'write',
  'writerow',
]);

/**
 * `out = []` / `for _, row in df.iterrows(): out.append(<arithmetic of row fields>)`, optionally
 * followed by `df["col"] = out`: the same values computed on whole columns, in one statement
 * (`df["col"] = df["a"] * df["b"]`, or `out = (df["a"] * df["b"]).tolist()` when the list is kept).
 * Only a loop that does nothing else: one append, no else, no comments to lose, loop variables
 * and the list unused afterwards (except by the column assignment).
 */
function columnFix(call: Node, frame: Node, ctx: RuleContext): { edits: TextEdit[]; title: string; reason: string } | null {
  const loop = rewritableLoop(call, frame);
  if (!loop) return null;
  const left = loop.childForFieldName('left');
  const targets = left?.namedChildren.filter((c): c is Node => c !== null) ?? [];
  if ((left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern') || targets.length !== 2 || targets.some((t) => t.type !== 'identifier')) return null;
  const [idx, row] = targets;
  const scope = scopeBody(loop);
  if (usedAfter(scope, row.text, loop.endIndex, loop) || (idx.text !== '_' && usedAfter(scope, idx.text, loop.endIndex, loop))) return null;
  return vectorFix(loop, row, frame, ctx, ITERROWS_REASONS);
}

/** How each form of the rewrite differs from a loop, by the way that loop reads its rows. */
interface LoopReasons {
  column: string;
  list: string;
  sum: string;
  /** The loop's row fields are NumPy scalars (iterrows), so a `.tolist()` of Python scalars differs from its list. */
  numpyScalars: boolean;
}
const ITERROWS_REASONS: LoopReasons = { column: COLUMN_REASON, list: LIST_REASON, sum: SUM_REASON, numpyScalars: true };

/** The plain `for` loop (no else, not async, not a class body) over `call`, whose frame is a name or attribute chain. */
function rewritableLoop(call: Node, frame: Node): Node | null {
  const loop = loopOverIterable(call);
  if (loop?.type !== 'for_statement' || loop.child(0)?.type === 'async' || loop.childForFieldName('alternative')) return null;
  if (!isPureReference(frame) || loop.parent?.parent?.type === 'class_definition') return null;
  return loop;
}

/** The whole-column rewrite of a loop whose row variable is `row`: a running total, an appended arithmetic expression or row value. */
function vectorFix(loop: Node, row: Node, frame: Node, ctx: RuleContext, reasons: LoopReasons): { edits: TextEdit[]; title: string; reason: string } | null {
  const total = runningTotalFix(ctx.text, ctx.facts, loop, (e) => vectorizeRowExpression(e, row.text, frame.text), reasons.sum);
  if (total) return total;
  const shape = listBuiltByLoop(loop);
  const expr = shape ? vectorizeRowExpression(shape.element, row.text, frame.text) : null;
  const rewrite = shape && expr ? rewriteListLoop(ctx.text, ctx.facts, loop, shape, expr, frame.text) : null;
  if (!rewrite) return rowValueListFix(ctx.text, ctx.facts, loop, { row: row.text, frame: frame.text }, reasons.column, reasons.numpyScalars);
  return rewrite.kind === 'column'
    ? { edits: rewrite.edits, title: 'Compute the column with whole-column arithmetic', reason: reasons.column }
    : { edits: rewrite.edits, title: 'Build the list with whole-column arithmetic', reason: reasons.list };
}

const ITERTUPLES_REASONS: LoopReasons = { column: TUPLE_COLUMN_REASON, list: TUPLE_COLUMN_REASON, sum: TUPLE_SUM_REASON, numpyScalars: false };

/**
 * `for row in df.itertuples(): out.append(row.a * row.b)`: itertuples() is the fast way to loop, so
 * only a loop whose whole work is a column expression of its fields is reported, with that rewrite.
 * Fields are read as `row.col` only (`row[0]`, `row.Index` and renamed `row._1` are refused), and
 * `name=None` (plain tuples) is left alone.
 */
function checkItertuples(call: Node, frame: Node, args: Node, ctx: RuleContext): void {
  if (!tupleArguments(args)) return;
  const loop = rewritableLoop(call, frame);
  const row = loop?.childForFieldName('left');
  if (!loop || row?.type !== 'identifier' || usedAfter(scopeBody(loop), row.text, loop.endIndex, loop)) return;
  if (!readsOnlyFields(loop, row.text)) return;
  const frameValue = values(ctx.facts).valueOf(frame);
  if (frameValue !== null && frameValue.kind !== 'dataframe') return; // polars, dask, modin...: their own rewrites
  if (reportFirstSeenCodes(call, loop, row.text, frame, ctx)) return;
  const fix = vectorFix(loop, row, frame, ctx, ITERTUPLES_REASONS);
  if (!fix) return;
  const name = frame.text.length <= 40 ? frame.text : 'df';
  ctx.report({
    node: call,
    construct: loop,
    message: `This \`${name}.itertuples()\` loop only computes a column expression row by row; compute it on whole columns`,
    edits: fix.edits,
    fixTitle: fix.title,
    reason: fix.reason,
  });
}

/**
 * `user2int = {}` then `for row in behaviors.itertuples(): if row.user not in user2int: user2int[row.user] = len(user2int) + 1`
 * (poprox-recommender's training preprocessing, review46): a code per distinct value in order of first appearance, built
 * one row at a time. `df["user"].drop_duplicates()` finds the same values in that order in compiled code (pandas 1.5.3,
 * 1M rows and 50,000 users: 40x faster for ints, 35x for datetimes, 4x for strings), and iterating it gives the same
 * Python keys the tuples held. The whole loop must be that one `if`, the dict an empty `{}` (or `dict()`) bound in the
 * same block with nothing reading it between; the fix replaces both statements when the binding is the one just before.
 */
function reportFirstSeenCodes(call: Node, loop: Node, row: string, frame: Node, ctx: RuleContext): boolean {
  const body = loop.childForFieldName('body');
  const statements = body?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const test = statements.length === 1 && statements[0].type === 'if_statement' ? statements[0] : null;
  if (!test || test.childForFieldName('alternative') || test.namedChildren.some((c) => c?.type === 'elif_clause' || c?.type === 'else_clause')) return false;
  const condition = test.childForFieldName('condition');
  const operands = condition?.type === 'comparison_operator' ? condition.namedChildren.filter((c): c is Node => c !== null) : [];
  const ops = condition?.children.filter((c) => c && !c.isNamed).map((c) => c!.type) ?? [];
  if (operands.length !== 2 || ops.join(' ') !== 'not in') return false;
  const [key, dict] = operands;
  const field = key.type === 'attribute' && key.childForFieldName('object')?.text === row ? key.childForFieldName('attribute')!.text : null;
  if (!field || dict.type !== 'identifier') return false;
  const inner = test.childForFieldName('consequence')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const assignment = inner.length === 1 && inner[0].type === 'expression_statement' ? inner[0].namedChild(0) : null;
  const target = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
  const value = assignment?.childForFieldName('right');
  if (target?.type !== 'subscript' || target.childForFieldName('value')?.text !== dict.text || !value) return false;
  const keys = target.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  if (keys.length !== 1 || keys[0]!.text !== key.text) return false;
  const start = codeStart(value, dict.text, ctx);
  if (start === null) return false;
  const binding = emptyDictBinding(dict, loop, ctx);
  if (!binding) return false;
  const column = `${frame.text}["${field}"]`;
  const rewrite = `{v: i for i, v in enumerate(${column}.drop_duplicates()${start === '0' ? '' : `, start=${start}`})}`;
  const name = frame.text.length <= 40 ? frame.text : 'df';
  const adjacent = binding.statement.nextNamedSibling?.equals(loop) && !hasCommentBetween(ctx.facts, binding.statement.startIndex, loop.endIndex);
  ctx.report({
    node: call,
    construct: loop,
    message:
      `This \`${name}.itertuples()\` loop numbers each distinct \`${field}\` in order of first appearance; ` +
      `\`${dict.text} = ${rewrite.length <= 90 ? rewrite : '{v: i for i, v in enumerate(...drop_duplicates())}'}\` finds the distinct values in compiled code`,
    edits: adjacent ? [replaceRange(binding.statement.startIndex, loop.endIndex, `${dict.text} = ${rewrite}`)] : undefined,
    fixTitle: 'Number the distinct values with drop_duplicates()',
    reason: CODES_REASON,
  });
  return true;
}

/** `len(d)` or `len(d) + k` (k an integer literal): the first code, as text ("0", "k"), or null. */
function codeStart(value: Node, dict: string, ctx: RuleContext): string | null {
  const isLen = (n: Node | null): boolean => {
    const fn = n?.type === 'call' ? n.childForFieldName('function') : null;
    const args = n?.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
    return fn?.type === 'identifier' && fn.text === 'len' && ctx.facts.isBuiltin('len', n!) && args.length === 1 && args[0]!.text === dict;
  };
  if (isLen(value)) return '0';
  if (value.type !== 'binary_operator' || value.childForFieldName('operator')?.type !== '+') return null;
  const left = value.childForFieldName('left');
  const right = value.childForFieldName('right');
  if (isLen(left) && right?.type === 'integer') return right.text;
  if (isLen(right) && left?.type === 'integer') return left.text;
  return null;
}

/**
 * The statement binding `dict` to an empty `{}` / `dict()` in the loop's block, before it, with the name not read or
 * bound between (or anywhere else in the scope before the loop after it); null otherwise.
 */
function emptyDictBinding(dict: Node, loop: Node, ctx: RuleContext): { statement: Node } | null {
  const block = loop.parent;
  if (!block) return null;
  let statement: Node | null = loop.previousNamedSibling;
  while (statement?.type === 'comment') statement = statement.previousNamedSibling;
  for (; statement; statement = statement.previousNamedSibling) {
    if (statement.type === 'comment') continue;
    const assignment = statement.type === 'expression_statement' ? statement.namedChild(0) : null;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    if (left?.type === 'identifier' && left.text === dict.text) {
      const right = assignment!.childForFieldName('right');
      const empty =
        (right?.type === 'dictionary' && right.namedChildren.every((c) => c?.type === 'comment')) ||
        (right?.type === 'call' &&
          right.childForFieldName('function')?.text === 'dict' &&
          ctx.facts.isBuiltin('dict', right) &&
          (right.childForFieldName('arguments')?.namedChildren ?? []).every((c) => c?.type === 'comment'));
      return empty ? { statement } : null;
    }
    if (identifiersNamed(statement, dict.text).length > 0) return null;
  }
  return null;
}

/** `()`, `(index=False)`, `(name="Row")`: literal keywords only; `name=None` yields plain tuples without fields. */
function tupleArguments(args: Node): boolean {
  for (const a of args.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type !== 'keyword_argument') return false;
    const key = a.childForFieldName('name')?.text;
    const value = a.childForFieldName('value');
    if (key === 'index' && (value?.type === 'true' || value?.type === 'false')) continue;
    if (key === 'name' && value && stringLiteralValue(value) !== null) continue;
    return false;
  }
  return true;
}

/** Every use of `row` in the loop reads a field the tuple keeps under its column's name (`row.price`). */
function readsOnlyFields(loop: Node, row: string): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return identifiersNamed(body, row).every((id) => {
    const p = id.parent;
    if (p?.type === 'attribute' && p.childForFieldName('attribute')?.equals(id)) return true;
    if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.equals(id)) return true;
    if (p?.type !== 'attribute' || !p.childForFieldName('object')?.equals(id)) return false;
    const field = p.childForFieldName('attribute')?.text ?? '';
    return usableField(field) && !FRAME_ATTRIBUTES.has(field) && field !== 'count';
  });
}

/**
 * `yield from df.iterrows()` / `return df.iterrows()`: the rows are handed to the caller, which does
 * the iterating (an iterrows() wrapper, a generator that chains frames); there is no loop body here.
 */
function delegates(call: Node): boolean {
  const p = withEnclosingParentheses(call).parent;
  if (p?.type === 'return_statement') return true;
  return p?.type === 'yield' && p.child(1)?.type === 'from';
}

/**
 * `for idx, row in df.iterrows():` whose body reads `row["col"]` / `row.col` only: rewrite to
 * `for row in df.itertuples(index=False):` with `row.col` (and `row.Index` for `idx` when used).
 */
function itertuplesFix(call: Node, method: Node): TextEdit[] | null {
  const loop = call.parent;
  if (loop?.type !== 'for_statement' || !loop.childForFieldName('right')?.equals(call)) return null;
  if (loop.child(0)?.type === 'async') return null;
  const left = loop.childForFieldName('left');
  if (!left || (left.type !== 'pattern_list' && left.type !== 'tuple_pattern')) return null;
  const targets = left.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (targets.length !== 2 || targets.some((t) => t.type !== 'identifier')) return null;
  const [idx, row] = targets;
  if (idx.text === row.text) return null;
  const body = loop.childForFieldName('body');
  if (!body) return null;
  const alternative = loop.childForFieldName('alternative');
  const scope = scopeBody(loop);
  // The loop variables leak out of the loop: their later uses would see different values.
  if (usedAfter(scope, row.text, loop.endIndex, loop) || usedAfter(scope, idx.text, loop.endIndex, loop)) return null;

  const edits: TextEdit[] = [];
  const regions = alternative ? [body, alternative] : [body];
  for (const region of regions) {
    for (const id of identifiersNamed(region, row.text)) {
      const p = id.parent;
      if (p?.type === 'attribute' && p.childForFieldName('attribute')?.equals(id)) continue;
      if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.equals(id)) continue;
      if (isAssignmentTarget(id)) return null;
      if (insideNestedScope(id, region)) return null;
      if (p?.type === 'subscript' && p.childForFieldName('value')?.equals(id)) {
        const keys = p.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
        const key = keys.length === 1 ? stringLiteralValue(keys[0]) : null;
        if (!key || !usableField(key) || isAssignmentTarget(p)) return null;
        edits.push(replaceNode(p, `${row.text}.${key}`));
        continue;
      }
      if (p?.type === 'attribute' && p.childForFieldName('object')?.equals(id)) {
        const attr = p.childForFieldName('attribute')?.text ?? '';
        // Series attributes (`row.name` is the index label, `row.values`...) mean something else on a tuple.
        if (!usableField(attr) || FRAME_ATTRIBUTES.has(attr) || isAssignmentTarget(p)) return null;
        if (p.parent?.type === 'call' && p.parent.childForFieldName('function')?.equals(p)) return null;
        continue;
      }
      return null;
    }
  }
  let index = false;
  if (idx.text !== '_') {
    for (const region of regions) {
      for (const id of identifiersNamed(region, idx.text)) {
        const p = id.parent;
        if (p?.type === 'attribute' && p.childForFieldName('attribute')?.equals(id)) continue;
        if (p?.type === 'keyword_argument' && p.childForFieldName('name')?.equals(id)) continue;
        if (isAssignmentTarget(id) || insideNestedScope(id, region)) return null;
        edits.push(replaceNode(id, `${row.text}.Index`));
        index = true;
      }
    }
  }
  edits.push(replaceNode(left, row.text));
  edits.push(replaceNode(method, 'itertuples'));
  const args = call.childForFieldName('arguments')!;
  if (!index) edits.push(replaceNode(args, '(index=False)'));
  return edits;
}

/** A field name a namedtuple keeps as is (itertuples renames keywords and leading underscores). */
function usableField(name: string): boolean {
  return isIdentifierName(name) && !name.startsWith('_') && name !== 'Index';
}

function insideNestedScope(id: Node, region: Node): boolean {
  for (let n = id.parent; n && !n.equals(region); n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return true;
    if (n.type === 'list_comprehension' || n.type === 'generator_expression' || n.type === 'set_comprehension' || n.type === 'dictionary_comprehension')
      continue;
  }
  return false;
}

/**
 * The frame is a name last bound to the rows of one key of another frame: `F[F["c"] == x]`, `F[F.c == x]`,
 * `F.loc[F["c"] == x]` (optionally with columns), or `F.loc[[x]]` (one index label in a list), where x is a single value
 * (a name, an attribute, an item or a literal). The selection as written (shortened), else null.
 */
function rowsOfOneKey(frame: Node, at: Node, facts: FileFacts): string | null {
  if (frame.type !== 'identifier') return null;
  const binding = lastBindingOnPath(frame.text, at, facts);
  const value = binding && !binding.path ? binding.value : null;
  if (value?.type !== 'subscript') return null;
  const object = value.childForFieldName('value');
  const keys = value.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  const loc = object?.type === 'attribute' && object.childForFieldName('attribute')?.text === 'loc';
  const source = loc ? object.childForFieldName('object') : object;
  if (!source || !isPureReference(source) || keys.length === 0 || keys.length > (loc ? 2 : 1)) return null;
  const single = (n: Node | null | undefined) =>
    !!n && (n.type === 'identifier' || n.type === 'attribute' || n.type === 'subscript' || n.type === 'string' || n.type === 'integer');
  const key = keys[0].type === 'parenthesized_expression' ? keys[0].namedChild(0) : keys[0];
  const shown = value.text.replace(/\s+/g, ' ');
  const text = shown.length <= 50 ? shown : `${source.text}[... == ...]`;
  // `F.loc[[x]]`: the rows labelled x.
  if (loc && key?.type === 'list') {
    const items = key.namedChildren.filter((c) => c !== null && c.type !== 'comment');
    return items.length === 1 && single(items[0]) ? text : null;
  }
  if (key?.type !== 'comparison_operator') return null;
  const ops = key.children.filter((c) => c !== null && !c.isNamed);
  const operands = key.namedChildren.filter((c): c is Node => c !== null);
  if (ops.length !== 1 || ops[0]!.type !== '==' || operands.length !== 2) return null;
  const column = (n: Node) =>
    (n.type === 'subscript' || n.type === 'attribute') &&
    (n.type === 'subscript' ? n.childForFieldName('value') : n.childForFieldName('object'))?.text === source.text;
  const [a, b] = operands;
  const [col, x] = column(a) && !column(b) ? [a, b] : column(b) && !column(a) ? [b, a] : [null, null];
  if (!col || !x || x.type === 'string' || x.type === 'integer' || !single(x)) return null;
  // An identifier's rows (`image_id`, `link_key`): a category (`split == "train"`, `country == c`) may hold most of the frame.
  const label =
    col.type === 'attribute' ? col.childForFieldName('attribute')!.text : (stringLiteralValue(col.childrenForFieldName('subscript')[0] ?? null) ?? '');
  const keyName = x.type === 'attribute' ? x.childForFieldName('attribute')!.text : x.text;
  return ID_NAME.test(label) || ID_NAME.test(keyName) ? text : null;
}

/** Names of an identifier column or key: `image_id`, `id`, `uid`, `link_key`, `sample_idx`. */
const ID_NAME = /(?:^|_)(?:id|uid|uuid|key|idx)$|[a-z]Id$/;
