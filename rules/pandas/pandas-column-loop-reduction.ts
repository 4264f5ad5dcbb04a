import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { findDescendants, isNestedScope, isTestCode, values } from '../../server/analysis';

/**
 * Reductions that skip missing values on a frame as on a column: after a per-column `dropna()` they still give the same
 * numbers on the whole frame (`df[c].dropna().mean()` is `df.mean()[c]`). `df.dropna()` itself drops every row with a
 * missing value in any column, so it is never suggested, nor are row-wise methods after it (`cumsum`, `iloc`, `diff`).
 */
const SKIPNA_REDUCTIONS = new Set([
  'mean',
  'std',
  'var',
  'sum',
  'min',
  'max',
  'median',
  'prod',
  'skew',
  'kurt',
  'quantile',
  'count',
  'nunique',
  'idxmax',
  'idxmin',
]);
/** Series methods whose DataFrame form runs the same computation on every column in one call: the reductions and the row-wise ones. */
const COLUMN_METHODS = new Set([...SKIPNA_REDUCTIONS, 'cummax', 'cummin', 'cumsum', 'cumprod', 'pct_change', 'diff', 'shift']);
/** Methods only pandas objects have: proof enough that `frame.columns` is a pandas frame's when the value layer cannot tell. */
const PANDAS_ONLY = new Set(['cummax', 'cummin', 'pct_change', 'iloc', 'idxmax', 'idxmin', 'kurt']);

export default defineRule({
  id: 'pandas-column-loop-reduction',
  title: 'A loop over `df.columns` runs the same Series methods on each column',
  category: 'pandas',
  severity: 'hint',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pandas-vectorization',
  requires: ['pandas'],
  message: 'This loop runs the same Series methods on one column at a time; the DataFrame methods compute every column in one call',
  docs: {
    why:
      "Each pass of `for col in df.columns:` selects a column and calls Series methods on it, paying pandas' per-call " +
      'overhead (tens of microseconds) once per column and method. With many columns (simulation paths, assets, features) that ' +
      'overhead dominates; the same methods on the DataFrame (`df.pct_change().std()`, `df.cummax()`, `df.iloc[-1]`) run ' +
      'over all columns in compiled code and return one value per column.',
    instead:
      'Call the methods on the whole frame and read the per-column results as a Series: ' +
      '`(df + 1).cummax()`, `df.pct_change().mean()`, `df.iloc[-1]`. Reported as a hint: the number of columns is not known ' +
      'from the code, and with a handful of columns the loop costs little. Loops that write columns back, or whose columns ' +
      'feed something other than Series methods, are not flagged.',
    example: {
      before:
        'def path_stats(paths: pd.DataFrame):\n    out = []\n    for col in paths.columns:\n        out.append(paths[col].pct_change().std())\n    return out',
      after: 'def path_stats(paths: pd.DataFrame):\n    return paths.pct_change().std().tolist()',
    },
  },
  query: `
(for_statement
  left: (identifier) @col
  right: (attribute object: (_) @frame attribute: (identifier) @attr)
  body: (block) @body
  (#eq? @attr "columns")) @loop`,
  check(m, ctx) {
    const facts = ctx.facts;
    const loop = m.need('loop');
    if (isTestCode(loop, facts)) return;
    const frame = m.need('frame');
    const kind = values(facts).valueOf(frame)?.kind;
    if (kind && kind !== 'dataframe') return;
    const body = m.need('body');
    const col = m.need('col').text;
    const reads = columnReads(body, frame.text, col);
    if (reads.length === 0 || writesColumns(reads)) return;
    // Only some columns get the methods (by dtype, by metadata): the frame methods would also run on the others, and
    // there is no one call for the loop's subset of columns to name here.
    if (reads.some((r) => onlyForSomeColumns(r, body))) return;
    const called = methodsCalled(body, reads, derivedNames(body, reads));
    // A row-wise method on a column after its own `dropna()` (`df[c].dropna().iloc[-1]`) reads other rows than the
    // frame's method would.
    if (!called) return;
    const used = [...called.methods];
    if (used.length === 0 || (!kind && !used.some((x) => PANDAS_ONLY.has(x)))) return;
    if (!collectsPerColumn(body, col)) return;
    const shown = frame.text.length <= 30 ? frame.text : 'the frame';
    ctx.report({
      node: m.need('frame').parent!,
      message:
        `This loop runs Series methods (${used
          .slice(0, 3)
          .map((x) => `\`${x}\``)
          .join(', ')}) on one column of \`${shown}\` at a time; ` +
        `the DataFrame methods${exampleCall(shown, used, called.ilocKeys)} compute every column in one call: worth it with many columns`,
    });
  },
});

