// Facts about loops that several rules share.
import type { FileFacts } from './facts';
import { localTypes } from './localTypes';
import { nodeMemo } from './nodeMemo';
import { definitionsNamed, occurrences, readsAfter, valueBoundOnce } from './names';
import { foldInteger, stringLiteralValue } from './numeric';
import { collectionBound } from './smallCollections';
import type { Node } from '../syntax/parser';

/** Iteration counts at or below this, known from the syntax, make a loop "small". */
export const SMALL_LOOP = 16;

/**
 * True when a `for` loop visibly runs only a handful of times: over `range(k)` / `range(a, b)`
 * with small literal bounds (or local names bound once to them: `n_rep = 3`), or over a short
 * tuple, list or set display.
 */
export function isSmallLiteralLoop(loop: Node, facts: FileFacts): boolean {
  if (loop.type !== 'for_statement') return false;
  const it = loop.childForFieldName('right');
  if (!it) return false;
  if (it.type === 'tuple' || it.type === 'list' || it.type === 'set') return it.namedChildCount <= SMALL_LOOP;
  if (it.type === 'call' && it.childForFieldName('function')?.text === 'range' && facts.isBuiltin('range', it)) {
    const args = it.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
    const nums = args.map(integerValue);
    if (args.length >= 1 && args.length <= 2 && nums.every((n): n is number => n !== null)) {
      const span = args.length === 1 ? nums[0] : nums[1] - nums[0];
      return span <= SMALL_LOOP;
    }
    const offset = offsetSpan(args);
    if (offset !== null) return offset <= SMALL_LOOP;
  }
  return boundedByTheCode(it, facts);
}

/** A `for` loop over a window `range(start, start + k)` of at most SMALL_LOOP values, wherever it starts. */
export function isSmallRangeWindow(loop: Node, facts: FileFacts): boolean {
  const it = loop.type === 'for_statement' ? loop.childForFieldName('right') : null;
  if (it?.type !== 'call' || it.childForFieldName('function')?.text !== 'range' || !facts.isBuiltin('range', it)) return false;
  const span = offsetSpan(it.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? []);
  return span !== null && span <= SMALL_LOOP;
}

/**
 * The count of `range(start, start + k)` or `range(start, start + k, step)` (a positive literal step): a window of k
 * values wherever it starts (`range(5 * i, 5 * i + 5)`, an image's five captions); null for any other range.
 */
function offsetSpan(args: readonly Node[]): number | null {
  if (args.length < 2 || args.length > 3) return null;
  const [start, stop] = args;
  if (stop.type !== 'binary_operator' || stop.childForFieldName('operator')?.text !== '+') return null;
  if (stop.childForFieldName('left')?.text.replace(/\s+/g, '') !== start.text.replace(/\s+/g, '')) return null;
  const right = stop.childForFieldName('right');
  const k = right ? integerValue(right) : null;
  const step = args.length === 3 ? integerValue(args[2]) : 1;
  if (k === null || step === null || step <= 0) return null;
  return Math.ceil(k / step);
}

/** The loop's iterable when the loop is small only because the code bounds it (not a display, not `range`): for hovers. */
export function codeBoundedIterable(loop: Node, facts: FileFacts): Node | null {
  const it = loop.type === 'for_statement' ? loop.childForFieldName('right') : null;
  return it && boundedByTheCode(it, facts) ? it : null;
}

/**
 * The iterable is not a literal but the code bounds it all the same (server/analysis/smallCollections.ts): a draw of a
 * few items, a short slice, a list filled in a bounded loop, a parameter every caller passes such a collection.
 */
function boundedByTheCode(iterable: Node, facts: FileFacts): boolean {
  if (iterable.type !== 'identifier' && iterable.type !== 'call' && iterable.type !== 'subscript') return false;
  const bound = collectionBound(iterable, facts);
  return bound !== null && bound <= SMALL_LOOP;
}

/** An integer literal, or a local name bound exactly once, to an integer literal, in its scope. */
function integerValue(n: Node): number | null {
  return foldInteger(
    n,
    (id, fold) => {
      const value = valueBoundOnce(id);
      return value?.type === 'integer' ? fold(value) : null;
    },
    false,
  );
}

