import { defineRule } from '../../server/engine/rule';
import { ensureImport, indentAt, insertAt, lineStartOf } from '../../server/engine/fixes';
import { definitionStatement } from '../../server/engine/scopes';

export default defineRule({
  id: 'decorator-missing-wraps',
  title: 'Decorator wrapper does not use functools.wraps',
  category: 'core-python',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'decorators',
  message: 'Wrapper function hides the decorated function\'s name, docstring and signature; add @functools.wraps',
  docs: {
    why:
      'A decorator that returns a plain inner function replaces the original: `__name__`, `__qualname__`, ' +
      '`__doc__`, `__module__`, `__wrapped__` and the signature seen by `inspect`, debuggers, profilers, ' +
      'loggers and documentation tools all describe the wrapper instead. Stack traces and cProfile output ' +
      'then show `wrapper` everywhere.',
    instead: 'Decorate the inner function with `@functools.wraps(func)`, which copies the metadata and sets `__wrapped__`.',
    example: {
      before: 'def timed(func):\n    def wrapper(*args, **kwargs):\n        return func(*args, **kwargs)\n    return wrapper',
      after:
        'import functools\n\ndef timed(func):\n    @functools.wraps(func)\n    def wrapper(*args, **kwargs):\n        return func(*args, **kwargs)\n    return wrapper',
    },
  },
  fix: { safety: 'safe', title: 'Add @functools.wraps' },
  // A one-parameter function that defines an undecorated inner function and returns it.
  query: `
(function_definition
  parameters: (parameters . [(identifier) @param (typed_parameter . (identifier) @param)] .)
  body: (block
    (function_definition name: (identifier) @inner) @wrapper
    (return_statement (identifier) @returned))) @outer`,
  check(m, ctx) {
    const param = m.need('param').text;
    const wrapper = m.need('wrapper');
    const outer = m.need('outer');
    if (m.need('inner').text !== m.need('returned').text) return;
    if (param === 'self' || param === 'cls') return;
    // The wrapper must call the decorated function, or it is a replacement, not a wrapper.
    const body = wrapper.childForFieldName('body');
    const callsParam = body?.descendantsOfType('call').some((c) => c?.childForFieldName('function')?.text === param);
    if (!callsParam) return;
    // Metadata copied by hand (update_wrapper, __wrapped__, __name__ assignments) counts as handled.
    const outerBody = outer.childForFieldName('body')?.text ?? '';
    if (/update_wrapper|__wrapped__|__name__\s*=|__doc__\s*=/.test(outerBody)) return;

    const wraps = ensureImport(ctx.facts, 'functools', 'wraps');
    const def = definitionStatement(wrapper);
    const at = lineStartOf(ctx.text, def.startIndex);
    const eol = ctx.text.includes('\r\n') ? '\r\n' : '\n';
    ctx.report({
      node: wrapper.childForFieldName('name') ?? wrapper,
      message: `Wrapper \`${m.need('inner').text}\` hides the metadata of \`${param}\`; add @functools.wraps(${param})`,
      edits: [...wraps.edits, insertAt(at, `${indentAt(ctx.text, def.startIndex)}@${wraps.ref}(${param})${eol}`)],
    });
  },
});
