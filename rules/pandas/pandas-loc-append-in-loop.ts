import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  callArguments,
  enclosingLoops,
  findDescendants,
  isNestedScope,
  isSmallLiteralLoop,
  isTestCode,
  isTestFile,
  leavesTheLoops,
  loopGrowsWithData,
  loopHeaderText,
  loopRunsOverFewThings,
  positionalArguments,
  scopeOf,
  targetNames,
} from '../../server/analysis';

export default defineRule({
  id: 'pandas-loc-append-in-loop',
  title: 'DataFrame grown one row per pass with `.loc[new_label] = row`',
  category: 'pandas',
  severity: 'warning',
  enabledByDefault: true,
  paysOffAtScale: true,
  confidence: 'medium',
  guide: 'pandas-vectorization#rows-added-one-label-at-a-time',
  requires: ['pandas'],
  message: 'Each `.loc[new_label] = row` in a loop reallocates the frame; collect the rows in a list and build the frame once',
  docs: {
    why:
      'Assigning a row under a label the frame does not have (`df.loc[len(df)] = row`, or a new key each pass onto a frame ' +
      'started as `pd.DataFrame(columns=cols)`) enlarges the frame: pandas builds a new index and new column arrays and copies ' +
      'every row gathered so far into them. In a loop that is one full copy per pass, so the time grows with the square of ' +
      'the number of rows, as `acc = pd.concat([acc, row])` does, and each pass also goes through the slow path of `.loc`.',
    instead:
      'Append each row (a list, tuple or dict) to a Python list and build the frame once after the loop: ' +
      '`pd.DataFrame(rows, columns=cols)`, with `index=keys` for rows that were stored under their own labels. A row per ' +
      'pass onto a frame that already holds those labels (`df.loc[key] = ...` over an index made beforehand) sets existing ' +
      'rows instead, copies nothing, and is not reported.',
    example: {
      before: 'table = pd.DataFrame(columns=["day", "et"])\nfor day in days:\n    table.loc[len(table)] = [day, et(day)]',
      after: 'rows = []\nfor day in days:\n    rows.append([day, et(day)])\ntable = pd.DataFrame(rows, columns=["day", "et"])',
    },
  },
  query: `
(assignment
  left: (subscript
    value: (attribute object: [(identifier) (attribute)] @frame attribute: (identifier) @loc)) @row
  (#eq? @loc "loc")) @update`,
  check(m, ctx) {
    const update = m.need('update');
    const stmt = update.parent;
    if (stmt?.type !== 'expression_statement' || isTestFile(ctx.filePath) || isTestCode(stmt, ctx.facts)) return;
    const loops = enclosingLoops(stmt);
    if (loops.length === 0 || leavesTheLoops(stmt, loops[0])) return;
    const frame = m.need('frame');
    const key = wholeRowKey(m.need('row'));
    if (!key) return;
    // `df.loc[len(df)] = row` always adds a label; any other key only onto a frame started empty, and only when the key
    // changes from pass to pass (a name the loop binds): a fixed key overwrites the same row.
    const atEnd = isLengthOf(key, frame.text);
    if (!atEnd && (!startedEmptyBefore(frame, loops[loops.length - 1], ctx) || !readsLoopName(key, loops[0]))) return;
    // A loop over a few literal values adds a few rows.
    const top = loops[loops.length - 1];
    if (loops.every((l) => isSmallLiteralLoop(l, ctx.facts))) return;
    // The loop spells the frame elsewhere: it rebuilds it (a table per group, bounded there), or reads what it grows
    // (solar-data-tools' Monte Carlo loop takes a running median of `output["deg"]` and stops on `np.diff(running_stats)`;
    // review67 judged the advice wrong there), where rows gathered in a list would not be there to read. As concat-in-loop,
    // such a loop is left alone.
    if (spelledElsewhere(frame, m.need('row'), top)) return;
    ctx.report({
      node: stmt,
      ...rankingOf(loops, ctx),
      message:
        `\`${frame.text}\` grows by one row per pass through \`.loc[${key.text.length <= 30 ? key.text : '...'}] =\`: each new label ` +
        'reallocates the frame and copies its rows (quadratic); collect the rows in a list and build the frame once after the loop',
    });
  },
});