/** `frame[col]` reads in the body. */
function columnReads(body: Node, frame: string, col: string): Node[] {
  return findDescendants(body, (n) => n.type === 'subscript', isNestedScope).filter((s) => {
    const keys = s.childrenForFieldName('subscript').filter((k) => k !== null && k.type !== 'comment');
    return s.childForFieldName('value')?.text === frame && keys.length === 1 && keys[0]!.type === 'identifier' && keys[0]!.text === col;
  });
}

/** A read is an assignment target (`df[col] = ...`, `df[col] += ...`): the loop transforms columns in place. */
function writesColumns(reads: Node[]): boolean {
  return reads.some((r) => (r.parent?.type === 'assignment' || r.parent?.type === 'augmented_assignment') && r.parent.childForFieldName('left')?.equals(r));
}

/**
 * How a value derives from the column: `column` (the column itself, arithmetic on it, or a chain of the frame-wide
 * methods), `dropped` (the same after the column's own `dropna()`), or `none`. A chain through any other method
 * (`df[c].astype(str).nunique()`, `df[c].fillna(0).mean()`) is `none`: the frame method the message names would run
 * on the raw columns, not on what the loop computed.
 */
type Chain = 'column' | 'dropped' | 'none';

/**
 * Local names that hold the column or something computed from it by arithmetic and method chains (`path = df[col]`,
 * `cumulative = path + 1`, `peak = cumulative.cummax()`); not the result of a function it is handed to
 * (`mp = stumpy.stump(df[col], m)` is that function's array).
 */
function derivedNames(body: Node, reads: Node[]): Map<string, Chain> {
  const names = new Map<string, Chain>();
  const assignments = findDescendants(body, (n) => n.type === 'assignment', isNestedScope);
  for (let pass = 0; pass < 4; pass++) {
    const before = names.size;
    for (const a of assignments) {
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      const chain = left?.type === 'identifier' && right ? derived(right, reads, names) : 'none';
      if (chain !== 'none') names.set(left!.text, chain);
    }
    if (names.size === before) break;
  }
  // A name the body also binds to something else (`series = df[c]` then `series = series.loc[series.first_valid_index():]`,
  // etna's per-segment trim) holds that value from there on: what the loop computes is no longer the frame's column, and
  // the frame method would run on the untrimmed columns. Blind review39 judged such a finding wrong.
  for (const a of assignments) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right && derived(right, reads, names) === 'none') names.delete(left.text);
  }
  return names;
}

/** The strongest of two chains: `dropped` wins, then `column`. */
function join(a: Chain, b: Chain): Chain {
  return a === 'dropped' || b === 'dropped' ? 'dropped' : a === 'column' || b === 'column' ? 'column' : 'none';
}

/** `expr` is the column, a derived name, or arithmetic, a frame-wide method chain or `.iloc[...]` on one of them. */
function derived(expr: Node, reads: Node[], names: Map<string, Chain>): Chain {
  switch (expr.type) {
    case 'identifier':
      return names.get(expr.text) ?? 'none';
    case 'subscript': {
      if (reads.some((r) => r.equals(expr))) return 'column';
      const value = expr.childForFieldName('value');
      return value?.type === 'attribute' && value.childForFieldName('attribute')?.text === 'iloc'
        ? derived(value.childForFieldName('object')!, reads, names)
        : 'none';
    }
    case 'parenthesized_expression':
    case 'binary_operator':
    case 'unary_operator':
      return expr.namedChildren.reduce<Chain>((acc, c) => (c === null ? acc : join(acc, derived(c, reads, names))), 'none');
    case 'call': {
      const fn = expr.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (!method || !(COLUMN_METHODS.has(method) || method === 'dropna')) return 'none';
      const inner = derived(fn!.childForFieldName('object')!, reads, names);
      return method === 'dropna' && inner !== 'none' ? 'dropped' : inner;
    }
    default:
      return 'none';
  }
}

