import { defineRule } from '../../server/engine/rule';
import { classIndex, definitionStatement } from '../../server/analysis';
import { ensureImport, eolOf, indentAt, insertAt } from '../../server/fixes';

const RUNTIME_CHECKABLE = new Set(['typing.runtime_checkable', 'typing_extensions.runtime_checkable']);

export default defineRule({
  id: 'protocol-isinstance-not-runtime-checkable',
  title: 'isinstance() against a Protocol that lacks @runtime_checkable',
  category: 'classes',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'typing-and-protocols',
  message: '`isinstance()` / `issubclass()` with a Protocol that is not `@runtime_checkable` raises TypeError',
  docs: {
    why:
      'A `typing.Protocol` is a static-typing construct; instance and subclass checks against it are refused with ' +
      '`TypeError: Instance and class checks can only be used with @runtime_checkable protocols` unless the class ' +
      'is decorated with `@runtime_checkable`. Even then the check only verifies that the members exist, not their signatures.',
    instead: 'Decorate the protocol with `@typing.runtime_checkable`, or check for the needed methods explicitly.',
    example: {
      before: 'class Trainable(Protocol):\n    def fit(self, X, y) -> None: ...\n\nisinstance(model, Trainable)',
      after:
        'from typing import Protocol, runtime_checkable\n\n@runtime_checkable\nclass Trainable(Protocol):\n    def fit(self, X, y) -> None: ...\n\nisinstance(model, Trainable)',
    },
  },
  fix: { safety: 'safe', title: 'Add @runtime_checkable' },
  query: `
(call
  function: (identifier) @fn
  arguments: (argument_list (_) . [(identifier) @proto (tuple (identifier) @proto)] .)
  (#any-of? @fn "isinstance" "issubclass")) @call`,
  calls: { names: ['isinstance', 'issubclass'] },
  // A finding needs a class with a typing(_extensions).Protocol base, which only an import or a base spelling
  // the word `Protocol` can give: files that never spell it skip the rule's queries on their isinstance() calls.
  requiresText: /\bProtocol\b/,
  check(m, ctx) {
    const fn = m.need('fn');
    const proto = m.need('proto');
    const info = classIndex(ctx.facts).byClassName(proto.text);
    if (!info?.isProtocol) return;
    if (!ctx.facts.isBuiltin(fn.text, fn)) return;
    if (info.decoratorNames.some((d) => d !== null && RUNTIME_CHECKABLE.has(d))) return;
    // Use the module the Protocol itself came from.
    const base = info.bases.find((b) => /Protocol/.test(b.text));
    const module =
      base && ctx.facts.qualifiedName(base.type === 'subscript' ? base.childForFieldName('value') : base)?.startsWith('typing_extensions')
        ? 'typing_extensions'
        : 'typing';
    const imported = ensureImport(ctx.facts, module, 'runtime_checkable');
    const stmt = definitionStatement(info.node);
    ctx.report({
      node: proto,
      message: `\`${fn.text}()\` with Protocol \`${info.name}\` raises TypeError: it is not \`@runtime_checkable\``,
      edits: [...imported.edits, insertAt(stmt.startIndex, `@${imported.ref}${eolOf(ctx.text)}${indentAt(ctx.text, stmt.startIndex)}`)],
    });
  },
});
