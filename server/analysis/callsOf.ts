// The calls in a file that run a given def or class, resolved by how Python looks the name up, not by its spelling
// alone: `x.run()` in a loop says nothing about a method `run` unless `x` is known to be an instance of its class.
// Found from the places the text spells the name (the word index), never a walk of the tree.
import type { FileFacts } from './facts';
import { classIndex } from './classIndex';
import { ancestors, enclosingDef, parameterAnnotation } from './scopes';
import { plainAssignments, scopeOf } from './names';
import type { Node } from '../syntax/parser';

/** Receivers that are the instance or the class itself inside a method. */
const SELF_NAMES = new Set(['self', 'cls']);

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
  const owner = definition.type === 'function_definition' ? methodOwner(definition) : null;
  const visibleIn = owner ? facts.root : (enclosingDef(definition) ?? facts.root);
  const out: Node[] = [];
  for (const offset of facts.words.of(name)) {
    if (offset < visibleIn.startIndex || offset >= visibleIn.endIndex) continue;
    const id = facts.root.descendantForIndex(offset, offset + name.length);
    if (id?.type !== 'identifier') continue;
    const attribute = id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.equals(id) ? id.parent : null;
    if (
      owner
        ? attribute !== null && receiverIsInstanceOf(attribute.childForFieldName('object'), owner, attribute, facts)
        : attribute === null && !isDefinitionName(id)
    ) {
      out.push(attribute ?? id);
    }
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

/** True when `receiver` (the `x` of `x.m` at `at`) is known to be `cls` or an instance of it. */
function receiverIsInstanceOf(receiver: Node | null, cls: Node, at: Node, facts: FileFacts): boolean {
  if (receiver?.type !== 'identifier') return false;
  const className = cls.childForFieldName('name')?.text ?? '';
  if (SELF_NAMES.has(receiver.text)) {
    const caller = classAround(at);
    return caller !== null && (caller.equals(cls) || subclasses(caller, cls, facts));
  }
  if (receiver.text === className) return true;
  const scope = scopeOf(at);
  if (scope.type === 'function_definition' && parameterAnnotation(scope, receiver.text)?.replace(/^["']|["']$/g, '') === className) return true;
  const bound = plainAssignments(scope, receiver.text);
  return bound.length > 0 && bound.every(({ value }) => value.type === 'call' && value.childForFieldName('function')?.text === className);
}

/** True when `cls` is `base` or derives from it through classes of this file. */
function subclasses(cls: Node, base: Node, facts: FileFacts, depth = 0): boolean {
  if (cls.equals(base)) return true;
  if (depth > 10) return false;
  const index = classIndex(facts);
  return (index.info(cls)?.bases ?? []).some((b) => {
    const resolved = index.resolve(b);
    return resolved !== null && subclasses(resolved.node, base, facts, depth + 1);
  });
}
