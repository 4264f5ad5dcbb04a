import { defineRule } from '../../server/engine/rule';
import {
  classIndex,
  type ClassInfo,
  firstBodyStatement,
  identifiersSpelledInFile,
  mangle,
  needsInstanceDict,
  slotQuote,
  slotsLiteral,
} from '../../server/analysis';
import type { FileFacts } from '../../server/analysis';
import { eolOf, indentAt, insertAt } from '../../server/fixes';

export default defineRule({
  id: 'slots-subclass-missing-slots',
  title: 'Subclass of a slotted class has no __slots__',
  category: 'classes',
  severity: 'warning',
  severityForms: [
    {
      severity: 'hint',
      when: 'when the file never creates an instance of the subclass: the saved memory matters only where many instances are made',
    },
  ],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'slots',
  message: 'This subclass of a slotted class declares no `__slots__`, so its instances get a `__dict__` again',
  docs: {
    why:
      '`__slots__` only removes the per-instance `__dict__` if every class in the hierarchy declares it. A subclass ' +
      'without `__slots__` silently brings the dictionary back, and with it the memory the base class was written ' +
      'to save (and the ability to set arbitrary attributes).',
    instead: "Declare `__slots__` in the subclass too, listing only the attributes it adds (`()` if none): the parent's slots are inherited.",
    example: {
      before: 'class Base:\n    __slots__ = ("id",)\n\nclass Child(Base):\n    def __init__(self, id, w):\n        super().__init__(id)\n        self.w = w',
      after:
        'class Base:\n    __slots__ = ("id",)\n\nclass Child(Base):\n    __slots__ = ("w",)\n\n    def __init__(self, id, w):\n        super().__init__(id)\n        self.w = w',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Add __slots__ with the new attributes',
    reason: 'instances can then no longer receive attributes that this class does not assign itself (code elsewhere may set some)',
  },
  // A finding needs a base of this file whose body assigns `__slots__`: other files skip the rule (and it joins
  // the `__slots__` group, which runs on the class definitions alone).
  requiresText: /__slots__/,
  query: `(class_definition name: (identifier) @name superclasses: (argument_list)) @class`,
  check(m, ctx) {
    const index = classIndex(ctx.facts);
    const info = index.info(m.need('class'));
    // A class with `__slots__` of its own is never reported: asked first, as the class's spellings of `__slots__` (the
    // carried word index) answer it without reading a base.
    if (!info || info.slots) return;
    // Every base must be known and dict-free, and at least one must be a slotted class of this file.
    // Checked next: it needs only the class header, and most classes fail it.
    const resolved: ClassInfo[] = [];
    for (const base of info.bases) {
      const r = index.resolve(base);
      if (r) {
        // The base's own `__slots__` first (its spellings in the word index): a base without them is not fully slotted,
        // and most bases stop here without their lineage being resolved.
        if (!r.slots?.names || index.isFullySlotted(r) !== true) return;
        resolved.push(r);
      } else if (!index.isEmptySlotExternal(base)) {
        return;
      }
    }
    if (resolved.length === 0 || info.isEnum || info.isProtocol) return;
    // `@dataclass(slots=True)` creates the slots itself.
    if (info.decorators.some((d) => /\bslots\s*=\s*True\b/.test(d.text))) return;
    // A base with real slots, not just `()` or `("__weakref__",)` (mixin compatibility, weakref support):
    // only then did the hierarchy set out to be dict-free.
    const real = (c: ClassInfo) => (c.slots?.names ?? []).some((n) => n !== '__weakref__' && n !== '__dict__');
    const slotted = resolved.find((r) => (index.knownLineage(r) ?? []).some(real));
    if (!slotted) return;
    if (needsInstanceDict(info)) return; // slots would break it
    // The memory matters when many instances are made: a class this file never instantiates (tf_agents' `Reference`, a
    // weak wrapper for a dict class nothing uses) is a hint that says so; blind review: both such findings noise.
    const made = instantiatedInFile(info.name, ctx.facts);
    const message =
      `\`${info.name}\` subclasses slotted \`${slotted.name}\` without \`__slots__\`, so its instances get a \`__dict__\` again` +
      (made ? '' : ' (this file never creates one: it matters only if code elsewhere makes many)');
    const severity = made ? undefined : ('hint' as const);
    if (info.isDataclass) {
      ctx.report({ node: m.need('name'), message: `${message}; use \`@dataclass(slots=True)\` (Python 3.10+)`, severity });
      return;
    }
    const inherited = index.inheritedSlots(info) ?? new Set<string>();
    const fresh = [...info.instanceAttributes.keys()].filter((a) => !inherited.has(mangle(a, info.name)) && !info.classNames.has(a));
    const conflicts = [...info.instanceAttributes.keys()].some((a) => {
      const def = info.classNames.get(a);
      return def !== undefined && def.type === 'assignment'; // a class variable of the same name: ValueError
    });
    const first = firstBodyStatement(info.node);
    if (info.dynamicAttributes || conflicts || !first || first.startPosition.row === info.node.startPosition.row) {
      ctx.report({ node: m.need('name'), message, severity });
      return;
    }
    const indent = indentAt(ctx.text, first.startIndex);
    const eol = eolOf(ctx.text);
    const blank = first.type === 'pass_statement' ? '' : eol;
    ctx.report({
      node: m.need('name'),
      message,
      severity,
      edits: [insertAt(first.startIndex, `__slots__ = ${slotsLiteral(fresh, slotQuote(slotted.slots))}${eol}${blank}${indent}`)],
    });
  },
});

/** `Name(...)` is called somewhere in the file: it makes instances of the class here. */
function instantiatedInFile(name: string, facts: FileFacts): boolean {
  return identifiersSpelledInFile(facts, name).some((id) => id.parent?.type === 'call' && id.parent.childForFieldName('function')?.equals(id) === true);
}
