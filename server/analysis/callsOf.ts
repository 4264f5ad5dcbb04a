// The calls in a file that run a given def or class, resolved by how Python looks the name up, not by its spelling
// alone: `x.run()` in a loop says nothing about a method `run` unless `x` is known to be an instance of its class.
// Found from the places the text spells the name (the word index), never a walk of the tree. Each name's spellings
// are read once per file and grouped by what they can refer to, so that a file of thousands of same-named defs
// (the dense texts of the cost tests) costs one pass, not one pass per def.
import type { FileFacts } from './facts';
import { classIndex, type ClassInfo } from './classIndex';
import { ancestors, classOfMethod, enclosingDef, parameterAnnotation, parameterNames } from './scopes';
import { identifierAt, plainAssignments, scopeOf } from './names';
import type { Node } from '../syntax/parser';

/** Receivers that are the instance or the class itself inside a method. */
const SELF_NAMES = new Set(['self', 'cls']);

/** Where a file spells one name, grouped by what each spelling can refer to; each group read when first asked for. */
interface Spellings {
  /** Bare names (`f`, not `x.f`), definition names left out, in document order. */
  bare?: Node[];
  /** The parent of each bare name, by the name's node id. */
  bareParents?: Map<number, Node | null>;
  /** The attributes `x.f` with a plain name `x` before the dot. */
  attributes?: Attributes;
  /** The attributes found to be `C.f` or an instance's `x.f`, by the class name `C`, as asked for. */
  byClassName: Map<string, Node[]>;
}

interface Attributes {
  /** `self.f` / `cls.f`, by the start of the class around them. */
  bySelfClass: Map<number, Node[]>;
  /**
   * `x.f` for any other receiver name `x`, in document order. Which class `x` is an instance of is read only when a
   * method's callers are asked for, and only in scopes that bind or annotate that class: a function's callers are its
   * bare spellings, and reading the bindings of every receiver of every `.get` was most of a keystroke's ranking.
   */
  onOtherReceivers: { receiver: Node; attribute: Node }[];
}

const spellingsCache = new WeakMap<FileFacts, Map<string, Spellings>>();

function spellingsOf(name: string, facts: FileFacts): Spellings {
  let byName = spellingsCache.get(facts);
  if (!byName) spellingsCache.set(facts, (byName = new Map()));
  let known = byName.get(name);
  if (!known) byName.set(name, (known = { byClassName: new Map() }));
  return known;
}

/**
 * The bare spellings of name (a function's or class's callers). A spelling right after a dot that ends an
 * expression (`x.f`, `g().f`, `a[0].f`) is an attribute, told by the text: no tree lookup for the `.get`s of a file.
 */
function bareSpellings(name: string, facts: FileFacts): Node[] {
  const spellings = spellingsOf(name, facts);
  if (spellings.bare) return spellings.bare;
  const bare: Node[] = [];
  const parents = (spellings.bareParents = new Map());
  for (const offset of facts.words.of(name)) {
    if (facts.text.charCodeAt(offset - 1) === 46 /* . */ && /[\w)\]]/.test(facts.text.charAt(offset - 2))) continue;
    const id = identifierAt(facts.root, offset, name);
    if (!id) continue;
    // The parent read once, and kept for callsOf: tree-sitter finds a node's parent by descending from the root again,
    // a pass over the module's statements in a long file (the impact ranking asks a def's callers on each keystroke).
    const parent = id.parent;
    if (parent && (attributeNamedIn(parent, id) || isDefinitionNameIn(parent, id))) continue;
    bare.push(id);
    parents.set(id.id, parent);
  }
  return (spellings.bare = bare);
}

