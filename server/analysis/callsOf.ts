// The calls in a file that run a given def or class, resolved by how Python looks the name up, not by its spelling
// alone: `x.run()` in a loop says nothing about a method `run` unless `x` is known to be an instance of its class.
// Found from the places the text spells the name (the word index), never a walk of the tree. Each name's spellings
// are read once per file and grouped by what they can refer to, so that a file of thousands of same-named defs
// (the dense texts of the cost tests) costs one pass, not one pass per def.
import type { FileFacts } from './facts';
import { classIndex, type ClassInfo } from './classIndex';
import { ancestors, enclosingDef, parameterAnnotation } from './scopes';
import { plainAssignments, scopeOf } from './names';
import type { Node } from '../syntax/parser';

/** Receivers that are the instance or the class itself inside a method. */
const SELF_NAMES = new Set(['self', 'cls']);

/** Where a file spells one name, grouped by what each spelling can refer to. */
interface Spellings {
  /** Bare names (`f`, not `x.f`), definition names left out, in document order. */
  bare: Node[];
  /** `self.f` / `cls.f`, by the start of the class around them. */
  bySelfClass: Map<number, Node[]>;
  /** `C.f` and `x.f` where `x` is bound to `C(...)` or annotated `C`, by the class name `C`. */
  byClassName: Map<string, Node[]>;
}

const spellingsCache = new WeakMap<FileFacts, Map<string, Spellings>>();

function spellingsOf(name: string, facts: FileFacts): Spellings {
  let byName = spellingsCache.get(facts);
  if (!byName) spellingsCache.set(facts, (byName = new Map()));
  let known = byName.get(name);
  if (known) return known;
  known = { bare: [], bySelfClass: new Map(), byClassName: new Map() };
  for (const offset of facts.words.of(name)) {
    const id = facts.root.descendantForIndex(offset, offset + name.length);
    if (id?.type !== 'identifier') continue;
    const attribute = id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.equals(id) ? id.parent : null;
    if (!attribute) {
      if (!isDefinitionName(id)) known.bare.push(id);
      continue;
    }
    const receiver = attribute.childForFieldName('object');
    if (receiver?.type !== 'identifier') continue;
    if (SELF_NAMES.has(receiver.text)) {
      const cls = classAround(attribute);
      if (cls) push(known.bySelfClass, cls.startIndex, attribute);
      continue;
    }
    push(known.byClassName, receiver.text, attribute);
    const bound = boundClassName(receiver, attribute, facts);
    if (bound && bound !== receiver.text) push(known.byClassName, bound, attribute);
  }
  byName.set(name, known);
  return known;
}

function push<K>(map: Map<K, Node[]>, key: K, node: Node): void {
  const list = map.get(key);
  if (list) list.push(node);
  else map.set(key, [node]);
}

/**
 * The calls of the file that run `definition`:
 * - a method (a def directly in a class body): `self.m()` / `cls.m()` in that class or a subclass of it in this
 *   file, `C.m()`, or `x.m()` where `x` is bound in the caller's scope to `C(...)` or is a parameter annotated `C`;
 * - a function: a bare `f()`; for a def nested in another def, only within that def (where the name is visible);
 * - a class: a bare `C()`, its construction.
 */
export function callsOf(definition: Node, facts: FileFacts): Node[] {
  return referencesTo(definition, facts).flatMap((ref) => {
    const call = ref.parent;
    return call?.type === 'call' && call.childForFieldName('function')?.equals(ref) ? [call] : [];
  });
}

/**
 * The expressions of the file that name `definition`, resolved as callsOf resolves calls: `f`, `self.m`, `C.m`,
 * `x.m` for an instance `x` of the method's class. Called or not (`pool.map(self.m, xs)` hands the method on).
 */
export function referencesTo(definition: Node, facts: FileFacts): Node[] {
  const name = definition.childForFieldName('name')?.text;
  if (!name) return [];
  const spellings = spellingsOf(name, facts);
  const owner = definition.type === 'function_definition' ? methodOwner(definition) : null;
  if (!owner) {
    const visibleIn = enclosingDef(definition);
    return visibleIn ? spellings.bare.filter((id) => visibleIn.startIndex <= id.startIndex && id.endIndex <= visibleIn.endIndex) : spellings.bare;
  }
  const index = classIndex(facts);
  const info = index.info(owner);
  const out: Node[] = [...(spellings.byClassName.get(info?.name ?? '') ?? [])];
  for (const cls of info ? selfAndSubclasses(info, index) : []) out.push(...(spellings.bySelfClass.get(cls.node.startIndex) ?? []));
  return out;
}

/**
 * What references to `definition` are resolved against: definitions with the same key have the same callers (the
 * module-level defs of one name, the methods of one name in one class), so their callers are looked at once.
 */
export function callersKey(definition: Node): string {
  const name = definition.childForFieldName('name')?.text ?? '';
  const owner = definition.type === 'function_definition' ? methodOwner(definition) : null;
  const scope = owner ?? enclosingDef(definition);
  return `${owner ? 'method' : 'name'}:${name}:${scope ? `${scope.startIndex}-${scope.endIndex}` : 'module'}`;
}

/** The class and the classes of this file that derive from it, at any depth. */
function selfAndSubclasses(info: ClassInfo, index: ReturnType<typeof classIndex>): ClassInfo[] {
  const out = [info];
  for (let i = 0; i < out.length && out.length < 1000; i++) {
    for (const sub of index.subclasses(out[i])) if (!out.includes(sub)) out.push(sub);
  }
  return out;
}

/** The name in `def f` / `class C` itself, not a use of it. */
function isDefinitionName(id: Node): boolean {
  const parent = id.parent;
  return (parent?.type === 'function_definition' || parent?.type === 'class_definition') && !!parent.childForFieldName('name')?.equals(id);
}

/** The class whose body holds the def directly (a method), or null. */
function methodOwner(def: Node): Node | null {
  const holder = def.parent?.type === 'decorated_definition' ? def.parent.parent : def.parent;
  return holder?.type === 'block' && holder.parent?.type === 'class_definition' ? holder.parent : null;
}

/** The innermost class around node, through the methods and nested defs in it (where `self` still means its instance). */
function classAround(node: Node): Node | null {
  for (const n of ancestors(node)) if (n.type === 'class_definition') return n;
  return null;
}

/** The class a receiver is known to be an instance of at `at`: a parameter annotated `C`, or a name only bound to `C(...)`. */
function boundClassName(receiver: Node, at: Node, facts: FileFacts): string | null {
  const scope = scopeOf(at);
  let byScope = boundCache.get(facts);
  if (!byScope) boundCache.set(facts, (byScope = new Map()));
  const key = `${scope.startIndex}:${receiver.text}`;
  if (!byScope.has(key)) byScope.set(key, readBoundClassName(receiver, scope));
  return byScope.get(key)!;
}

/** The receivers' classes already read, by scope and receiver name: a scope with many `x.f` reads its bindings once. */
const boundCache = new WeakMap<FileFacts, Map<string, string | null>>();

function readBoundClassName(receiver: Node, scope: Node): string | null {
  const annotation = scope.type === 'function_definition' ? parameterAnnotation(scope, receiver.text) : null;
  if (annotation) return annotation.replace(/^["']|["']$/g, '');
  const bound = plainAssignments(scope, receiver.text);
  const classes = new Set(bound.map(({ value }) => (value.type === 'call' ? (value.childForFieldName('function')?.text ?? '') : '')));
  const [only] = classes;
  return bound.length > 0 && classes.size === 1 && only ? only : null;
}
