import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { compiledByNumba, findDescendants, iteratesArrayData, occurrences, readsAfter, targetNames } from '../../server/analysis';
import { bareText, clauseText, commentLines, ensureImport, indentAt, lineStyle, ownsLines, replaceRange, wrapLine } from '../../server/fixes';

function statements(block: Node | null): Node[] {
  return block?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
}

function assignmentOf(stmt: Node | undefined): Node | null {
  const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
  return a && (a.type === 'assignment' || a.type === 'augmented_assignment') ? a : null;
}

/** `counts[key]` → key text, when the subscript is on counts. */
function keyOf(node: Node | null, counts: string): string | null {
  if (node?.type !== 'subscript' || node.childForFieldName('value')?.text !== counts) return null;
  const key = node.childForFieldName('subscript');
  return key ? key.text : null;
}

/** `counts[k] += 1` → k. */
function increment(stmt: Node | undefined, counts: string): string | null {
  const a = assignmentOf(stmt);
  if (a?.type !== 'augmented_assignment' || a.childForFieldName('operator')?.type !== '+=') return null;
  if (a.childForFieldName('right')?.text !== '1') return null;
  return keyOf(a.childForFieldName('left'), counts);
}

/** `counts[k] = <value>` → k, when value's text is one of `values`. */
function store(stmt: Node | undefined, counts: string, values: string[]): string | null {
  const a = assignmentOf(stmt);
  if (a?.type !== 'assignment' || !values.includes(a.childForFieldName('right')?.text ?? '')) return null;
  return keyOf(a.childForFieldName('left'), counts);
}

/** `k in counts` (negated when `not in`). */
function membership(cond: Node | null, counts: string): { key: string; negated: boolean } | null {
  if (cond?.type !== 'comparison_operator' || cond.namedChildCount !== 2) return null;
  const op = cond.childForFieldName('operators');
  if (cond.namedChild(1)?.text !== counts || !op || (op.type !== 'in' && op.type !== 'not in')) return null;
  return { key: cond.namedChild(0)!.text, negated: op.type === 'not in' };
}

/** The key counted by a loop body (its statements), or null when the body is anything else. */
function countedKey(body: Node[], counts: string): string | null {
  if (body.length === 1) {
    const s = body[0];
    // counts[k] = counts.get(k, 0) + 1   /   counts[k] = counts.setdefault(k, 0) + 1
    const a = assignmentOf(s);
    if (a?.type === 'assignment') {
      const key = keyOf(a.childForFieldName('left'), counts);
      const right = a.childForFieldName('right');
      if (key && right?.type === 'binary_operator' && right.childForFieldName('operator')?.type === '+' && right.childForFieldName('right')?.text === '1') {
        const call = right.childForFieldName('left');
        const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
        const args = call?.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
        if (
          fn?.type === 'attribute' &&
          fn.childForFieldName('object')?.text === counts &&
          ['get', 'setdefault'].includes(fn.childForFieldName('attribute')!.text)
        ) {
          if (args.length === 2 && args[0].text === key && args[1].text === '0') return key;
        }
      }
      return null;
    }
    // if k in counts: counts[k] += 1  else: counts[k] = 1   (or the `not in` mirror)
    if (s.type === 'if_statement') {
      const test = membership(s.childForFieldName('condition'), counts);
      const alt = s.childForFieldName('alternative');
      if (!test || alt?.type !== 'else_clause' || s.namedChildren.filter((c) => c?.type === 'elif_clause' || c?.type === 'else_clause').length !== 1)
        return null;
      const yes = statements(s.childForFieldName('consequence'));
      const no = statements(alt.childForFieldName('body'));
      if (yes.length !== 1 || no.length !== 1) return null;
      const [hit, miss] = test.negated ? [no[0], yes[0]] : [yes[0], no[0]];
      const k1 = increment(hit, counts);
      const k2 = store(miss, counts, ['1']);
      return k1 !== null && k1 === test.key && k2 === test.key ? test.key : null;
    }
    return null;
  }
  // if k not in counts: counts[k] = 0  /  counts[k] += 1
  if (body.length === 2 && body[0].type === 'if_statement' && !body[0].childForFieldName('alternative')) {
    const test = membership(body[0].childForFieldName('condition'), counts);
    const init = statements(body[0].childForFieldName('consequence'));
    if (!test?.negated || init.length !== 1) return null;
    const k1 = store(init[0], counts, ['0']);
    const k2 = increment(body[1], counts);
    return k1 === test.key && k2 === test.key ? test.key : null;
  }
  return null;
}

interface Shape {
  clauses: string[];
  names: string[];
  key: string;
  /** The single loop variable when the key is exactly it, with one plain for clause. */
  direct: string | null;
  iterable: string;
  /** The counting statements. */
  body: Node[];
}

