import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingClass, findDescendants, isNestedScope, parameterNames } from '../../server/analysis';

export default defineRule({
  id: 'back-reference-cycle',
  title: 'A parent/child back-pointer creates a reference cycle',
  category: 'memory',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'memory-model',
  message: 'Parent and child reference each other; the pair is freed only by the cyclic garbage collector',
  docs: {
    why:
      'When a child stores its parent and the parent stores the child, neither reference count can reach zero, ' +
      'so reference counting never frees them: the objects (and everything they hold, such as tensors or buffers) ' +
      'wait for a cyclic garbage-collection pass, which runs only now and then and costs time proportional to ' +
      'the number of tracked objects.',
    instead:
      'Keep the back-pointer weak: `self._parent = weakref.ref(parent)` and read it as `self._parent()` (or use ' +
      '`weakref.proxy(parent)`), so dropping the parent frees the whole tree immediately.',
    example: {
      before: 'class Node:\n    def __init__(self, parent):\n        self.parent = parent\n        parent.children.append(self)',
      after:
        'import weakref\n\nclass Node:\n    def __init__(self, parent):\n        self._parent = weakref.ref(parent)\n        parent.children.append(self)\n\n    @property\n    def parent(self):\n        return self._parent()',
    },
  },
  // `self.<attr> = <param>` inside a method.
  query: `
(function_definition
  name: (identifier) @method
  body: (block
    (expression_statement
      (assignment
        left: (attribute object: (identifier) @self attribute: (identifier) @attr)
        right: (identifier) @param)) @store)) @fn`,
  check(m, ctx) {
    const fn = m.need('fn');
    if (!enclosingClass(fn) || m.need('method').text !== '__init__') return;
    const params = parameterNames(fn);
    const self = m.need('self').text;
    const param = m.need('param').text;
    if (params[0] !== self || !params.slice(1).includes(param)) return;
    if (ctx.facts.importsModule('weakref')) return;
    // The other direction: the parent is given `self` (`parent.children.append(self)`, `parent.child = self`).
    const body = fn.childForFieldName('body')!;
    const back = findDescendants(
      body,
      (n: Node) => {
        if (n.type === 'call') {
          const f = n.childForFieldName('function');
          const obj = f?.type === 'attribute' ? f.childForFieldName('object') : null;
          const root = obj?.type === 'attribute' ? obj.childForFieldName('object') : obj;
          const args = n.childForFieldName('arguments')?.namedChildren ?? [];
          return root?.text === param && args.some((a) => a?.text === self);
        }
        if (n.type === 'assignment') {
          const left = n.childForFieldName('left');
          let root = left;
          while (root && (root.type === 'attribute' || root.type === 'subscript'))
            root = root.childForFieldName(root.type === 'attribute' ? 'object' : 'value');
          return left?.type !== 'identifier' && root?.text === param && n.childForFieldName('right')?.text === self;
        }
        return false;
      },
      isNestedScope,
    );
    if (back.length === 0) return;
    ctx.report({
      node: m.need('store'),
      message: `\`${self}.${m.need('attr').text}\` and \`${param}\` reference each other; hold the parent through \`weakref.ref\` so the pair can be freed without the cycle collector`,
    });
  },
});
