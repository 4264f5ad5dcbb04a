import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { andOperands, decoratorCallee, decoratorsOf } from '../../server/analysis';
import { replaceRange } from '../../server/fixes';

/** Managers whose silent loss changes what the block computes or costs, and what the block then runs without. */
const WHAT_IS_LOST: [RegExp, string][] = [
  [/(^|\.)autocast$/, 'the block runs without mixed precision'],
  [/(^|\.)(no_grad|inference_mode)$/, 'the block records gradients'],
];

export default defineRule({
  id: 'with-items-joined-by-and',
  title: 'Context managers joined with `and` in a `with` statement: only the last one is entered',
  category: 'resources',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'context-managers#combining-context-managers',
  message: '`and` between context managers enters only the last one; separate them with a comma',
  docs: {
    why:
      '`with a() and b():` is one `with` item: the expression `a() and b()`, whose value is `b()` whenever `a()` is truthy, as ' +
      'manager objects are. Only that value is entered; `a()` is made and dropped, its `__enter__` and `__exit__` never run. ' +
      'Written `with torch.cuda.amp.autocast() and torch.no_grad():`, the block runs in full precision: slower, and with ' +
      'more GPU memory than the author meant. Written the other way round, gradients are recorded for a block meant not to. ' +
      'Python raises nothing either way. Only items whose every operand is a call (a manager made there) are reported; one ' +
      'whose lost managers are already in force around the block (the enclosing function decorated with `@torch.no_grad()`, ' +
      'an outer `with`) is ranked low, as losing them there changes nothing.',
    instead: 'Separate the managers with commas: `with torch.autocast("cuda"), torch.no_grad():` enters both, left to right.',
    example: {
      before: 'with torch.cuda.amp.autocast() and torch.no_grad():\n    out = model(x)',
      after: 'with torch.cuda.amp.autocast(), torch.no_grad():\n    out = model(x)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Enter every manager (replace `and` with a comma)',
    reason:
      'the managers that were never entered start working: an `autocast` casts the block to lower precision, a `no_grad` stops recording gradients, so the block may compute other numbers',
  },
  // The bug is where it is written: a block that loses its manager does so in a test or a script too.
  mattersAnywhere: true,
  query: `
(with_item value: (boolean_operator operator: "and") @joined)
(with_item value: (as_pattern . (boolean_operator operator: "and") @joined))`,
  check(m, ctx) {
    const joined = m.need('joined');
    const operands = andOperands(joined);
    // A parenthesised operand (`a() and (b() or c())`) or any other expression: not a list of managers.
    if (operands.some((o) => o.type !== 'call')) return;
    const dropped = operands.slice(0, -1);
    const names = dropped.map(spelled);
    // A manager already in force around the block (`@torch.no_grad()` on the enclosing method, an outer `with`): dropping
    // it here changes nothing (review54: stable-audio-tools' `on_train_batch_end`, judged wrong when told it recorded gradients).
    const inForce = dropped.filter((o) => alreadyInForce(o, joined));
    const lost = dropped
      .filter((o) => !inForce.includes(o))
      .flatMap((o) => WHAT_IS_LOST.filter(([callee]) => callee.test(calleeText(o))).map(([, what]) => what));
    const last = spelled(operands[operands.length - 1]);
    const consequence = lost.length > 0 ? ` (${[...new Set(lost)].join('; ')})` : '';
    ctx.report({
      node: joined,
      message: `\`and\` makes this one \`with\` item whose value is ${last}: ${names.join(' and ')} ${dropped.length > 1 ? 'are' : 'is'} never entered${consequence}; separate the managers with commas`,
      edits: commaEdits(joined, operands, ctx.text) ?? undefined,
      ...(inForce.length === dropped.length
        ? {
            lowImpact: `${inForce.map(spelled).join(' and ')} ${inForce.length > 1 ? 'are' : 'is'} already in force around this block, so losing ${inForce.length > 1 ? 'them' : 'it'} here changes nothing`,
          }
        : {}),
    });
  },
});

/**
 * The same manager (by its callee's last name: `no_grad`, `autocast`) is a decorator of an enclosing function or an item
 * of an enclosing `with`: it is in force around the block whatever this item enters.
 */
function alreadyInForce(manager: Node, joined: Node): boolean {
  const name = lastName(calleeText(manager));
  for (let n = joined.parent; n; n = n.parent) {
    // The item's own statement counts too: its other items are entered (its `and` item is no call, so never among them).
    if (n.type === 'with_statement' && withNames(n).has(name)) return true;
    const defines = n.type === 'function_definition' || n.type === 'class_definition';
    if (defines && decoratorsOf(n).some((d) => lastName(decoratorCallee(d).text.replace(/\s+/g, '')) === name)) return true;
  }
  return false;
}

/** The callee last names of a `with` statement's own items (`torch.no_grad()` gives `no_grad`). */
function withNames(statement: Node): Set<string> {
  const names = new Set<string>();
  const clause = statement.namedChildren.find((c) => c?.type === 'with_clause');
  for (const item of clause?.namedChildren ?? []) {
    const value = item?.childForFieldName('value');
    const call = value?.type === 'as_pattern' ? value.namedChild(0) : value;
    if (call?.type === 'call') names.add(lastName(calleeText(call)));
  }
  return names;
}

function lastName(callee: string): string {
  return callee.slice(callee.lastIndexOf('.') + 1);
}

/** A manager as the message quotes it: the call itself when short (`open(src)`), else its callee (`torch.cuda.amp.autocast()`). */
function spelled(call: Node): string {
  const text = call.text.replace(/\s+/g, ' ');
  return `\`${text.length <= 40 ? text : `${calleeText(call)}()`}\``;
}

function calleeText(call: Node): string {
  return call.childForFieldName('function')?.text.replace(/\s+/g, '') ?? call.text;
}

/**
 * Each `and` between two operands replaced by `, `. None when the item is inside parentheses (`with (a() and b()):`
 * becomes a parenthesised item list only on Python 3.10+) or when a comment or a line break sits between operands.
 */
function commaEdits(joined: Node, operands: Node[], text: string) {
  let clause = joined.parent;
  while (clause && clause.type !== 'with_clause') clause = clause.parent;
  if (!clause || clause.child(0)?.type === '(') return null;
  const edits = [];
  for (let i = 1; i < operands.length; i++) {
    const between = text.slice(operands[i - 1].endIndex, operands[i].startIndex);
    if (!/^\s*and\s*$/.test(between) || between.includes('\n')) return null;
    edits.push(replaceRange(operands[i - 1].endIndex, operands[i].startIndex, ', '));
  }
  return edits;
}