/** Code as one line for a message or hover: whitespace runs as one space, cut with `...` to at most `max` characters. */
export function oneLineText(text: string, max = 40): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

/** A loop's header as one short line, for messages and hovers: `for c in np.unique(y)`, `while ...`, cut at `max` characters. */
export function loopHeaderText(loop: Node, max = 60): string {
  const body = loop.childForFieldName('body');
  return oneLineText((body ? loop.text.slice(0, body.startIndex - loop.startIndex) : loop.text).replace(/\s*:?\s*$/, ''), max);
}

/** A `for` loop nest read as comprehension clauses: `for a in A`, `if c`, `for b in a`… */
export interface LoopNest {
  /** The clauses, outermost first, as comprehension source text (iterables parenthesised when needed). */
  clauses: string[];
  /** Names bound by the for targets. */
  names: string[];
  /** The statements of the innermost body (what isLeaf accepted). */
  leaf: Node[];
  /** The first (outermost) iterable. */
  firstIterable: Node;
  /** The loop is one `for` clause with no `if` and no inner loop. */
  single: boolean;
}

function bodyStatements(block: Node | null): Node[] {
  return block?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
}

/** Comprehension clause text for an expression that may need parentheses there. */
function clauseExpr(node: Node): string {
  const bare = new Set(['conditional_expression', 'lambda', 'named_expression', 'expression_list', 'yield', 'list_splat', 'parenthesized_list_splat']);
  return bare.has(node.type) ? `(${node.text})` : node.text;
}

/**
 * Reads a loop made only of nested `for` (no else, no async) and `if` (no else) statements, each
 * body holding a single statement, down to a body that isLeaf accepts. Null for any other shape.
 */
export function loopNest(loop: Node, isLeaf: (stmts: Node[]) => boolean): LoopNest | null {
  const clauses: string[] = [];
  const names: string[] = [];
  let node: Node = loop;
  const firstIterable = loop.childForFieldName('right');
  if (loop.type !== 'for_statement' || !firstIterable) return null;
  for (;;) {
    let body: Node[];
    if (node.type === 'for_statement') {
      if (node.childForFieldName('alternative') || node.child(0)?.type === 'async') return null;
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (!left || !right) return null;
      const ids = left.type === 'identifier' ? [left] : left.descendantsOfType(['identifier', 'attribute', 'subscript']).filter((n): n is Node => n !== null);
      if (
        ids.some((n) => n.type !== 'identifier') ||
        (left.type !== 'identifier' && !['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple'].includes(left.type))
      )
        return null;
      names.push(...ids.map((n) => n.text));
      clauses.push(`for ${left.text} in ${clauseExpr(right)}`);
      body = bodyStatements(node.childForFieldName('body'));
    } else if (node.type === 'if_statement') {
      if (node.childForFieldName('alternative')) return null;
      const cond = node.childForFieldName('condition');
      if (!cond) return null;
      clauses.push(`if ${clauseExpr(cond)}`);
      body = bodyStatements(node.childForFieldName('consequence'));
    } else {
      return null;
    }
    if (isLeaf(body)) return { clauses, names, leaf: body, firstIterable, single: clauses.length === 1 };
    if (body.length !== 1) return null;
    node = body[0];
  }
}

/**
 * The loop or comprehension that iterates `iterable` directly (`for row in <iterable>:`,
 * `[... for row in <iterable>]`), or null. This is the construct rules about the iteration name
 * in Report.construct, so that the engine can tell when two rules speak of the same loop.
 */
export function loopOverIterable(iterable: Node): Node | null {
  const parent = iterable.parent;
  if (parent?.type === 'for_statement' && parent.childForFieldName('right')?.equals(iterable)) return parent;
  if (parent?.type === 'for_in_clause' && parent.childForFieldName('right')?.equals(iterable)) return parent.parent;
  return null;
}

