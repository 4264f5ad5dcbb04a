import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { ClassIndex, classIndex, type ClassInfo } from '../../server/analysis';

/** Slots that change an instance's layout (`__dict__` and `__weakref__` do not count). */
function layoutSlots(c: ClassInfo): string[] {
  return (c.slots?.names ?? []).filter((n) => n !== '__dict__' && n !== '__weakref__');
}

/**
 * The nearest class in base's lineage that declares layout slots (its "solid base"), undefined when
 * there is none, or null when the lineage leaves the file.
 */
function solidBase(index: ClassIndex, base: ClassInfo): ClassInfo | undefined | null {
  const lineage = index.knownLineage(base);
  if (!lineage) return null;
  return lineage.find((c) => layoutSlots(c).length > 0 || (c.slots !== null && c.slots.names === null));
}

function isAncestor(index: ClassIndex, a: ClassInfo, of: ClassInfo): boolean {
  return (index.knownLineage(of) ?? []).includes(a);
}

export default defineRule({
  id: 'slots-multiple-inheritance-conflict',
  title: 'Two or more bases with non-empty __slots__',
  category: 'classes',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'slots',
  message: 'Two bases each add slots of their own: creating this class raises `TypeError: multiple bases have instance lay-out conflict`',
  docs: {
    why:
      'Slots are stored at fixed offsets in the instance. When two bases each define non-empty `__slots__` (in ' +
      'separate branches of the hierarchy), CPython cannot lay out one instance that satisfies both, and the class ' +
      'statement fails with `TypeError: multiple bases have instance lay-out conflict`.',
    instead: 'Give at most one base non-empty `__slots__`: turn the others into mixins with `__slots__ = ()` and move their attributes to the concrete class.',
    example: {
      before: 'class A:\n    __slots__ = ("a",)\n\nclass B:\n    __slots__ = ("b",)\n\nclass C(A, B):\n    pass',
      after: 'class A:\n    __slots__ = ("a",)\n\nclass B:\n    __slots__ = ()\n\nclass C(A, B):\n    __slots__ = ("b",)',
    },
  },
  requiresText: /__slots__/,
  query: `(class_definition name: (identifier) @name superclasses: (argument_list (_) (_))) @class`,
  check(m, ctx) {
    const index = classIndex(ctx.facts);
    const info = index.info(m.need('class'));
    if (!info || info.bases.length < 2) return;
    const solids: { base: Node; solid: ClassInfo }[] = [];
    for (const base of info.bases) {
      const r = index.resolve(base);
      if (!r) continue;
      const solid = solidBase(index, r);
      if (solid) solids.push({ base, solid });
    }
    for (let i = 0; i < solids.length; i++) {
      for (let j = i + 1; j < solids.length; j++) {
        const a = solids[i].solid;
        const b = solids[j].solid;
        if (a === b || isAncestor(index, a, b) || isAncestor(index, b, a)) continue;
        ctx.report({
          node: m.need('name'),
          message: `\`${solids[i].base.text}\` and \`${solids[j].base.text}\` both add slots (\`${a.name}\`, \`${b.name}\`): creating \`${info.name}\` raises TypeError (instance lay-out conflict)`,
        });
        return;
      }
    }
  },
});
