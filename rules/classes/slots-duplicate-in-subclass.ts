import { defineRule } from '../../server/engine/rule';
import { ClassIndex, classIndex, type ClassInfo, mangle } from '../../server/analysis';
import { rewriteSlots } from '../../server/fixes';

/** Slot names (mangled) declared by ancestors that resolve to classes of this file, with the declaring class. */
function ancestorSlots(index: ClassIndex, cls: ClassInfo): Map<string, ClassInfo> {
  const out = new Map<string, ClassInfo>();
  const seen = new Set<ClassInfo>([cls]);
  const visit = (c: ClassInfo) => {
    for (const base of c.bases) {
      const r = index.resolve(base);
      if (!r || seen.has(r)) continue;
      seen.add(r);
      for (const n of r.slots?.names ?? []) if (!out.has(mangle(n, r.name))) out.set(mangle(n, r.name), r);
      visit(r);
    }
  };
  visit(cls);
  return out;
}

export default defineRule({
  id: 'slots-duplicate-in-subclass',
  title: 'Subclass re-declares a slot its parent already has',
  category: 'classes',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'slots',
  // Pylint's redefined-slots-in-subclass (Ruff's PLW0244) flags the same slot.
  peers: { ruff: ['PLW0244'], pylint: ['redefined-slots-in-subclass', 'W0244'] },
  message: "This slot is already declared by a parent class; declaring it again wastes memory and hides the parent's slot",
  docs: {
    why:
      "Each name in `__slots__` reserves a storage slot in every instance. Repeating a parent's slot in a subclass " +
      "adds a second, separate slot: the subclass's descriptor hides the parent's, so the parent's slot is dead " +
      'weight in every instance. A subclass should list only the attributes it adds.',
    instead: "Remove the inherited names from the subclass's `__slots__` (use `()` if nothing is left).",
    example: {
      before: 'class Base:\n    __slots__ = ("id",)\n\nclass Child(Base):\n    __slots__ = ("id", "w")',
      after: 'class Base:\n    __slots__ = ("id",)\n\nclass Child(Base):\n    __slots__ = ("w",)',
    },
  },
  fix: { safety: 'safe', title: 'Remove the inherited slot names' },
  requiresText: /__slots__/,
  // Every class with bases: the check asks the class index for its `__slots__` (as slots-undeclared-attribute does).
  query: `
(class_definition
  superclasses: (argument_list)
  body: (block)) @class`,
  check(m, ctx) {
    const index = classIndex(ctx.facts);
    const info = index.info(m.need('class'));
    const slots = info?.slots;
    if (!info || !slots?.names) return;
    const inherited = ancestorSlots(index, info);
    // The name nodes (read from the tree) only for a duplicate: most classes have none.
    const duplicates = slots.names.flatMap((n, i) => (inherited.has(mangle(n, info.name)) ? [{ name: n, node: slots.nameNodes[i] }] : []));
    if (duplicates.length === 0) return;
    const keep = slots.names.filter((n) => !inherited.has(mangle(n, info.name)));
    const edit = rewriteSlots(ctx.facts, slots, keep);
    const edits = edit ? [edit] : undefined;
    for (const d of duplicates) {
      const owner = inherited.get(mangle(d.name, info.name))!;
      const special = d.name === '__weakref__' || d.name === '__dict__';
      ctx.report({
        node: d.node,
        message: special
          ? `\`${d.name}\` is already provided by \`${owner.name}\`; declaring it again raises TypeError when the class is created`
          : `slot \`${d.name}\` is already declared by \`${owner.name}\`; list only the attributes \`${info.name}\` adds`,
        edits,
      });
    }
  },
});
