import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { compiledByNumba, findDescendants, iteratesArrayData, occurrences, readsAfter } from '../../server/analysis';
import { commentLines, indentAt, lineStyle, ownsLines, replaceRange, wrapLine } from '../../server/fixes';

/** `float("-inf")`, `-math.inf`, `float('inf')`, `math.inf`: the sign of the infinity, or null. */
function infinity(node: Node, ctx: RuleContext): '+' | '-' | null {
  let n = node;
  let sign: '+' | '-' = '+';
  if (n.type === 'unary_operator' && n.child(0)?.type === '-') {
    sign = '-';
    n = n.childForFieldName('argument')!;
  }
  if (ctx.facts.qualifiedName(n) === 'math.inf') return sign;
  if (n.type === 'call' && n.childForFieldName('function')?.text === 'float' && ctx.facts.isBuiltin('float', n)) {
    const arg = n.childForFieldName('arguments')?.namedChild(0);
    const m = arg?.type === 'string' ? /^['"]([+-]?)inf(inity)?['"]$/i.exec(arg.text) : null;
    if (m) return (m[1] === '-') !== (sign === '-') ? '-' : '+';
  }
  return null;
}

interface Update {
  kind: 'max' | 'min';
  /** What is compared and kept for the candidate (`s`, `s.score`). */
  candidate: Node;
  /** True for `>=` / `<=`: ties keep the later item (max/min keep the first). */
  inclusive: boolean;
  /** Key form: `if s.score > best.score: best = s`. */
  key: string | null;
}

/** `if s > best: best = s` and its mirrors, with an optional key (`s.score > best.score`). */
function updateOf(stmt: Node, best: string, loopVar: string): Update | null {
  if (stmt.type !== 'if_statement' || stmt.childForFieldName('alternative')) return null;
  const body = stmt.childForFieldName('consequence')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const assign = body.length === 1 && body[0].type === 'expression_statement' ? body[0].namedChild(0) : null;
  if (assign?.type !== 'assignment' || assign.childForFieldName('left')?.text !== best) return null;
  const kept = assign.childForFieldName('right'); // none in `best: float`, an annotation alone
  if (!kept) return null;
  const cond = stmt.childForFieldName('condition');
  if (cond?.type !== 'comparison_operator' || cond.namedChildCount !== 2) return null;
  const op = cond.childForFieldName('operators')?.type ?? '';
  if (!['<', '>', '<=', '>='].includes(op)) return null;
  let [a, b] = [cond.namedChild(0)!, cond.namedChild(1)!];
  let greater = op.startsWith('>');
  const inclusive = op.length === 2;
  // Normalise to `candidate OP current`.
  const mentionsBest = (n: Node) => new RegExp(`\\b${best}\\b`).test(n.text);
  if (mentionsBest(a) && !mentionsBest(b)) {
    [a, b] = [b, a];
    greater = !greater;
  }
  if (mentionsBest(a) || !mentionsBest(b)) return null;
  const kind = greater ? 'max' : 'min';
  if (b.text === best && a.text === kept.text) return { kind, candidate: a, inclusive, key: null };
  // Key form: both sides are the same expression of the item, and the item itself is kept.
  if (kept.text === loopVar) {
    const swapped = a.text.replace(new RegExp(`\\b${loopVar}\\b`, 'g'), best);
    if (swapped === b.text && swapped !== a.text) return { kind, candidate: a, inclusive, key: a.text };
  }
  return null;
}

export default defineRule({
  id: 'manual-min-max-loop',
  title: 'A running max/min loop',
  category: 'loops',
  severity: 'hint',
  quietOutsideHotCode: true,
  savesPerItem: true,
  enabledByDefault: false,
  confidence: 'high',
  guide: 'builtins-and-data-structures',
  message: 'This loop keeps a running maximum or minimum; use `max()` / `min()`',
  docs: {
    why:
      'Tracking the best item by hand runs a comparison and a branch in bytecode for every element. `max()` and ' +
      '`min()` do the same scan in C, accept a `key=` function and a `default=` for empty input, and make the intent obvious.',
    instead: 'Write `best = max(scores)`, `max(items, key=lambda s: s.score)` or `max((s.score for s in items), default=float("-inf"))`.',
    example: { before: 'best = scores[0]\nfor s in scores:\n    if s > best:\n        best = s', after: 'best = max(scores)' },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use max() / min()',
    reason: 'on empty input the loop raises IndexError (or keeps the start value) while max()/min() raise ValueError unless given a default',
  },
  query: `
(
  (expression_statement
    (assignment left: (identifier) @best right: (_) @init)) @initStmt
  .
  (comment)*
  .
  (for_statement
    left: (identifier) @var
    right: (_) @iter
    body: (block (if_statement) @update)) @loop
)`,
  check(m, ctx) {
    const best = m.need('best').text;
    const init = m.need('init');
    const loop = m.need('loop');
    if (compiledByNumba(ctx.facts, loop)) return;
    const iter = m.need('iter');
    const loopVar = m.need('var').text;
    const initStmt = m.need('initStmt');
    const body = loop.childForFieldName('body')!.namedChildren.filter((c) => c?.type !== 'comment');
    if (body.length !== 1 || loop.childForFieldName('alternative')) return;
    const update = updateOf(m.need('update'), best, loopVar);
    if (!update) return;
    if (occurrences(loop, best).length !== 2) return;
    if (findDescendants(loop, (n) => n.type === 'yield' || n.type === 'await' || n.type === 'named_expression').length > 0) return;
    if (!ctx.facts.isBuiltin(update.kind, loop)) return;

    // Start value: the first item (`best = items[0]`) or the matching infinity (then `default=`).
    let defaultText: string | null = null;
    const firstItem = init.type === 'subscript' && init.childForFieldName('value')?.text === iter.text && init.childForFieldName('subscript')?.text === '0';
    if (!firstItem) {
      const inf = infinity(init, ctx);
      if (inf !== (update.kind === 'max' ? '-' : '+')) return;
      defaultText = init.text;
    }
    if (firstItem && update.candidate.text !== loopVar && !update.key) return; // `best = xs[0]` but compares xs[i].score
    const start = loop.startIndex;
    const end = iter.endIndex;
    const message = `\`${best}\` keeps a running ${update.kind === 'max' ? 'maximum' : 'minimum'}; use \`${update.kind}()\``;
    if (
      !ownsLines(ctx.text, initStmt) ||
      !ownsLines(ctx.text, loop) ||
      update.inclusive ||
      loop.parent?.parent?.type === 'class_definition' ||
      iteratesArrayData(ctx.facts, iter)
    ) {
      ctx.report({ start, end, construct: loop, message });
      return;
    }
    const iterText = iter.type === 'expression_list' ? `(${iter.text})` : iter.text;
    let args: string;
    if (update.key) args = `${iterText}, key=lambda ${loopVar}: ${update.key}`;
    else if (update.candidate.text === loopVar) args = iterText;
    else args = `(${update.candidate.text} for ${loopVar} in ${iterText})`;
    if (defaultText) args += `, default=${defaultText}`;
    const indent = indentAt(ctx.text, initStmt.startIndex);
    const comments = commentLines(ctx.facts, initStmt.startIndex, loop.endIndex, indent);
    const replacement = (comments + indent + wrapLine(`${best} = ${update.kind}(${args})`, indent, lineStyle(ctx.facts, ctx.settings.lineLength))).slice(
      indent.length,
    );
    const leaked = readsAfter(loop, loopVar).length > 0;
    ctx.report({
      start,
      end,
      construct: loop,
      message,
      edits: [replaceRange(initStmt.startIndex, loop.endIndex, replacement)],
      reason: leaked ? `\`${loopVar}\` is used after the loop but is no longer set; also, max()/min() raise ValueError on empty input` : undefined,
    });
  },
});
