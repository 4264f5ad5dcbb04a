import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { classIndex, findDescendants, isNestedScope, parameterNames } from '../../server/analysis';

/** The method body is only `return self` (docstring and comments aside). */
function returnsSelf(method: Node): boolean {
  const self = parameterNames(method)[0];
  const stmts = method.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const body = stmts[0]?.type === 'expression_statement' && stmts[0].namedChild(0)?.type === 'string' ? stmts.slice(1) : stmts;
  return body.length === 1 && body[0].type === 'return_statement' && body[0].namedChild(0)?.text === self;
}

export default defineRule({
  id: 'iterator-class-to-generator',
  title: 'A hand-written iterator class with an index counter',
  category: 'generators',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'generators-and-iterators',
  message: 'This class hand-codes the iterator protocol with an index counter; a generator function does the same in a few lines',
  docs: {
    why:
      'An iterator class keeps its position in attributes, checks the bound and raises `StopIteration` by hand in ' +
      '`__next__`. A generator function keeps that state in its frame automatically, is shorter, and each step ' +
      'costs less than a Python-level `__next__` method call with attribute reads and writes.',
    instead:
      'Write a generator: `def stream(data): yield from data` (or a loop with `yield`), or give the class an `__iter__` that is a generator and drop `__next__`.',
    example: {
      before:
        'class Stream:\n    def __init__(self, data):\n        self.data, self.i = data, 0\n    def __iter__(self):\n        return self\n    def __next__(self):\n        if self.i >= len(self.data):\n            raise StopIteration\n        self.i += 1\n        return self.data[self.i - 1]',
      after: 'def stream(data):\n    yield from data',
    },
  },
  query: `(class_definition name: (identifier) @name) @class`,
  check(m, ctx) {
    const info = classIndex(ctx.facts).info(m.need('class'));
    if (!info) return;
    const iter = info.methods.get('__iter__');
    const next = info.methods.get('__next__');
    if (!iter || !next || !returnsSelf(iter)) return;
    const self = parameterNames(next)[0];
    if (!self) return;
    const body = next.childForFieldName('body');
    if (!body) return;
    // raise StopIteration, and an index attribute stepped with `self.x += 1` / `self.x = self.x + 1`.
    const raises = findDescendants(body, (n) => n.type === 'raise_statement' && /^StopIteration\b/.test(n.namedChild(0)?.text ?? ''), isNestedScope);
    if (raises.length === 0) return;
    const steps = findDescendants(
      body,
      (n) => {
        if (n.type !== 'augmented_assignment' && n.type !== 'assignment') return false;
        const left = n.childForFieldName('left');
        if (left?.type !== 'attribute' || left.childForFieldName('object')?.text !== self) return false;
        const right = n.childForFieldName('right')?.text.replace(/\s+/g, '') ?? '';
        return n.type === 'augmented_assignment' ? right === '1' : right === `${left.text}+1`;
      },
      isNestedScope,
    );
    if (steps.length === 0) return;
    // Classes with more protocol than iteration (send/throw, __len__, __getitem__…) are left alone.
    if (['send', 'throw', 'close', '__getitem__', '__len__', '__reversed__'].some((n) => info.methods.has(n))) return;
    ctx.report({
      node: m.need('name'),
      message: `\`${info.name}\` implements \`__iter__\`/\`__next__\` with a counter; a generator function would be simpler and faster`,
    });
  },
});