/**
 * Methods that only draw or render: Axes / figure methods (a loop calling one per row spends its time in matplotlib), a
 * map layer added to a folium map, a trace added to a plotly figure, a row added to a rich or PrettyTable table.
 */
const DRAWING_METHODS = new Set([
  'annotate',
  'imshow',
  'scatter',
  'plot',
  'bar',
  'barh',
  'hlines',
  'vlines',
  'axvline',
  'axhline',
  'axvspan',
  'axhspan',
  'fill_between',
  'add_patch',
  'errorbar',
  'add_to',
  'add_child',
  'add_trace',
  'add_row',
  // An Axes' statistical charts (review61: a notebook's histogram of each route type, a handful of keys).
  'hist',
  'boxplot',
  'violinplot',
  'pie',
]);
/** Plotting and map libraries: each call builds a figure, a layer or a marker. */
const DRAWING_LIBRARIES = /^(matplotlib|folium|plotly|bokeh|seaborn)\./;

/**
 * Methods and functions that cost milliseconds or more per call, far more than a loop's own per-item overhead: fitting a
 * model (`est.fit(X, y)`), loading one (`AutoModel.from_pretrained(name)`, `SparseCoder.load_from_disk(p)`,
 * `torch.load(p)`), running a process, an HTTP request.
 */
const COSTLY_METHODS = new Set(['fit', 'fit_transform', 'from_pretrained', 'load_from_disk', 'load_from_hub']);
const COSTLY_CALLS =
  /^(torch\.load|joblib\.load|subprocess\.(run|call|check_call|check_output|Popen)|os\.system|requests\.(get|post|put|patch|delete|request)|urllib\.request\.urlopen|time\.sleep)$/;

/**
 * Methods only a figure has: an Axes' or a figure's drawing and labelling (`ax.imshow`, `ax.set_title`, `fig.savefig`),
 * and `.plot(...)`, which pandas' frames and series draw with too. Narrower than DRAWING_METHODS (what a loop's pass may
 * spend its time on): not `scatter` or `bar`, which tensors and others name, nor a table's `add_row`.
 */
const FIGURE_METHODS = new Set([
  'plot',
  'imshow',
  'pcolormesh',
  'contourf',
  'fill_between',
  'errorbar',
  'axvline',
  'axhline',
  'set_title',
  'set_xlabel',
  'set_ylabel',
  'colorbar',
  'savefig',
]);
const drawsMemo = nodeMemo<boolean>();

/**
 * The function draws a figure: it calls a plotting library or a figure's own method. Its arrays are what one figure shows,
 * and drawing them costs more than any per-element saving in computing them (review36 and review37 judged the 13 library
 * findings in such functions noise: a relabelling in a dataset's `plot`, colours for an MA plot, bin means for a figure).
 */
export function drawsFigure(def: Node, facts: FileFacts): boolean {
  return drawsMemo(facts, def, () => drawsWithin(def, facts, 0));
}

/** drawsFigure, following this file's defs `depth` calls deep already (unmemoised: the answer depends on the depth). */
function drawsWithin(def: Node, facts: FileFacts, depth: number): boolean {
  const body = def.childForFieldName('body');
  const calls = body ? body.descendantsOfType('call').filter((c): c is Node => c !== null) : [];
  if (calls.some((call) => figureCall(call, facts))) return true;
  // Or through a function of this file's top level that draws (vissl's `calculate_metrics` ends with `_plot_ir(...)`).
  return depth < 2 && calls.some((call) => drawingHelper(call, def, facts, depth));
}

/** The call runs a top-level def of this file, other than `caller`, that draws a figure. */
function drawingHelper(call: Node, caller: Node, facts: FileFacts, depth: number): boolean {
  const fn = call.childForFieldName('function');
  const callee = fn?.type === 'identifier' ? topLevelFunction(fn.text, facts) : null;
  return !!callee && !callee.equals(caller) && drawsWithin(callee, facts, depth + 1);
}

