import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { findDescendants, isNestedScope, isTestCode, values } from '../../server/analysis';

/** Series methods whose DataFrame form runs the same computation on every column in one call. */
const COLUMN_METHODS = new Set([
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
  'cummax',
  'cummin',
  'cumsum',
  'cumprod',
  'pct_change',
  'diff',
  'shift',
  'dropna',
]);
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
    const methods = methodsCalled(body, reads, derivedNames(body, reads));
    const used = [...methods].filter((x) => COLUMN_METHODS.has(x) || x === 'iloc');
    if (used.length === 0 || (!kind && !used.some((x) => PANDAS_ONLY.has(x)))) return;
    if (!collectsPerColumn(body, col)) return;
    const shown = frame.text.length <= 30 ? frame.text : 'the frame';
    // `dropna` and `shift` act on rows of a frame (a row with one missing value is dropped from every column): not shown as the example.
    const example = used.find((x) => x !== 'dropna' && x !== 'shift') ?? used[0];
    ctx.report({
      node: m.need('frame').parent!,
      message:
        `This loop runs Series methods (${used
          .slice(0, 3)
          .map((x) => `\`${x}\``)
          .join(', ')}) on one column of \`${shown}\` at a time; ` +
        `the DataFrame methods (\`${shown}.${example === 'iloc' ? 'iloc[-1]' : `${example}()`}\`) compute every column in one call: worth it with many columns`,
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
 * Local names that hold the column or something computed from it by arithmetic and method chains (`path = df[col]`,
 * `cumulative = path + 1`, `peak = cumulative.cummax()`); not the result of a function it is handed to
 * (`mp = stumpy.stump(df[col], m)` is that function's array).
 */
function derivedNames(body: Node, reads: Node[]): Set<string> {
  const names = new Set<string>();
  const assignments = findDescendants(body, (n) => n.type === 'assignment', isNestedScope);
  for (let pass = 0; pass < 4; pass++) {
    const before = names.size;
    for (const a of assignments) {
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (left?.type === 'identifier' && right && derived(right, reads, names)) names.add(left.text);
    }
    if (names.size === before) break;
  }
  return names;
}

/** `expr` is the column, a derived name, or arithmetic, a method chain or `.iloc[...]` on one of them. */
function derived(expr: Node, reads: Node[], names: Set<string>): boolean {
  switch (expr.type) {
    case 'identifier':
      return names.has(expr.text);
    case 'subscript': {
      if (reads.some((r) => r.equals(expr))) return true;
      const value = expr.childForFieldName('value');
      return value?.type === 'attribute' && value.childForFieldName('attribute')?.text === 'iloc' && derived(value.childForFieldName('object')!, reads, names);
    }
    case 'parenthesized_expression':
    case 'binary_operator':
    case 'unary_operator':
      return expr.namedChildren.some((c) => c !== null && derived(c, reads, names));
    case 'call': {
      const fn = expr.childForFieldName('function');
      return fn?.type === 'attribute' && derived(fn.childForFieldName('object')!, reads, names);
    }
    default:
      return false;
  }
}

/** Method names called (and `.iloc[...]` read) on the column or values derived from it. */
function methodsCalled(body: Node, reads: Node[], names: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const a of findDescendants(body, (n) => n.type === 'attribute', isNestedScope)) {
    const name = a.childForFieldName('attribute')?.text;
    const object = a.childForFieldName('object');
    if (!name || !object) continue;
    const onColumn = derived(object, reads, names);
    if (!onColumn) continue;
    if (name === 'iloc' && a.parent?.type === 'subscript') out.add(name);
    else if (a.parent?.type === 'call' && a.parent.childForFieldName('function')?.equals(a)) out.add(name);
  }
  return out;
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
