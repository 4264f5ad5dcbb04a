import { defineRule } from '../../server/engine/rule';
import { replaceRange } from '../../server/engine/fixes';

const REDUCERS = ['sum', 'min', 'max', 'any', 'all', 'set', 'tuple', 'frozenset', 'dict'];
/** These stop early, so with a lazy argument later elements may never be evaluated. */
const SHORT_CIRCUIT = new Set(['any', 'all']);

export default defineRule({
  id: 'reduction-over-list-comprehension',
  title: 'List comprehension passed to a reducing built-in',
  category: 'generators',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'generators-and-iterators',
  message: 'A list is built only to be consumed once; pass a generator expression instead',
  docs: {
    why:
      'The square brackets build the whole list in memory before the built-in sees its first item. ' +
      '`sum`, `min`, `max`, `set`, `tuple` and friends consume any iterable, so the list is pure overhead; ' +
      '`any` and `all` also lose their early exit, because every element is computed first.',
    instead: 'Drop the brackets: `sum(x * x for x in data)`. `str.join`, `sorted` and `list` are not flagged, since they materialise a list anyway.',
    example: { before: 'total = sum([x * x for x in data])', after: 'total = sum(x * x for x in data)' },
  },
  fix: {
    safety: 'safe',
    title: 'Remove the brackets (use a generator expression)',
  },
  query: `
(call
  function: (identifier) @fn
  arguments: (argument_list . (list_comprehension) @comp .)
  (#any-of? @fn ${REDUCERS.map((r) => `"${r}"`).join(' ')})) @call`,
  check(m, ctx) {
    const fn = m.need('fn');
    const comp = m.need('comp');
    if (!ctx.facts.isBuiltin(fn.text, fn)) return;
    // any/all stop at the first decisive element: with calls in the comprehension, the
    // generator form skips their side effects, so the fix is only safe for pure expressions.
    const hasCall = comp.descendantsOfType('call').length > 0;
    const unsafe = SHORT_CIRCUIT.has(fn.text) && hasCall;
    ctx.report({
      node: comp,
      message: `\`${fn.text}()\` receives a list comprehension; pass a generator expression instead`,
      edits: [replaceRange(comp.startIndex, comp.startIndex + 1, ''), replaceRange(comp.endIndex - 1, comp.endIndex, '')],
      safety: unsafe ? 'unsafe' : 'safe',
      reason: unsafe ? `\`${fn.text}\` stops early on a generator, so calls in the comprehension may no longer all run` : undefined,
    });
  },
});