function figureCall(call: Node, facts: FileFacts): boolean {
  const callee = facts.calleeName(call);
  // Plotting and map libraries, by import: every call of theirs is part of a figure.
  if (callee) return DRAWING_LIBRARIES.test(callee);
  const fn = call.childForFieldName('function');
  return fn?.type === 'attribute' && FIGURE_METHODS.has(fn.childForFieldName('attribute')?.text ?? '');
}

/** One call that draws (DRAWING_LIBRARIES, DRAWING_METHODS) or does costly work (COSTLY_METHODS, COSTLY_CALLS). */
function isCostlyCall(call: Node, facts: FileFacts): boolean {
  const callee = facts.calleeName(call) ?? '';
  if (DRAWING_LIBRARIES.test(callee) || COSTLY_CALLS.test(callee)) return true;
  const fn = call.childForFieldName('function');
  const method = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
  return DRAWING_METHODS.has(method) || COSTLY_METHODS.has(method) || axesText(call, method) || trainsOnData(call, method);
}

/**
 * `framework.train(X_train, y_train, X_test, y_test)`: a model trained on data, two arguments at least (review61: a
 * notebook training one XGBoost model per sensor). PyTorch's `module.train()` / `.train(False)` switches a mode instead.
 */
function trainsOnData(call: Node, method: string): boolean {
  if (method !== 'train') return false;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a !== null && a.type !== 'keyword_argument' && a.type !== 'comment');
  return (args?.length ?? 0) >= 2;
}

/**
 * `ax.text(x, y, label)`: an Axes' text, a position and a string at least (review56: mpmp's volcano plots label each point
 * so, the drawing being the cost of the pass). Other `.text(...)` methods take one argument or none.
 */
function axesText(call: Node, method: string): boolean {
  return (
    method === 'text' &&
    (call.childForFieldName('arguments')?.namedChildren.filter((a) => a !== null && a.type !== 'keyword_argument' && a.type !== 'comment').length ?? 0) >= 3
  );
}

/**
 * True when the loop's body, on every pass, draws (a call into matplotlib, folium or plotly, or a drawing method:
 * `ax.annotate(...)`, `marker.add_to(m)`, `table.add_row(...)`) or does costly work: fits or loads a model, runs a
 * process, sends a request (causalml trains a model per parameter row; lm-evaluation-harness loads a sparse coder per
 * steering row). Each such call costs milliseconds, so the loop's own iteration overhead (a row Series, an element read)
 * is not what makes it slow.
 */
export function costlyWorkEachPass(loop: Node, facts: FileFacts): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return body.descendantsOfType('call').some((call) => call !== null && isCostlyCall(call, facts));
}

const costlyDefinitions = new WeakMap<FileFacts, Map<number, boolean>>();

/**
 * True when a function's body does costly work on every call (see costlyWorkEachPass), itself or through a function
 * of this file's top level that it calls by name (causalml's `miu_row` calls `miu`, which fits trees): a constant
 * saved per call is nothing next to it.
 */
export function doesCostlyWork(def: Node, facts: FileFacts, depth = 0): boolean {
  let memo = costlyDefinitions.get(facts);
  if (!memo) costlyDefinitions.set(facts, (memo = new Map()));
  const known = memo.get(def.id);
  if (known !== undefined) return known;
  memo.set(def.id, false); // recursion
  const body = def.childForFieldName('body');
  const calls = body ? body.descendantsOfType('call').filter((c): c is Node => c !== null) : [];
  const costly =
    calls.some((call) => isCostlyCall(call, facts)) ||
    (depth < 3 &&
      calls.some((call) => {
        const fn = call.childForFieldName('function');
        const callee = fn?.type === 'identifier' ? topLevelFunction(fn.text, facts) : null;
        return !!callee && !callee.equals(def) && doesCostlyWork(callee, facts, depth + 1);
      }));
  memo.set(def.id, costly);
  return costly;
}

/**
 * The last `def name` at the module's top level, or null. Found where the text spells the name (definitionsNamed), not by
 * reading every top-level statement: that is cheaper per call, and the name is then among the words the lint looked up,
 * on which an incremental lint's carried impacts rest (WordIndex.reads).
 */