function shapeOf(loop: Node, counts: string): Shape | null {
  const clauses: string[] = [];
  const names: string[] = [];
  let node: Node = loop;
  let firstIter = '';
  for (;;) {
    if (node.type === 'for_statement') {
      if (node.childForFieldName('alternative') || node.child(0)?.type === 'async') return null;
      const left = node.childForFieldName('left')!;
      const right = node.childForFieldName('right')!;
      if (findDescendants(left, (n) => n.type === 'attribute' || n.type === 'subscript').length > 0 || left.type === 'attribute' || left.type === 'subscript')
        return null;
      names.push(...targetNames(left));
      if (!firstIter) firstIter = right.text;
      clauses.push(`for ${left.text} in ${clauseText(right)}`);
      const body = statements(node.childForFieldName('body'));
      const key = countedKey(body, counts);
      if (key !== null) {
        const direct = clauses.length === 1 && left.type === 'identifier' && key === left.text ? left.text : null;
        return { clauses, names, key, direct, iterable: right.type === 'expression_list' ? `(${right.text})` : bareText(right), body };
      }
      if (body.length !== 1) return null;
      node = body[0];
    } else if (node.type === 'if_statement') {
      if (node.childForFieldName('alternative')) return null;
      clauses.push(`if ${clauseText(node.childForFieldName('condition')!)}`);
      const body = statements(node.childForFieldName('consequence'));
      const key = countedKey(body, counts);
      if (key !== null) return { clauses, names, key, direct: null, iterable: '', body };
      if (body.length !== 1) return null;
      node = body[0];
    } else {
      return null;
    }
  }
}

function isEmptyDict(init: Node, ctx: RuleContext): boolean {
  if (init.type === 'dictionary') return init.namedChildren.every((c) => c?.type === 'comment');
  if (init.type === 'call') {
    const fn = init.childForFieldName('function');
    return fn?.text === 'dict' && init.childForFieldName('arguments')?.namedChildCount === 0 && ctx.facts.isBuiltin('dict', init);
  }
  return false;
}

export default defineRule({
  id: 'manual-counter-loop',
  title: 'Hand-rolled counting dict',
  category: 'core-python',
  severity: 'info',
  quietOutsideHotCode: true,
  savesPerItem: true,
  enabledByDefault: true,
  confidence: 'high',
  guide: 'builtins-and-data-structures',
  message: 'This loop counts occurrences by hand; `collections.Counter` does it in C',
  docs: {
    why:
      'Counting with `d[k] = d.get(k, 0) + 1` (or an `if k in d` test) runs a lookup, a method call and a store in ' +
      'Python bytecode for every item. `collections.Counter(iterable)` does the same counting in a C helper and ' +
      'also gives `most_common()`, arithmetic between counters and zero for missing keys.',
    instead: 'Build the counts in one call: `counts = Counter(words)`, or `Counter(key(w) for w in words)` when counting a derived key.',
    example: {
      before: 'counts = {}\nfor w in words:\n    counts[w] = counts.get(w, 0) + 1',
      after: 'from collections import Counter\n\ncounts = Counter(words)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use collections.Counter',
    reason: 'the result is a Counter: looking up a missing key now returns 0 instead of raising KeyError, and its repr differs',
  },
  query: `
(
  (expression_statement
    (assignment left: (identifier) @counts right: [(dictionary) (call)] @init)) @initStmt
  .
  (comment)*
  .
  (for_statement) @loop
)`,
  check(m, ctx) {
    const counts = m.need('counts').text;
    const init = m.need('init');
    const initStmt = m.need('initStmt');
    const loop = m.need('loop');
    if (!isEmptyDict(init, ctx) || compiledByNumba(ctx.facts, loop)) return;
    const shape = shapeOf(loop, counts);
    if (!shape) return;
    // counts must appear only as the counting statements' own receiver: not in the key, iterables or filters.
    const inCounting = shape.body.reduce((n, stmt) => n + occurrences(stmt, counts).length, 0);
    const perForm = shape.body.length === 1 && shape.body[0].type !== 'if_statement' ? 2 : 3;
    if (occurrences(loop, counts).length !== inCounting || inCounting !== perForm) return;
    const start = loop.startIndex;
    const end = loop.childForFieldName('right')!.endIndex;
    const message = `\`${counts}\` counts items by hand; use \`collections.Counter\``;
    const overArrayData = iteratesArrayData(ctx.facts, loop.childForFieldName('right')!);
    if (overArrayData || loop.parent?.parent?.type === 'class_definition' || !ownsLines(ctx.text, initStmt) || !ownsLines(ctx.text, loop)) {
      ctx.report({ start, end, construct: loop, message });
      return;
    }
    const counter = ensureImport(ctx.facts, 'collections', 'Counter');
    const arg = shape.direct !== null ? shape.iterable : `${shape.key} ${shape.clauses.join(' ')}`;
    const indent = indentAt(ctx.text, initStmt.startIndex);
    const comments = commentLines(ctx.facts, initStmt.startIndex, loop.endIndex, indent);
    const prefix = ctx.text.slice(initStmt.startIndex, init.startIndex);
    const replacement = (comments + indent + wrapLine(`${prefix}${counter.ref}(${arg})`, indent, lineStyle(ctx.facts, ctx.settings.lineLength))).slice(
      indent.length,
    );
    const leaked = shape.names.filter((n) => readsAfter(loop, n).length > 0);
    ctx.report({
      start,
      end,
      construct: loop,
      message,
      edits: [...counter.edits, replaceRange(initStmt.startIndex, loop.endIndex, replacement)],
      reason: leaked.length ? `the result is a Counter (missing keys give 0), and \`${leaked[0]}\` is used after the loop but is no longer set` : undefined,
    });
  },
});
