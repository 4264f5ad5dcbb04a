import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindingOf,
  classIndex,
  type ClassInfo,
  decoratorCallee,
  decoratorsOf,
  enclosingClass,
  enclosingDef,
  localOccurrences,
  parameterNames,
  scopeOf,
} from '../../server/analysis';
import { rewriteSlots } from '../../server/fixes';

const WEAK_CALLS = new Set(['weakref.ref', 'weakref.proxy', 'weakref.finalize', 'weakref.WeakMethod']);

/** The in-file class whose instance `obj` certainly is: `C(...)`, a local bound once to `C(...)`, or `self` in C's methods. */
function instanceClass(obj: Node, ctx: RuleContext): ClassInfo | null {
  const index = classIndex(ctx.facts);
  let expr: Node | null = obj;
  if (expr.type === 'attribute') expr = expr.childForFieldName('object'); // WeakMethod(obj.method)
  if (!expr) return null;
  if (expr.type === 'call') {
    const fn = expr.childForFieldName('function');
    return fn?.type === 'identifier' ? index.byClassName(fn.text) : null;
  }
  if (expr.type !== 'identifier') return null;
  const fn = enclosingDef(expr);
  if (fn && parameterNames(fn)[0] === expr.text) {
    const cls = enclosingClass(fn);
    const isStatic = decoratorsOf(fn).some((d) => /(^|\.)(staticmethod|classmethod)$/.test(decoratorCallee(d).text));
    return cls && !isStatic && fn.parent?.parent?.equals(cls) ? (index.info(cls) ?? null) : null;
  }
  const scope = scopeOf(expr);
  const binds = localOccurrences(scope, expr.text).filter((id) => bindingOf(id));
  if (binds.length !== 1) return null;
  const b = bindingOf(binds[0])!;
  const value = b.type === 'assignment' && b.childForFieldName('left')?.equals(binds[0]) ? b.childForFieldName('right') : null;
  return value ? instanceClass(value, ctx) : null;
}

export default defineRule({
  id: 'slots-missing-weakref',
  title: 'Weak reference to an instance of a slotted class without __weakref__',
  category: 'classes',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'slots',
  message: 'Instances of this slotted class cannot be weakly referenced: add `"__weakref__"` to its `__slots__`',
  docs: {
    why:
      'A class whose hierarchy uses `__slots__` everywhere has no `__weakref__` slot unless one is declared, so ' +
      '`weakref.ref(obj)`, `weakref.proxy`, `weakref.finalize`, `WeakSet` and weak-valued caches raise ' +
      '`TypeError: cannot create weak reference to ... object`.',
    instead: 'Add `"__weakref__"` to the class\'s `__slots__` (it costs one pointer per instance).',
    example: {
      before: 'class Node:\n    __slots__ = ("v",)\n\nref = weakref.ref(Node())',
      after: 'class Node:\n    __slots__ = ("v", "__weakref__")\n\nref = weakref.ref(Node())',
    },
  },
  fix: { safety: 'safe', title: 'Add "__weakref__" to __slots__' },
  query: `
(call
  function: [(identifier) @fn (attribute attribute: (identifier) @fn)]
  arguments: (argument_list . (_) @obj)
  (#match? @fn "(ref|proxy|finalize|WeakMethod)$")) @call`,
  calls: { pattern: /(ref|proxy|finalize|WeakMethod)$/ },
  // A finding needs a class whose body assigns `__slots__`: files that never spell it skip the rule's queries.
  requiresText: /__slots__/,
  check(m, ctx) {
    const call = m.need('call');
    const name = ctx.facts.calleeName(call);
    if (!name || !WEAK_CALLS.has(name)) return;
    const cls = instanceClass(m.need('obj'), ctx);
    if (!cls?.slots?.names) return;
    const index = classIndex(ctx.facts);
    if (index.isFullySlotted(cls) !== true) return;
    const lineage = index.knownLineage(cls)!;
    if (lineage.some((c) => c.slots?.names?.includes('__weakref__'))) return;
    const edit = rewriteSlots(ctx.facts, cls.slots, [...cls.slots.names, '__weakref__']);
    ctx.report({
      node: m.need('obj'),
      message: `\`${name.replace(/^weakref\./, 'weakref.')}()\` on a \`${cls.name}\` raises TypeError: its \`__slots__\` has no \`"__weakref__"\``,
      edits: edit ? [edit] : undefined,
    });
  },
});