export function topLevelFunction(name: string, facts: FileFacts): Node | null {
  const defs = definitionsNamed(facts, 'function_definition', name).filter((def) => {
    const holder = def.parent;
    return holder?.type === 'module' || (holder?.type === 'decorated_definition' && holder.parent?.type === 'module');
  });
  return defs[defs.length - 1] ?? null;
}

/** Methods whose name alone says the receiver is a pandas object (when the file imports pandas). */
const PANDAS_ROW_ITERATORS = new Set(['iterrows', 'itertuples']);
/** Wrappers that iterate their argument(s) element by element. */
const ELEMENT_WRAPPERS = new Set(['enumerate', 'zip', 'reversed']);
/** torch functions that always return a Tensor. */
const TORCH_TENSOR_FUNCTIONS = /^torch\.(tensor|as_tensor|from_numpy|zeros|ones|empty|full|rand|randn|randint|arange|linspace|stack|cat)$/;

/**
 * True when a loop over `iterable` walks the elements or rows of an ndarray, a DataFrame, a Series
 * or a Tensor, as far as the syntax and localTypes show: the array itself, `df.iterrows()`,
 * `df.itertuples()`, `s.items()`, `range(len(a))`, `range(a.shape[0])`, and `enumerate` / `zip` /
 * `reversed` of those. Rules that would rewrite such a loop into a comprehension or a builtin
 * reduction over the same iteration offer no fix there: the whole-array form is the better one.
 */
export function iteratesArrayData(facts: FileFacts, iterable: Node): boolean {
  const types = localTypes(facts);
  if (types.typeOf(iterable)) return true;
  if (iterable.type === 'parenthesized_expression' && iterable.namedChildCount === 1) return iteratesArrayData(facts, iterable.namedChild(0)!);
  if (iterable.type !== 'call') return false;
  const fn = iterable.childForFieldName('function');
  const args = iterable.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (fn?.type === 'attribute') {
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const receiver = fn.childForFieldName('object');
    if (PANDAS_ROW_ITERATORS.has(method) && facts.importsModule('pandas')) return true;
    if ((method === 'items' || method === 'iteritems') && types.isPandas(receiver)) return true;
  }
  const callee = facts.calleeName(iterable);
  if (callee && TORCH_TENSOR_FUNCTIONS.test(callee)) return true;
  if (fn?.type === 'identifier' && ELEMENT_WRAPPERS.has(fn.text) && facts.isBuiltin(fn.text, iterable)) {
    return args.some((a) => iteratesArrayData(facts, a));
  }
  if (fn?.type === 'identifier' && fn.text === 'range' && facts.isBuiltin('range', iterable) && args.length === 1) {
    const sized = sizedBy(args[0]);
    return sized !== null && types.typeOf(sized) !== null;
  }
  return false;
}

/** `len(x)` / `len(x.index)` / `x.shape[0]` → x. */
function sizedBy(bound: Node): Node | null {
  if (bound.type === 'call' && bound.childForFieldName('function')?.text === 'len') {
    const arg = bound.childForFieldName('arguments')?.namedChild(0) ?? null;
    if (arg?.type === 'attribute' && arg.childForFieldName('attribute')?.text === 'index') return arg.childForFieldName('object');
    return arg;
  }
  if (bound.type === 'subscript' && bound.childForFieldName('subscript')?.text === '0') {
    const value = bound.childForFieldName('value');
    if (value?.type === 'attribute' && value.childForFieldName('attribute')?.text === 'shape') return value.childForFieldName('object');
  }
  return null;
}

/** A list built by a loop that only appends to it (see listBuiltByLoop). */
export interface ListLoop {
  /** `out = []`, the statement right before the loop. */
  init: Node;
  list: string;
  /** The appended expression. */
  element: Node;
  /**
   * `df["col"] = out` right after the loop, when the list is read nowhere else afterwards: the list
   * only carries the values into that column.
   */
  store: { statement: Node; target: Node; frame: Node } | null;
}

