import { defineRule } from '../../server/engine/rule';
import { classIndex } from '../../server/analysis';

export default defineRule({
  id: 'descriptor-name-duplication',
  title: 'Descriptor receives its own attribute name as a string',
  category: 'classes',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'descriptors',
  message: 'The descriptor is told its own attribute name by hand; `__set_name__` receives it automatically',
  docs: {
    why:
      'Passing the attribute name as a string (`temperature = Temperature("temperature")`) repeats it, and the two ' +
      'copies drift apart on the first rename: the descriptor then stores under the wrong key. Since Python 3.6 the ' +
      'class statement calls `__set_name__(self, owner, name)` on every descriptor with the real name.',
    instead: 'Implement `__set_name__(self, owner, name)` in the descriptor, store `name` there, and drop the string argument.',
    example: {
      before:
        'class Temperature:\n    def __init__(self, name):\n        self.name = name\n\n    def __get__(self, obj, owner):\n        return obj.__dict__[self.name]\n\nclass Weather:\n    temperature = Temperature("temperature")',
      after:
        'class Temperature:\n    def __set_name__(self, owner, name):\n        self.name = name\n\n    def __get__(self, obj, owner):\n        return obj.__dict__[self.name]\n\nclass Weather:\n    temperature = Temperature()',
    },
  },
  query: `
(class_definition
  body: (block
    (expression_statement
      (assignment
        left: (identifier) @attr
        right: (call
          function: (identifier) @descriptor
          arguments: (argument_list . (string) @arg)))))) @owner`,
  check(m, ctx) {
    const attr = m.need('attr').text;
    const arg = m.need('arg');
    const value = arg.namedChildren
      .filter((c) => c?.type === 'string_content')
      .map((c) => c!.text)
      .join('');
    if (value !== attr && value !== `_${attr}`) return;
    const descriptor = classIndex(ctx.facts).byClassName(m.need('descriptor').text);
    if (!descriptor) return;
    const methods = descriptor.methods;
    if (!methods.has('__get__') && !methods.has('__set__') && !methods.has('__delete__')) return;
    ctx.report({
      node: arg,
      message: `\`${descriptor.name}\` is given its own attribute name \`${attr}\`; implement \`__set_name__\` and drop the argument`,
    });
  },
});
