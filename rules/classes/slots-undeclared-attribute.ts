import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { ClassIndex, classIndex, type ClassInfo, decoratorsOf, mangle, storesOnlyDeclared } from '../../server/analysis';
import { rewriteSlots } from '../../server/fixes';

/** The store sits in a `try` that handles AttributeError (a deliberate probe). */
function guarded(node: Node): boolean {
  for (let n = node.parent; n && n.type !== 'function_definition'; n = n.parent) {
    if (
      n.type === 'try_statement' &&
      n.namedChildren.some((c) => c?.type === 'except_clause' && /AttributeError|Exception|BaseException/.test(c.text.split(':')[0]))
    )
      return true;
    if (n.type === 'try_statement' && n.namedChildren.some((c) => c?.type === 'except_clause' && c.namedChildren.every((x) => x?.type === 'block')))
      return true;
  }
  return false;
}

/**
 * A mixin whose `__slots__ = ()` is deliberate: empty slots so that it adds no layout of its own, and
 * either named like a mixin, or a base next to others in this file, or with subclasses here that declare
 * slots of their own. Adding a slot to it can make `class C(Mixin, OtherSlotted)` fail with "multiple
 * bases have instance lay-out conflict", or duplicate a slot a subclass declares.
 */
function isDeliberateMixin(info: ClassInfo, index: ClassIndex): boolean {
  if (info.slots?.names?.length !== 0) return false;
  if (/Mixin\d*$/.test(info.name)) return true;
  const subclasses = index.subclasses(info);
  return subclasses.some((s) => s.bases.length > 1 || (s.slots?.names?.length ?? 0) > 0);
}

/** A slot of this name declared by a subclass in this file (the attribute is meant for it), at any depth. */
function declaredBelow(info: ClassInfo, index: ClassIndex, name: string, seen = new Set<ClassInfo>()): boolean {
  for (const sub of index.subclasses(info)) {
    if (seen.has(sub)) continue;
    seen.add(sub);
    if (sub.slots?.names?.some((n) => mangle(n, sub.name) === name)) return true;
    if (declaredBelow(sub, index, name, seen)) return true;
  }
  return false;
}

/** `BaseModel`, `ModelBase`, `AbstractReader`, `ReaderABC`, `ReaderInterface`: named as a class to derive from. */
const BASE_NAME = /^_*(Base|Abstract)[A-Z_]|(Base|ABC|Abstract|Interface)$/;

/** A method body that only declares the method for subclasses: a docstring, `pass`, `...` or `raise NotImplementedError`. */
function declarationOnly(def: Node): boolean {
  const statements = def.childForFieldName('body')?.namedChildren.filter((s): s is Node => s !== null && s.type !== 'comment') ?? [];
  if (statements.length === 0) return false;
  return statements.every((s, i) => {
    if (s.type === 'pass_statement') return true;
    if (s.type === 'raise_statement') return /^raise\s+NotImplementedError\b/.test(s.text);
    const e = s.type === 'expression_statement' ? s.namedChild(0) : null;
    return e?.type === 'ellipsis' || (i === 0 && e?.type === 'string');
  });
}

/**
 * The class is evidently a base to derive from (an abstract method, a method that only declares itself, or a Base /
 * Abstract name) and no code of this file constructs it: its instances are presumably those of subclasses in other
 * modules, and one that declares no `__slots__` of its own has a `__dict__` that takes the attribute (Kats' `Model`
 * interface stores `self.params` under `__slots__ = ["data"]` for subclasses that declare none). Only a direct
 * instance raises, so the finding is a hint that says so.
 */
function baseForOtherModules(info: ClassInfo, index: ClassIndex, ctx: RuleContext): boolean {
  if (index.subclasses(info).length > 0 || index.constructorCalls(info).length > 0) return false;
  if (BASE_NAME.test(info.name)) return true;
  for (const [name, def] of info.methods) {
    if (decoratorsOf(def).some((d) => /(^|\.)abstract(method|property)$/.test(ctx.facts.qualifiedName(d) ?? ''))) return true;
    if (name !== '__init__' && declarationOnly(def)) return true;
  }
  return false;
}