/**
 * `out = []` / `for ...: out.append(x)` (the append the whole body, `out` named nowhere else in the
 * loop), with the column store that may follow. Null for any other shape. The loop header is the
 * caller's to check.
 */
export function listBuiltByLoop(loop: Node): ListLoop | null {
  if (loop.type !== 'for_statement' || loop.childForFieldName('alternative')) return null;
  const appended = appendIn(loop.childForFieldName('body'));
  if (!appended || occurrences(loop, appended.list).length !== 1) return null;
  const init = emptyListBefore(loop, appended.list);
  return init ? { init, list: appended.list, element: appended.value, store: columnStore(loop, appended.list) } : null;
}

/** A list built by a loop whose body is `if cond: out.append(a)` / `else: out.append(b)`, and nothing else. */
export interface BranchListLoop extends ListLoop {
  condition: Node;
  /** The value appended when the condition is false (`element` is the one appended when true). */
  otherwise: Node;
}

/** `out = []` / `for ...: if c: out.append(a) else: out.append(b)` (no elif), as for listBuiltByLoop. */
export function listBuiltByBranches(loop: Node): BranchListLoop | null {
  if (loop.type !== 'for_statement' || loop.childForFieldName('alternative')) return null;
  const statements = loop.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
  const branch = statements.length === 1 && statements[0].type === 'if_statement' ? statements[0] : null;
  const alternatives = branch?.childrenForFieldName('alternative').filter((c) => c !== null) ?? [];
  if (!branch || alternatives.length !== 1 || alternatives[0]!.type !== 'else_clause') return null;
  const then = appendIn(branch.childForFieldName('consequence'));
  const otherwise = appendIn(alternatives[0]!.childForFieldName('body'));
  if (!then || !otherwise || then.list !== otherwise.list || occurrences(loop, then.list).length !== 2) return null;
  const init = emptyListBefore(loop, then.list);
  if (!init) return null;
  return {
    init,
    list: then.list,
    element: then.value,
    otherwise: otherwise.value,
    condition: branch.childForFieldName('condition')!,
    store: columnStore(loop, then.list),
  };
}

/** The block's one statement `list.append(value)`. */
function appendIn(block: Node | null): { list: string; value: Node } | null {
  const statements = block?.namedChildren.filter((c): c is Node => c !== null) ?? [];
  if (statements.length !== 1 || statements[0].type !== 'expression_statement' || statements[0].namedChildCount !== 1) return null;
  const call = statements[0].namedChild(0)!;
  const fn = call.type === 'call' ? call.childForFieldName('function') : null;
  const list = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
  if (fn?.childForFieldName('attribute')?.text !== 'append' || list?.type !== 'identifier' || args.length !== 1) return null;
  if (args[0].type === 'keyword_argument' || args[0].type === 'list_splat' || args[0].type === 'comment') return null;
  return { list: list.text, value: args[0] };
}

/** `list = []`, the statement right before the loop. */
function emptyListBefore(loop: Node, list: string): Node | null {
  const init = loop.previousNamedSibling;
  const assigned = init?.type === 'expression_statement' && init.namedChildCount === 1 ? init.namedChild(0) : null;
  const value = assigned?.type === 'assignment' ? assigned.childForFieldName('right') : null;
  if (assigned?.childForFieldName('left')?.text !== list || assigned.childForFieldName('type') || value?.type !== 'list' || value.namedChildCount !== 0)
    return null;
  return init;
}

/** `df["col"] = out` right after the loop, `out` unread afterwards. */
function columnStore(loop: Node, list: string): ListLoop['store'] {
  const next = loop.nextNamedSibling;
  const store = next?.type === 'expression_statement' && next.namedChildCount === 1 ? next.namedChild(0) : null;
  const target = store?.type === 'assignment' ? store.childForFieldName('left') : null;
  if (target?.type !== 'subscript' || store!.childForFieldName('right')?.text !== list) return null;
  const keys = target.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  const frame = target.childForFieldName('value');
  if (!frame || keys.length !== 1 || stringLiteralValue(keys[0]) === null || readsAfter(next!, list).length > 0) return null;
  return { statement: next!, target, frame };
}