/** The attribute spellings of name (a method's callers): only a dot, or a line break or space after one, comes before them. */
function attributeSpellings(name: string, facts: FileFacts): Attributes {
  const spellings = spellingsOf(name, facts);
  if (spellings.attributes) return spellings.attributes;
  const found: Attributes = { bySelfClass: new Map(), onOtherReceivers: [] };
  for (const offset of facts.words.of(name)) {
    if (!AFTER_DOT_OR_SPACE.test(facts.text.charAt(offset - 1))) continue;
    const id = identifierAt(facts.root, offset, name);
    const attribute = id && attributeNamed(id);
    const receiver = attribute?.childForFieldName('object');
    if (!attribute || receiver?.type !== 'identifier') continue;
    if (SELF_NAMES.has(receiver.text)) {
      const cls = classAround(attribute);
      if (cls) push(found.bySelfClass, cls.startIndex, attribute);
    } else {
      found.onOtherReceivers.push({ receiver, attribute });
    }
  }
  return (spellings.attributes = found);
}

/** What can come right before an attribute's name: its dot, or the blanks (a line break, a comment's end) after it. */
const AFTER_DOT_OR_SPACE = /^[.\s]$/;

/** The attribute whose name (after the dot) id is, or null. */
function attributeNamed(id: Node): Node | null {
  const parent = id.parent;
  return parent && attributeNamedIn(parent, id) ? parent : null;
}

/** id is the name (after the dot) of parent, an attribute. */
function attributeNamedIn(parent: Node, id: Node): boolean {
  return parent.type === 'attribute' && parent.childForFieldName('attribute')?.equals(id) === true;
}

/** `C.f`, and `x.f` where `x` is known to be an instance of `C`, among the attribute spellings, in document order. */
function onClassNamed(name: string, className: string, facts: FileFacts): Node[] {
  const spellings = spellingsOf(name, facts);
  let found = spellings.byClassName.get(className);
  if (found) return found;
  found = [];
  for (const { receiver, attribute } of attributeSpellings(name, facts).onOtherReceivers) {
    if (receiver.text === className || (mayBindInstanceOf(scopeOf(attribute), className, facts) && boundClassName(receiver, attribute, facts) === className)) {
      found.push(attribute);
    }
  }
  spellings.byClassName.set(className, found);
  return found;
}

/**
 * True when the scope spells the class name `word` where a binding of an instance can: after `=` (`x = C(...)`) or `:` (a parameter
 * annotated `C`, quoted or not). A module spells its class names everywhere; it rarely assigns their instances.
 */
function mayBindInstanceOf(node: Node, word: string, facts: FileFacts): boolean {
  // A look inside one def (found through the method's name) depends on its text alone; the module's is the whole file's.
  if (node.type === 'module') facts.words.of(word);
  return facts.words
    .between(word, node.startIndex, node.endIndex - word.length + 1)
    .some((at) => BINDS_BEFORE.test(facts.text.slice(Math.max(node.startIndex, at - 40), at)));
}