/**
 * The copies add up to the square of the pass count: over rows, lines or files that is what makes the loop slow; over a
 * few sensors or configuration entries it is a few copies (sensortoolkit's deployment table, one row per sensor file).
 * Low impact over a few things, quiet outside hot code where the count is not shown (as concat-in-loop ranks its growth).
 */
function rankingOf(loops: Node[], ctx: RuleContext): { quietOutsideHotCode: boolean; lowImpact?: string; quietReason?: string } {
  const top = loops[loops.length - 1];
  // A loop over data is the repetition itself, wherever it stands: each pass copies every row gathered so far.
  if (loops.some((l) => loopGrowsWithData(l, ctx.facts))) return { quietOutsideHotCode: false };
  if (loops.every((l) => loopRunsOverFewThings(l, ctx.facts))) {
    return {
      quietOutsideHotCode: false,
      lowImpact: `its loop (\`${loopHeaderText(top)}\`) runs over a few items, not over rows, lines or files: the copies stay few`,
    };
  }
  return {
    quietOutsideHotCode: true,
    quietReason: `the code does not show how many passes its loop (\`${loopHeaderText(top)}\`) makes: the copies add up when they are many`,
  };
}

/** The label of `frame.loc[label]` or `frame.loc[label, :]` (a whole row); null for a cell (`frame.loc[i, "col"]`) or a slice. */
function wholeRowKey(row: Node): Node | null {
  const keys = row.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  if (keys.length === 0 || keys.length > 2 || (keys.length === 2 && keys[1].text !== ':')) return null;
  return keys[0].type === 'slice' ? null : keys[0];
}

/** `len(frame)` or `frame.shape[0]`: the label one past the last row of a frame with a default index. */
function isLengthOf(key: Node, frame: string): boolean {
  if (key.type === 'call' && key.childForFieldName('function')?.text === 'len') {
    const args = positionalArguments(key);
    return args.length === 1 && args[0].text === frame;
  }
  const index = key.type === 'subscript' ? key.childrenForFieldName('subscript').filter((k) => k !== null) : [];
  return key.type === 'subscript' && key.childForFieldName('value')?.text === `${frame}.shape` && index.length === 1 && index[0]!.text === '0';
}

/**
 * The frame's one binding in the function (for `self.x`, in the method) comes before `loop` and is an empty DataFrame:
 * `pd.DataFrame()`, `pd.DataFrame(columns=cols)` (a dtype at most; no data, no index whose labels the loop would fill).
 */
function startedEmptyBefore(frame: Node, loop: Node, ctx: RuleContext): boolean {
  const starts = findDescendants(scopeOf(loop), (n) => n.type === 'assignment' && n.childForFieldName('left')?.text === frame.text, isNestedScope);
  if (starts.length !== 1 || starts[0].endIndex > loop.startIndex) return false;
  const value = starts[0].childForFieldName('right');
  if (value?.type !== 'call' || ctx.facts.calleeName(value) !== 'pandas.DataFrame') return false;
  return callArguments(value).every((a) => a.type === 'keyword_argument' && ['columns', 'dtype'].includes(a.childForFieldName('name')?.text ?? ''));
}

/** The key reads a name the loop binds: its target, or a name assigned in its body. */
function readsLoopName(key: Node, loop: Node): boolean {
  const target = loop.childForFieldName('left');
  const bound = new Set(target ? targetNames(target) : []);
  for (const a of findDescendants(loop, (n) => n.type === 'assignment' || n.type === 'augmented_assignment', isNestedScope)) {
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier') bound.add(left.text);
  }
  const names = key.type === 'identifier' ? [key] : key.descendantsOfType('identifier').filter((x): x is Node => x !== null);
  return names.some((id) => bound.has(id.text));
}

/** The loop spells `frame` anywhere besides this store's own `frame.loc[...]` target (a read, another store, a call on it). */
function spelledElsewhere(frame: Node, row: Node, loop: Node): boolean {
  const spelled = findDescendants(loop, (n) => n.type === frame.type && n.text === frame.text, isNestedScope);
  return spelled.some((n) => !(n.startIndex >= row.startIndex && n.endIndex <= row.endIndex));
}