/**
 * The frame-wide methods called (and `.iloc[...]` read) on the column or values derived from it, with the keys `iloc`
 * is read at; null when a row-wise one runs after the column's own `dropna()`.
 */
function methodsCalled(body: Node, reads: Node[], names: Map<string, Chain>): { methods: Set<string>; ilocKeys: Set<string> } | null {
  const methods = new Set<string>();
  const ilocKeys = new Set<string>();
  for (const a of findDescendants(body, (n) => n.type === 'attribute', isNestedScope)) {
    const name = a.childForFieldName('attribute')?.text;
    const object = a.childForFieldName('object');
    if (!name || !object) continue;
    const chain = derived(object, reads, names);
    if (chain === 'none') continue;
    const isIloc = name === 'iloc' && a.parent?.type === 'subscript';
    if (!isIloc && !(a.parent?.type === 'call' && a.parent.childForFieldName('function')?.equals(a) && COLUMN_METHODS.has(name))) continue;
    if (chain === 'dropped' && !SKIPNA_REDUCTIONS.has(name)) return null;
    methods.add(name);
    if (isIloc) ilocKeys.add(a.parent!.childrenForFieldName('subscript').find((k) => k !== null && k.type !== 'comment')?.text ?? '');
  }
  return { methods, ilocKeys };
}

/**
 * The frame call shown as the example: the first method that is not `shift` (a frame's shift moves rows of every
 * column, which reads as something else), or `.iloc` at the key the loop reads (`iloc[0]` stays `iloc[0]`); none when
 * the loop reads `iloc` at several keys and calls nothing else.
 */
function exampleCall(shown: string, used: string[], ilocKeys: Set<string>): string {
  const ilocShown = ilocKeys.size === 1 ? [...ilocKeys][0] : undefined;
  const example = used.find((x) => x !== 'shift' && (x !== 'iloc' || ilocShown)) ?? used.find((x) => x !== 'iloc');
  if (!example) return '';
  return ` (\`${shown}.${example === 'iloc' ? `iloc[${ilocShown}]` : `${example}()`}\`)`;
}

/** The loop collects one result per column: `values.append(...)`, or `out[col] = ...`. */
function collectsPerColumn(body: Node, col: string): boolean {
  return findDescendants(body, (n) => n.type === 'call' || n.type === 'assignment', isNestedScope).some((n) => {
    if (n.type === 'call') return n.childForFieldName('function')?.childForFieldName('attribute')?.text === 'append';
    const left = n.childForFieldName('left');
    const key = left?.type === 'subscript' ? left.childrenForFieldName('subscript')[0] : null;
    return key?.type === 'identifier' && key.text === col;
  });
}

/**
 * The read runs for some columns only: inside a branch of an `if` (or a conditional expression) in the loop body, or
 * after an `if ...: continue` / `break` that skips the rest of the body for some columns.
 */
function onlyForSomeColumns(read: Node, body: Node): boolean {
  let statement: Node = read;
  for (let n: Node | null = read; n && !n.equals(body); statement = n, n = n.parent) {
    const p: Node | null = n.parent;
    if (p?.type === 'if_statement' && !p.childForFieldName('condition')?.equals(n)) return true;
    if (p?.type === 'elif_clause' || p?.type === 'else_clause') return true;
    if (p?.type === 'conditional_expression' && !p.namedChildren[1]?.equals(n)) return true;
  }
  // A statement of the body before the read's that may skip it.
  return body.namedChildren.some(
    (stmt) =>
      stmt !== null &&
      stmt.endIndex <= statement.startIndex &&
      !isLoop(stmt) &&
      findDescendants(
        stmt,
        (n) => n.type === 'continue_statement' || n.type === 'break_statement',
        (n) => isNestedScope(n) || isLoop(n),
      ).length > 0,
  );
}

function isLoop(n: Node): boolean {
  return n.type === 'for_statement' || n.type === 'while_statement';
}