/** The text before a class name that an assignment of its instance or an annotation ends in. */
const BINDS_BEFORE = /[=:][\s\\]*["']?$/;

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
  const refs = referencesTo(definition, facts);
  const name = definition.childForFieldName('name')?.text;
  // Filled by referencesTo when the def's bare spellings were read (a function's callers).
  const parents = name ? spellingsOf(name, facts).bareParents : undefined;
  return refs.flatMap((ref) => {
    // A bare spelling's parent was read when it was found (bareSpellings).
    const known = parents?.get(ref.id);
    const call = known !== undefined ? known : ref.parent;
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
  if (!owner) {
    const bare = bareSpellings(name, facts);
    const visibleIn = enclosingDef(definition);
    return visibleIn ? bare.filter((id) => visibleIn.startIndex <= id.startIndex && id.endIndex <= visibleIn.endIndex) : bare;
  }
  const index = classIndex(facts);
  const info = index.info(owner);
  const out: Node[] = info?.name ? [...onClassNamed(name, info.name, facts)] : [];
  const { bySelfClass } = attributeSpellings(name, facts);
  for (const cls of info ? selfAndSubclasses(info, index) : []) out.push(...(bySelfClass.get(cls.node.startIndex) ?? []));
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

/** The class and the classes of this file that derive from it, at any depth (read once per class and file). */
function selfAndSubclasses(info: ClassInfo, index: ReturnType<typeof classIndex>): ClassInfo[] {
  let out = lineageCache.get(info);
  if (!out) lineageCache.set(info, (out = readSubclasses(info, index)));
  return out;
}

/** Each class's selfAndSubclasses, by its info (one ClassInfo per class and FileFacts). */
const lineageCache = new WeakMap<ClassInfo, ClassInfo[]>();

function readSubclasses(info: ClassInfo, index: ReturnType<typeof classIndex>): ClassInfo[] {
  const out = [info];
  for (let i = 0; i < out.length && out.length < 1000; i++) {
    for (const sub of index.subclasses(out[i])) if (!out.includes(sub)) out.push(sub);
  }
  return out;
}

/** The name in `def f` / `class C` itself (parent is id's parent), not a use of it. */
function isDefinitionNameIn(parent: Node, id: Node): boolean {
  return (parent.type === 'function_definition' || parent.type === 'class_definition') && !!parent.childForFieldName('name')?.equals(id);
}

/** The class whose body holds the def directly (a method), or null. */
function methodOwner(def: Node): Node | null {
  const holder = def.parent?.type === 'decorated_definition' ? def.parent.parent : def.parent;
  return holder?.type === 'block' && holder.parent?.type === 'class_definition' ? holder.parent : null;
}

/** The innermost class around node, through the methods and nested defs in it (where `self` still means its instance). */
export function classAround(node: Node): Node | null {
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

/**
 * True when `node` sits in the branch of `if flag:` (its `else`, or the body of `if not flag:`) that the default of the
 * function's parameter `flag` skips, and every call of the function in the file leaves `flag` at that default: FRN's
 * `get_recon_dist(..., Woodbury=True)`, whose non-Woodbury branch no caller takes (review67 judged a finding there
 * wrong). False when the file has no call of the function, or a call passes arguments by `*` or `**`.
 */
export function skippedByDefault(node: Node, facts: FileFacts): boolean {
  const def = enclosingDef(node);
  if (!def) return false;
  for (let n: Node | null = node; n && !n.equals(def); n = n.parent) {
    const branch = n.parent;
    const ifStmt = branch?.type === 'else_clause' ? branch.parent : branch?.type === 'block' && branch.parent?.type === 'if_statement' ? branch.parent : null;
    if (ifStmt?.type !== 'if_statement') continue;
    // Which truth of the flag leads into this branch: the consequence of `if flag:` needs it true, the `else` false.
    const inElse = branch!.type === 'else_clause';
    if (!inElse && !ifStmt.childForFieldName('consequence')?.equals(branch!)) continue;
    const condition = ifStmt.childForFieldName('condition');
    const negated = condition?.type === 'not_operator';
    const flag = negated ? condition!.childForFieldName('argument') : condition;
    if (flag?.type !== 'identifier') continue;
    const needs = inElse === negated;
    const given = defaultTruth(def, flag.text);
    if (given === null || given === needs) continue;
    if (leftAtDefault(def, flag.text, facts)) return true;
  }
  return false;
}

/** The truth of a parameter's literal default (`True`, `False`, `None`, a number), or null when it has none. */
function defaultTruth(def: Node, name: string): boolean | null {
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || (p.type !== 'default_parameter' && p.type !== 'typed_default_parameter') || p.childForFieldName('name')?.text !== name) continue;
    const value = p.childForFieldName('value')?.text;
    if (value === 'True') return true;
    if (value === 'False' || value === 'None' || value === '0') return false;
    return null;
  }
  return null;
}

/** The file calls `def` at least once, and no call passes `name` (by keyword, or by position up to it, or through a splat). */
function leftAtDefault(def: Node, name: string, facts: FileFacts): boolean {
  const calls = callsOf(def, facts);
  if (calls.length === 0) return false;
  const names = parameterNames(def);
  // A method called as `self.m(...)` binds its first parameter itself.
  const bound = classOfMethod(def) && (names[0] === 'self' || names[0] === 'cls') ? 1 : 0;
  const position = names.indexOf(name) - bound;
  return calls.every((call) => {
    const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
    if (args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return false;
    const positional = args.filter((a) => a.type !== 'keyword_argument').length;
    return positional <= position && !args.some((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name);
  });
}