export default defineRule({
  id: 'slots-undeclared-attribute',
  title: 'Assigning an attribute that __slots__ does not declare',
  category: 'classes',
  severity: 'warning',
  severityForms: [
    {
      severity: 'hint',
      when: 'in a class evidently meant to be subclassed (abstract or declaration-only methods, a Base/Abstract name) that the file never instantiates: only its direct instances raise',
    },
  ],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'slots',
  // Pylint's assigning-non-slot (Ruff's PLE0237) flags the same assignment.
  peers: { ruff: ['PLE0237'], pylint: ['assigning-non-slot', 'E0237'] },
  message: 'The class has `__slots__` and no `__dict__`, so assigning an undeclared attribute raises AttributeError',
  docs: {
    why:
      'With `__slots__` on every class of the hierarchy, instances get fixed storage for exactly the listed names ' +
      'and no `__dict__`. Assigning any other attribute fails at run time with `AttributeError: object has no ' +
      "attribute 'y'`, typically in `__init__`, so the class cannot even be instantiated.",
    instead:
      'Add the attribute to `__slots__` (or drop `__slots__` if the class really needs arbitrary attributes). A mixin ' +
      'with a deliberate `__slots__ = ()` gets no quick fix: a slot there can clash with the layout of the other bases ' +
      'it is combined with; declare the attribute in the classes that use the mixin instead.',
    example: {
      before: 'class P:\n    __slots__ = ("x",)\n\n    def __init__(self):\n        self.x = 0\n        self.y = 0',
      after: 'class P:\n    __slots__ = ("x", "y")\n\n    def __init__(self):\n        self.x = 0\n        self.y = 0',
    },
  },
  fix: { safety: 'safe', title: 'Add the attribute to __slots__' },
  requiresText: /__slots__/,
  // Every class: the check asks the class index for its `__slots__` (found where the text spells the word). A pattern
  // reaching into the body for the assignment kept tree-sitter's cursor on every member of the class, on every keystroke
  // anywhere in it (cache-on-method.ts).
  query: `
(class_definition
  name: (identifier) @name
  body: (block)) @class`,
  check(m, ctx) {
    const index = classIndex(ctx.facts);
    const info = index.info(m.need('class'));
    if (!info?.slots?.names) return;
    // The lineage first: it reads class headers, where dynamicAttributes reads every method of the class.
    if (index.isFullySlotted(info) !== true) return;
    const lineage = index.knownLineage(info)!;
    const declared = new Set(info.slots.names.map((n) => mangle(n, info.name)));
    for (const n of index.inheritedSlots(info) ?? []) declared.add(n);
    // The lineage's class-level names read every class body: only when a store names no declared slot.
    let classLevelNames: Set<string> | undefined;
    const classLevel = () => (classLevelNames ??= new Set(lineage.flatMap((c) => [...c.classNames.keys()])));
    // Then the stores as the text spells them: when each names a declared slot or class-level name there is nothing to
    // report, and the tree (dynamicAttributes, instanceAttributes) need not be read.
    if (storesOnlyDeclared(info, (attr) => declared.has(mangle(attr, info.name)) || classLevel().has(attr))) return;
    if (info.dynamicAttributes) return;
    // A custom __setattr__ / __getattr__ may store attributes elsewhere.
    if (lineage.some((c) => c.methods.has('__setattr__'))) return;
    // An in-file subclass without __slots__ has a __dict__: the method may be meant for it.
    if (index.subclasses(info).some((s) => !s.slots)) return;
    const missing: { name: string; store: Node }[] = [];
    for (const [attr, stores] of info.instanceAttributes) {
      const stored = mangle(attr, info.name);
      if (declared.has(stored) || classLevel().has(attr)) continue;
      // A subclass declares the slot: the method is written for the subclasses' instances.
      if (declaredBelow(info, index, stored)) continue;
      // An abstract base with `__slots__ = ()` that annotates the attribute (`_overwrites: List[...]`) declares it for
      // its subclasses, which hold the storage in their own slots (in other modules, where this file cannot see them).
      if (info.slots.names.length === 0 && info.annotations.has(attr)) continue;
      const store = stores.find((s) => !guarded(s));
      if (store) missing.push({ name: attr, store });
    }
    if (missing.length === 0) return;
    // One fix adds every missing name, so all findings share identical edits.
    const edit = isDeliberateMixin(info, index) ? null : rewriteSlots(ctx.facts, info.slots, [...info.slots.names, ...missing.map((x) => x.name)]);
    const base = baseForOtherModules(info, index, ctx);
    for (const { name, store } of missing) {
      ctx.report({
        node: store,
        ...(base
          ? {
              severity: 'hint' as const,
              message:
                `\`${info.name}\` declares \`__slots__\` without \`${name}\`: assigning \`${store.text}\` raises AttributeError on direct ` +
                `instances of \`${info.name}\` only; a subclass that declares no \`__slots__\` gets a \`__dict__\` and accepts it`,
            }
          : { message: `\`${info.name}\` declares \`__slots__\` without \`${name}\`: assigning \`${store.text}\` raises AttributeError` }),
        edits: edit ? [edit] : undefined,
      });
    }
  },
});
