import { defineRule, GENERIC_LOOP_RULES, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  enclosingLoops,
  findDescendants,
  inTestFunction,
  insideNumbaFunction,
  isTestFile,
  isNestedScope,
  isPureReference,
  listBuiltByLoop,
  scopeBody,
  stringLiteralValue,
  usedAfter,
  knownNotPandas,
  values,
  vectorizeArithmetic,
} from '../../server/analysis';
import { hasCommentBetween, replaceNode, rewriteListLoop } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

const ACCESSORS = new Set(['loc', 'iloc', 'at', 'iat']);

const LABEL_REASON =
  '`.loc[i]` / `.at[i]` read index labels: on an index other than 0..len-1 the loop raised KeyError or read the rows in ' +
  'another order; categorical columns raise only in the column form, None in an object column only in the loop';
const LABEL_LIST_REASON = `${LABEL_REASON}; and \`.tolist()\` holds Python scalars where the loop collected NumPy scalars`;

export default defineRule({
  id: 'pandas-row-loop-indexing',
  title: '`for i in range(len(df))` with `.loc`, `.iloc` or `.at` per row',
  category: 'pandas',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pandas-vectorization',
  requires: ['pandas'],
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
      'default RangeIndex.',
    example: {
      before: 'for i in range(len(df)):\n    df.loc[i, "c"] = df.loc[i, "a"] + df.loc[i, "b"]',
      after: 'df["c"] = df["a"] + df["b"]',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Compute the column in one step',
    reason:
      '`.loc[i]` / `.at[i]` use index labels: the loop only matches whole columns when the index is 0..len-1; a column ' +
      'created row by row also starts as float with NaN, so its dtype can differ (int and bool results came out float64 and ' +
      'object); on an empty frame the loop never creates the column; categorical columns raise only in the column form, ' +
      'None in an object column only in the loop',
    forms: [
      {
        safety: 'unsafe',
        when: 'when the loop only appends arithmetic of `.at[i, "col"]` / `.loc[i, "col"]` cells to a new list (rewritten to whole-column arithmetic)',
        reason: LABEL_REASON,
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
  (#eq? @index "index")) @loop`,
  check(m, ctx) {
    const loop = m.need('loop');
    const i = m.need('i').text;
    if (insideNumbaFunction(ctx.facts, loop)) return;
    const rows = rowsLooped(m, ctx);
    if (!rows) return;
    const { frame: sized, plain } = rows;
    const layer = values(ctx.facts);
    const accesses = findDescendants(m.need('body'), (n) => n.type === 'subscript' && rowAccess(n, i) !== null, isNestedScope);
    // The loop runs over the rows of the frame it indexes (`range(len(df))`, `df.index`), or of one of its columns (`df["c"].iloc[i]`).
    const hits = accesses.filter((a) => {
      const frame = rowAccess(a, i)!.frame;
      return (frame.text === sized || columnOf(frame) === sized) && !knownNotPandas(layer.valueOf(frame));
    });
    if (hits.length === 0) return;
    // A search that stops at the first match (`break`, `return`) is not a pass over every row; in a test, one over a
    // frame built just before from a few literal rows (a fixture) costs nothing.
    if (exitsEarly(loop) || ((isTestFile(ctx.filePath) || inTestFunction(loop)) && tinyLiteralFrame(sized, loop, ctx))) return;
    // Over `df.index`, reading a row per label is how small lookup tables are walked: only writes (`df.loc[i, "c"] = ...`) count.
    if (m.get('owner') && !hits.some(isAssigned)) return;
    // The wider forms (a reversed or offset range, a label loop, column cells) often carry per-row decision logic
    // (early exits, long bodies) that has no whole-column form: they speak only on short, straight loop bodies.
    const plainFrameAccess = rows.plain && hits.some((h) => rowAccess(h, i)!.frame.text === sized);
    if (!plainFrameAccess && !straightBody(m.need('body'))) return;
    const { frame: frameNode, accessor } = rowAccess(hits[0], i)!;
    const frame = frameNode.text;
    const keyCount = hits[0].childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment').length;
    const shown = `${frame}.${accessor}[${i}${keyCount > 1 ? ', ...' : ''}]`;
    const kind = layer.valueOf(frameNode)?.kind;
    const whole =
      kind === 'dataframe' || keyCount > 1
        ? `whole columns of \`${frame}\``
        : kind === 'series' || columnOf(frameNode) !== null
          ? `the whole Series \`${frame}\``
          : `\`${frame}\` as a whole`;
    const message = `The loop indexes \`${shown}\` row by row; operate on ${whole} instead`;
    // The fixes rewrite `range(len(df))` loops: a reversed or offset range, or a loop over labels, is reported without one.
    if (!plain) {
      ctx.report({ node: loop, message });
      return;
    }
    const listed = listFix(loop, i, sized, ctx);
    if (listed) {
      ctx.report({ node: loop, message, edits: listed.edits, fixTitle: listed.title, reason: listed.reason });
      return;
    }
    ctx.report({ node: loop, message, edits: columnFix(loop, m.need('body'), i, ctx) ?? undefined });
  },
});

/**
 * The frame whose rows the loop visits, and whether it is the plain `range(len(df))` form the fixes
 * handle: `range(len(df))`, `range(df.shape[0])`, `range(1, len(df))`, `range(len(df) - 1, -1, -1)`,
 * `reversed(range(len(df)))`, `for i in df.index`.
 */
function rowsLooped(m: { get(name: string): Node | undefined }, ctx: RuleContext): { frame: string; plain: boolean } | null {
  const loop = m.get('loop')!;
  const owner = m.get('owner');
  if (owner) {
    // `for i in df.index`: labels, so `.loc[i]` / `.at[i]` are exact; only a known DataFrame or Series counts.
    const kind = values(ctx.facts).valueOf(owner)?.kind;
    return kind === 'dataframe' || kind === 'series' ? { frame: owner.text, plain: false } : null;
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
    return frame ? { frame, plain: true } : null;
  }
  // `range(start, len(df))`: rows from a small literal start onwards.
  if (args.length === 2 && /^\d$/.test(args[0].text)) {
    const frame = boundFrame(args[1]);
    return frame ? { frame, plain: false } : null;
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

/** `len(df)` as the bound of a pass the fixes leave alone. */
function framePass(bound: Node): { frame: string; plain: boolean } | null {
  const frame = boundFrame(bound);
  return frame ? { frame, plain: false } : null;
}

function argumentsOf(list: Node): Node[] {
  return list.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** At most a few statements, none of them `break`, `continue`, `return` or `raise`. */
function straightBody(body: Node): boolean {
  const statements = findDescendants(body, (n) => n.parent?.type === 'block' && n.type !== 'comment');
  return statements.length <= 6 && !statements.some((n) => /^(break|continue|return|raise)_statement$/.test(n.type));
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

/** `df.loc[i, ...]`, `df.iloc[i]`, `df.at[i, "c"]`, `df["c"].iloc[i]` → the frame (or column) and accessor. */
function rowAccess(n: Node, i: string): { frame: Node; accessor: string } | null {
  const value = n.childForFieldName('value');
  const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  if (value?.type !== 'attribute' || keys.length === 0 || keys[0]!.text !== i) return null;
  const accessor = value.childForFieldName('attribute')?.text ?? '';
  const frame = value.childForFieldName('object');
  if (!ACCESSORS.has(accessor) || !frame) return null;
  // `Y.at[i, j].set(v)`: JAX's functional update, not pandas' `.at`.
  if (n.parent?.type === 'attribute' && n.parent.childForFieldName('object')?.equals(n)) return null;
  if (frame.type !== 'identifier' && frame.type !== 'attribute' && columnOf(frame) === null) return null;
  return { frame, accessor };
}

/**
 * `for i in range(len(df)): df.loc[i, "c"] = df.loc[i, "a"] + 1` → `df["c"] = df["a"] + 1`, for a
 * single assignment whose every term is `df.loc[i, "col"]` / `df.at[i, "col"]` or a number.
 */
function columnFix(loop: Node, body: Node, i: string, ctx: { facts: Parameters<typeof values>[0] }): ReturnType<typeof replaceNode>[] | null {
  if (loop.childForFieldName('alternative') || hasCommentBetween(ctx.facts, loop.startIndex, loop.endIndex)) return null;
  const statements = body.namedChildren.filter((c): c is Node => c !== null);
  if (statements.length !== 1 || statements[0].type !== 'expression_statement') return null;
  const assign = statements[0].namedChild(0);
  if (assign?.type !== 'assignment') return null;
  const left = assign.childForFieldName('left');
  const right = assign.childForFieldName('right');
  if (!left || !right || left.type !== 'subscript') return null;
  const target = labelCell(left, i);
  if (!target || !isPureReference(target.frame)) return null;
  const frame = target.frame.text;
  const expr = cellsToColumns(right, i, frame);
  if (expr === null) return null;
  if (usedAfter(scopeBody(loop), i, loop.endIndex, loop)) return null;
  return [replaceNode(loop, `${frame}[${target.key}] = ${expr}`)];
}

/**
 * `out = []; for i in range(len(df)): out.append(<arithmetic of df.at[i, "col"] / df.loc[i, "col"]>)`
 * (then `df["c"] = out`, or the list kept) → the whole-column expression. The differences
 * test/unit/rowLoopEquivalence.test.ts measured against pandas are in the reasons.
 */
function listFix(loop: Node, i: string, frame: string, ctx: RuleContext): { edits: TextEdit[]; title: string; reason: string } | null {
  if (loop.parent?.parent?.type === 'class_definition' || usedAfter(scopeBody(loop), i, loop.endIndex, loop)) return null;
  const shape = listBuiltByLoop(loop);
  const expr = shape ? cellsToColumns(shape.element, i, frame) : null;
  const rewrite = shape && expr ? rewriteListLoop(ctx.text, ctx.facts, loop, shape, expr, frame) : null;
  if (!rewrite) return null;
  return rewrite.kind === 'column'
    ? { edits: rewrite.edits, title: 'Compute the column with whole-column arithmetic', reason: LABEL_REASON }
    : { edits: rewrite.edits, title: 'Build the list with whole-column arithmetic', reason: LABEL_LIST_REASON };
}

/** The arithmetic of `frame.loc[i, "col"]` / `frame.at[i, "col"]` cells and numbers, on whole columns. */
function cellsToColumns(expr: Node, i: string, frame: string): string | null {
  return vectorizeArithmetic(expr, (n) => {
    const cell = n.type === 'subscript' ? labelCell(n, i) : null;
    return cell && cell.frame.text === frame ? `${frame}[${cell.key}]` : null;
  });
}

/** `df.loc[i, "c"]` / `df.at[i, "c"]` → frame and the column key text. */
function labelCell(n: Node, i: string): { frame: Node; key: string } | null {
  const access = rowAccess(n, i);
  const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  if (!access || (access.accessor !== 'loc' && access.accessor !== 'at') || keys.length !== 2) return null;
  if (stringLiteralValue(keys[1]) === null) return null;
  return { frame: access.frame, key: keys[1]!.text };
}
