import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingClass, localOccurrences, parameterNames } from '../../server/analysis';
import { replaceNode } from '../../server/fixes';

/** Classes whose purpose is to suppress exceptions (or to expect them, like assertRaises). */
const SUPPRESSORS = /suppress|ignore|swallow|silenc|quiet|catch|guard|assert|raises|expect/i;
/** Calls that only test the exception: handing it to them does not report it anywhere. */
const INSPECTORS = /^(isinstance|issubclass|type|bool|id|hasattr|getattr)$/;

export default defineRule({
  id: 'exit-swallows-exceptions',
  title: '__exit__ / __aexit__ unconditionally returns a truthy value',
  category: 'resources',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'context-managers',
  message: '`__exit__` always returns a true value, which silently swallows every exception raised in the with-block',
  docs: {
    why:
      'A true return value from `__exit__` (or `__aexit__`) tells Python the exception was handled, so it is ' +
      'discarded. Returning `True` unconditionally hides every error raised inside the `with` block, including ' +
      '`KeyboardInterrupt` and genuine bugs, and execution continues after the block as if nothing happened.',
    instead:
      'Return `False` (or `None`) to let exceptions propagate after cleanup; return `True` only for specific, expected exception types (`return exc_type is not None and issubclass(exc_type, Expected)`).',
    example: {
      before: 'class Connection:\n    def __exit__(self, exc_type, exc, tb):\n        self.close()\n        return True',
      after: 'class Connection:\n    def __exit__(self, exc_type, exc, tb):\n        self.close()\n        return False',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Return False (let exceptions propagate)',
    reason: 'exceptions raised in the with-block, silenced until now, will propagate to the caller',
  },
  // The pattern ends at the body: one that looked inside it for the `return` kept a partial match open over every
  // def's body in the base pass (about 3 % of that pass on the stdlib); the few `__exit__` bodies are read in check.
  query: `
(function_definition
  name: (identifier) @name
  body: (block) @body
  (#any-of? @name "__exit__" "__aexit__")) @fn`,
  check(m, ctx) {
    const fn = m.need('fn');
    for (const ret of m.need('body').namedChildren) {
      if (ret?.type !== 'return_statement') continue;
      for (const value of ret.namedChildren) if (value?.type === 'true' || value?.type === 'integer') checkReturn(fn, m.need('name'), ret, value, ctx);
    }
  },
});

/** A `return True` (or an integer) among the statements of `__exit__`'s body: reported unless the suppression is selective or intended. */
function checkReturn(fn: Node, name: Node, ret: Node, value: Node, ctx: RuleContext): void {
  if (value.type === 'integer' && Number(value.text) === 0) return;
  // Other returns that let exceptions through (`return False` on some path): the suppression is selective.
  const returns = fn.childForFieldName('body')!.descendantsOfType('return_statement');
  if (returns.some((r) => r !== null && (r.namedChildCount === 0 || ['false', 'none'].includes(r.namedChild(0)!.type) || r.namedChild(0)!.text === '0')))
    return;
  // The exception is re-raised, logged, stored or passed on before the return: not silent.
  if (handsOnException(fn, ret)) return;
  const cls = enclosingClass(fn);
  const className = cls?.childForFieldName('name')?.text ?? '';
  if (!cls || SUPPRESSORS.test(className)) return;
  // A docstring that says so: the suppression is the documented behaviour.
  const doc = cls.childForFieldName('body')?.namedChild(0);
  if (doc?.type === 'expression_statement' && doc.namedChild(0)?.type === 'string' && SUPPRESSORS.test(doc.text)) return;
  ctx.report({
    node: ret,
    message: `\`${className}.${name.text}\` returns \`${value.text}\` unconditionally, so every exception in the with-block is silently swallowed`,
    edits: [replaceNode(value, 'False')],
  });
}

/**
 * Before `ret`, the body re-raises one of its exception parameters (an assertRaises-style check
 * that fails on the wrong exception), passes it to a call (logging, recording, delegating) or
 * stores it (`self.exception = exc`).
 */
function handsOnException(fn: Node, ret: Node): boolean {
  const body = fn.childForFieldName('body')!;
  for (const name of parameterNames(fn).slice(1)) {
    for (const id of localOccurrences(body, name)) {
      if (id.startIndex < ret.startIndex && handsOn(id)) return true;
    }
  }
  return false;
}

function handsOn(id: Node): boolean {
  for (let n: Node | null = id.parent; n && n.type !== 'block'; n = n.parent) {
    if (n.type === 'raise_statement') return true;
  }
  let value: Node = id;
  while (value.parent && ['parenthesized_expression', 'tuple', 'list_splat', 'keyword_argument'].includes(value.parent.type)) value = value.parent;
  const p = value.parent;
  if (p?.type === 'argument_list') return !INSPECTORS.test(p.parent?.childForFieldName('function')?.text ?? '');
  return p?.type === 'assignment' && p.childForFieldName('right')?.equals(value) === true && p.childForFieldName('left')?.type === 'attribute';
}
