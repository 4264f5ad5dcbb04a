// Light name analysis inside one scope: where a name is read or bound, and whether the value a
// statement leaves in a name can still be observed afterwards. Syntax only, conservative: when in
// doubt a use counts as a read. Every function walks one scope (a def body or, at module level,
// the file), never more.
import type { Node } from '../syntax/parser';
import { contains, definitionOf, enclosingDef, findDescendants, isNestedScope, ownReturnStatements, parameterNames } from './scopes';
import { possibleCallOffsets, wordOffsets } from '../syntax/spelling';

/** Python's keywords: never a name. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

/** Python's soft keywords: keywords only where `match`, `case` and `type` statements begin, names elsewhere. */
export const PYTHON_SOFT_KEYWORDS: ReadonlySet<string> = new Set(['match', 'case', 'type']);

const SCOPE_TYPES = new Set(['function_definition', 'lambda', 'class_definition']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
/** Nodes a binding target is built from: `a, (b, *c)` and friends. */
const PATTERN_TYPES = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'tuple',
  'list',
  'list_splat_pattern',
  'parenthesized_expression',
  'as_pattern_target',
  'expression_list',
]);

/** The def or lambda whose locals include names bound at node; the module root at top level. Class bodies are skipped (their names are not visible to methods). */
export function scopeOf(node: Node): Node {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'lambda') return n;
    if (!n.parent) return n;
  }
  return node;
}

/** True when the identifier names a variable (not `obj.attr`'s attr, nor a keyword argument's name). */
export function isVariable(id: Node): boolean {
  const p = id.parent;
  if (!p) return true;
  if (p.type === 'attribute' && p.childForFieldName('attribute')?.equals(id)) return false;
  if (p.type === 'keyword_argument' && p.childForFieldName('name')?.equals(id)) return false;
  return true;
}

/** The statement-level construct an identifier is a binding target of, or null when it is a read. */
export function bindingOf(id: Node): Node | null {
  let child = id;
  for (let p = id.parent; p; child = p, p = p.parent) {
    if (PATTERN_TYPES.has(p.type)) {
      // `x[i] = …` / `x.a = …` read x; only bare names inside a target bind.
      continue;
    }
    switch (p.type) {
      case 'assignment':
        return p.childForFieldName('left')?.equals(child) ? p : null;
      case 'for_statement':
      case 'for_in_clause':
        return p.childForFieldName('left')?.equals(child) ? p : null;
      case 'named_expression':
        return p.childForFieldName('name')?.equals(child) ? p : null;
      case 'function_definition':
      case 'class_definition':
        return p.childForFieldName('name')?.equals(child) ? p : null;
      case 'with_item':
      case 'as_pattern':
        return child.type === 'as_pattern_target' ? p : null;
      case 'parameters':
      case 'lambda_parameters':
      case 'default_parameter':
      case 'typed_parameter':
      case 'typed_default_parameter':
        if (p.type.endsWith('default_parameter') && !p.childForFieldName('name')?.equals(child)) return null;
        return p;
      case 'dotted_name':
      case 'aliased_import':
      case 'import_statement':
      case 'import_from_statement':
        return p.type.startsWith('import') ? p : null;
      default:
        return null;
    }
  }
  return null;
}

/**
 * The value of the one plain assignment (`n = 3`, `data = self.config[k]`) to this function-local name, or null: a
 * module-level name may be changed from outside, and a name bound twice has no one value.
 */
export function valueBoundOnce(id: Node): Node | null {
  const scope = scopeOf(id);
  if (scope.type !== 'function_definition') return null;
  const binds = occurrences(scope, id.text).filter((o) => bindingOf(o) !== null);
  const assign = binds.length === 1 ? bindingOf(binds[0]) : null;
  return assign?.type === 'assignment' && assign.childForFieldName('left')?.equals(binds[0]) ? assign.childForFieldName('right') : null;
}

/** Every identifier naming `name` inside scope, nested defs, lambdas and comprehensions included. */
export function occurrences(scope: Node, name: string): Node[] {
  return identifiersSpelled(scope, name).filter(isVariable);
}

/**
 * The identifiers inside node whose text is `name`, in document order. Found from the source text
 * (each place the name is spelled, then the node there): a walk of the subtree would cost ~1 µs
 * per node, most of them not identifiers and most identifiers other names.
 */
export function identifiersSpelled(node: Node, name: string): Node[] {
  return identifiersAt(node, name, wordOffsets(node.text, name), node.startIndex);
}

/**
 * What the file-wide lookups below need of a file: its tree, its text and where a word is spelled.
 * FileFacts provides it (declared here, not imported, so that facts.ts can build on this module).
 */
export interface SpelledFile {
  readonly root: Node;
  readonly text: string;
  wordOffsets(name: string): readonly number[];
}

/** identifiersSpelled over the whole file, from the file's remembered word offsets. */
export function identifiersSpelledInFile(facts: SpelledFile, name: string): Node[] {
  return identifiersAt(facts.root, name, facts.wordOffsets(name), 0);
}

/**
 * The calls of the file whose callee is `name` itself or an attribute ending in it (`Session(...)`,
 * `tf.compat.v1.Session(...)`), found from where the name is spelled: how a rule asks "does this file call X?" and
 * then checks the call's qualified name.
 */
export function callsSpelledInFile(facts: SpelledFile, name: string): Node[] {
  const calls: Node[] = [];
  for (const id of identifiersSpelledInFile(facts, name)) {
    const callee = id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.equals(id) ? id.parent : id;
    const call = callee.parent;
    if (call?.type === 'call' && call.childForFieldName('function')?.equals(callee)) calls.push(call);
  }
  return calls;
}

/**
 * Whether the file calls one of `names` (spelled as callsSpelledInFile finds them) whose resolved callee passes
 * `resolved` (`tensorflow.Session`, not a method of the same name): the question of callsSpelledInFile's users.
 */
export function callsResolvingTo(
  facts: SpelledFile & { calleeName(call: Node): string | null },
  names: Iterable<string>,
  resolved: (qualified: string) => boolean,
): boolean {
  for (const name of names) if (callsSpelledInFile(facts, name).some((call) => resolved(facts.calleeName(call) ?? ''))) return true;
  return false;
}

/** The identifiers `name` inside node at these offsets (relative to `base`). */
function identifiersAt(node: Node, name: string, offsets: readonly number[], base: number): Node[] {
  const out: Node[] = [];
  for (const i of offsets) {
    const id = identifierAt(node, base + i, name);
    if (id) out.push(id);
  }
  return out;
}

/**
 * The calls inside node whose callee is the identifier `name` (`name(...)`, not `x.name(...)`), in document
 * order, found where node's text spells a call of the name: the same calls as filtering
 * `node.descendantsOfType('call')` by callee, without touching every call of a long def.
 */
export function callsOfNameIn(node: Node, name: string): Node[] {
  const out: Node[] = [];
  const base = node.startIndex;
  for (const at of possibleCallOffsets(node.text, name)) {
    const id = identifierAt(node, base + at, name);
    const call = id?.parent;
    if (call?.type === 'call' && call.childForFieldName('function')?.id === id!.id) out.push(call);
  }
  return out;
}

/**
 * The calls `<anything>.method(...)` inside node (nested defs included), in document order, found where node's text
 * spells a call of the name: `optimizer.step()`, `pred.numpy()`.
 */
export function methodCallsIn(node: Node, method: string): Node[] {
  const out: Node[] = [];
  const base = node.startIndex;
  for (const at of wordOffsets(node.text, method)) {
    const id = identifierAt(node, base + at, method);
    const attribute = id?.parent ?? null;
    const call = attribute?.type === 'attribute' && attribute.childForFieldName('attribute')?.id === id!.id ? attribute.parent : null;
    if (call?.type === 'call' && call.childForFieldName('function')?.id === attribute!.id) out.push(call);
  }
  return out;
}

/**
 * The statements of these types inside node (any depth, nested defs included, not node itself) that begin with
 * `keyword` (`for`, `while`, `return`), in document order, found where node's text spells the keyword: the same nodes
 * as `node.descendantsOfType(types)`, without tree-sitter marshalling every such node of a long def, nor walking it.
 * A statement of one of these types always starts with its keyword's token (`async for` has its `for` token too), and
 * the token is a whole word of the text.
 */
export function statementsByKeyword(node: Node, keyword: string, types: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  const base = node.startIndex;
  for (const at of wordOffsets(node.text, keyword)) {
    const token = node.descendantForIndex(base + at, base + at + keyword.length);
    const statement = token?.type === keyword ? token.parent : null;
    if (statement && types.has(statement.type) && statement.id !== node.id) out.push(statement);
  }
  return out;
}

/**
 * The attributes `name.x` inside node whose object is the identifier `name` itself, in document order, found where the
 * text spells `name` followed by a `.` (only spaces, line breaks, continuations or a comment may stand between an
 * attribute's object and its `.`): the same nodes as filtering `node.descendantsOfType('attribute')` by the object's
 * text, reading the tree at those spellings only.
 */
export function attributesOfName(node: Node, name: string): Node[] {
  const out: Node[] = [];
  const text = node.text;
  const base = node.startIndex;
  for (const at of wordOffsets(text, name)) {
    if (!mayPrecedeDot(text, at + name.length)) continue;
    const id = identifierAt(node, base + at, name);
    const attr = id?.parent;
    if (attr?.type === 'attribute' && attr.childForFieldName('object')?.id === id!.id) out.push(attr);
  }
  return out;
}

/**
 * The first character at or after i, past ASCII spaces, control characters and backslashes, is `.`, starts a comment
 * (`#`) or is not ASCII (a space the grammar may skip): anything else ends the expression before any `.`.
 */
function mayPrecedeDot(text: string, i: number): boolean {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 46 || c === 35 || c > 127) return true; // `.`, `#`, not ASCII
    if (c > 32 && c !== 92) return false;
    i++;
  }
  return false;
}

/** The identifier `name` spelled at offset start inside node (not node itself), or null (a string, a comment…). */
export function identifierAt(node: Node, start: number, name: string): Node | null {
  const id = node.descendantForIndex(start, start + name.length);
  return id && id.type === 'identifier' && id.startIndex === start && id.id !== node.id && id.text === name ? id : null;
}

/**
 * The defs or classes (nodes of `type`) named `name`, found where the text spells `def` or `class`
 * and then the name (a line continuation between them too): no walk over every definition.
 */
/**
 * What the `return` statements of the file's only function named `name` give (null for a bare `return`), or null when
 * the file defines no function of that name, several, or one that never returns: for "does every return give X" asks.
 */
export function returnedBySoleFunction(facts: SpelledFile, name: string): (Node | null)[] | null {
  const defs = definitionsNamed(facts, 'function_definition', name);
  const body = defs.length === 1 ? defs[0]!.childForFieldName('body') : null;
  const returns = body ? ownReturnStatements(body) : [];
  return returns.length > 0 ? returns.map((r) => r.namedChild(0)) : null;
}

export function definitionsNamed(facts: SpelledFile, type: 'function_definition' | 'class_definition', name: string): Node[] {
  const keyword = type === 'function_definition' ? 'def' : 'class';
  const { root, text } = facts;
  const out: Node[] = [];
  for (const at of facts.wordOffsets(name)) {
    const start = keywordBefore(text, at, keyword);
    if (start < 0) continue;
    // The smallest node around the keyword and the name is their definition: one descent from the root, where reaching
    // the name and then its `parent` took two (tree-sitter finds a parent by descending from the root again).
    const definition = root.descendantForIndex(start, at + name.length);
    const id = definition?.type === type ? definition.childForFieldName('name') : null;
    if (id && id.startIndex === at && id.endIndex === at + name.length) out.push(definition!);
  }
  return out;
}

/**
 * Where the word `keyword` starts when the text before `at` ends in it and then spaces or line continuations
 * (a backslash continuation too). Read backwards from `at`: the class rules ask this for every spelling of
 * every base name on each keystroke, and a regular expression anchored at the end of a 200-character
 * slice tried each of its positions.
 */
function keywordBefore(text: string, at: number, keyword: string): number {
  let i = at;
  while (i > 0 && isSpaceOrBackslash(text.charCodeAt(i - 1))) i--;
  const start = i - keyword.length;
  if (i === at || start < 0 || !text.startsWith(keyword, start)) return -1;
  return start === 0 || !isWordCode(text.charCodeAt(start - 1)) ? start : -1;
}

/** `[\s\\]` of a regular expression, for one UTF-16 code. */
function isSpaceOrBackslash(code: number): boolean {
  if (code === 32 || code === 92 || (code >= 9 && code <= 13)) return true;
  return code >= 0xa0 && /\s/.test(String.fromCharCode(code));
}

/** `\w` of a regular expression, for one UTF-16 code. */
function isWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** bindersSpelling's types for plain assignments (`name = value`) only. */
export const ASSIGNMENT: ReadonlySet<string> = new Set(['assignment']);

/**
 * The constructs of the given types (`assignment`, `for_statement`, `named_expression`…) in body's
 * own scope (not inside a nested def, lambda or class) whose target (`left`; a walrus's `name`)
 * holds an identifier `name` at any depth (`name = …`, `a[name] = …`), in document order. Found
 * from the identifiers spelling the name: a walk of the body costs ~1 µs per node.
 */
export function bindersSpelling(body: Node, name: string, types: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  for (const id of identifiersSpelled(body, name)) {
    let found: Node[] = [];
    for (let child = id, p = id.parent; p && p.id !== body.id; child = p, p = p.parent) {
      if (SCOPE_TYPES.has(p.type)) found = []; // those are the nested scope's, not the body's
      if (types.has(p.type) && p.childForFieldName(p.type === 'named_expression' ? 'name' : 'left')?.id === child.id) found.push(p);
    }
    for (const b of found) if (!out.some((o) => o.id === b.id)) out.push(b);
  }
  return out.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
}

/**
 * The plain assignments `name = value` among the occurrences of `name` in scope (nested scopes
 * included, like occurrences), in document order, with the identifier bound and the value.
 */
export function plainAssignments(scope: Node, name: string): { id: Node; value: Node }[] {
  const out: { id: Node; value: Node }[] = [];
  for (const id of occurrences(scope, name)) {
    const assign = bindingOf(id);
    const value = assign?.type === 'assignment' && assign.childForFieldName('left')?.equals(id) ? assign.childForFieldName('right') : null;
    if (value) out.push({ id, value });
  }
  return out;
}

/**
 * The value of `name`'s only binding in `scope` (nested scopes left out), when that binding is a plain `name = value`;
 * null when the scope binds the name in any other way, or more than once.
 */
export function soleAssignedValue(scope: Node, name: string): Node | null {
  if (occurrences(scope, name).filter((id) => bindingOf(id) !== null).length !== 1) return null;
  const assigned = plainAssignments(scope, name);
  return assigned.length === 1 ? assigned[0].value : null;
}

/** Identifiers naming `name` in node's own scope, not descending into nested defs, lambdas or classes. */
export function localOccurrences(node: Node, name: string): Node[] {
  const spelled = identifiersSpelled(node, name);
  if (spelled.length === 0) return spelled;
  const nested = inNestedScope(node);
  return spelled.filter((id) => isVariable(id) && !nested(id));
}

/** The keywords that open a def, a lambda or a class (SCOPE_TYPES), as whole words. */
const SCOPE_KEYWORD = /\b(?:def|lambda|class)\b/g;

/**
 * A test equal to `nestedScopeOf(id, scope) !== null` for nodes inside scope, for asking it of many nodes. Each
 * `node.parent` costs the node's depth (bench/README.md), so walking up from every identifier of a long def cost
 * more than the rule's other work: the nested defs, lambdas and classes are found instead where scope's text
 * spells their keyword (most scopes spell none besides their own), and a node is inside one when its offset is
 * inside that one's range. A scope with a syntax error (a keyword may be missing) walks up as nestedScopeOf does.
 */
export function inNestedScope(scope: Node): (node: Node) => boolean {
  if (scope.hasError) return (node) => nestedScopeOf(node, scope) !== null;
  const ranges: [number, number][] = [];
  const base = scope.startIndex;
  for (const m of scope.text.matchAll(SCOPE_KEYWORD)) {
    const at = base + m.index;
    if (ranges.some(([start, end]) => at >= start && at < end)) continue; // inside one already found
    const keyword = scope.descendantForIndex(at, at + m[0].length);
    const owner = keyword?.type === m[0] ? keyword.parent : null;
    if (owner && SCOPE_TYPES.has(owner.type) && owner.id !== scope.id) ranges.push([owner.startIndex, owner.endIndex]);
  }
  if (ranges.length === 0) return () => false;
  return (node) => {
    const at = node.startIndex;
    return ranges.some(([start, end]) => at >= start && at < end);
  };
}

/** True when the scope declares `global name` or `nonlocal name`. */
export function isDeclaredNonLocal(scope: Node, name: string): boolean {
  // Most scopes declare nothing: the text says so without a walk.
  const text = scope.text;
  if (!text.includes(name) || !/\b(?:global|nonlocal)\b/.test(text)) return false;
  const decls = findDescendants(
    scope,
    (n) => n.type === 'global_statement' || n.type === 'nonlocal_statement',
    (n) => SCOPE_TYPES.has(n.type),
  );
  return decls.some((d) => d.namedChildren.some((c) => c?.text === name));
}

/** The outermost def, lambda or class nested in scope that holds node (code there may run at any time). */
export function nestedScopeOf(node: Node, scope: Node): Node | null {
  let found: Node | null = null;
  for (let n = node.parent; n && !n.equals(scope); n = n.parent) {
    if (SCOPE_TYPES.has(n.type)) found = n;
  }
  return found;
}

/** The expression is one of the names or contains one (an attribute's name counts: `self.x` spells `x`). */
export function spellsAnyName(node: Node | null, names: ReadonlySet<string>): boolean {
  if (!node) return false;
  return (node.type === 'identifier' && names.has(node.text)) || findDescendants(node, (n) => n.type === 'identifier' && names.has(n.text)).length > 0;
}

/**
 * The subscripts a chain stacks on its base, outermost first, and the base: `a[i]["f"]` → levels `a[i]["f"]`, `a[i]` and
 * base `a`. A node that is not a subscript is its own base, with no levels.
 */
export function subscriptLevels(node: Node): { levels: Node[]; base: Node } {
  const levels: Node[] = [];
  let base = node;
  while (base.type === 'subscript') {
    levels.push(base);
    const value = base.childForFieldName('value');
    if (!value) break;
    base = value;
  }
  return { levels, base };
}

/** `value` is the right side of an assignment that is a statement of its own (`x = value`). */
export function isStatement(value: Node): boolean {
  return value.parent?.type === 'assignment' && value.parent.parent?.type === 'expression_statement';
}

/** The assignment of `value` is a statement of a block that also holds `at` (or of the module), so it ran before `at`. */
export function onPathTo(value: Node, at: Node): boolean {
  const block = value.parent?.parent?.parent;
  if (!isStatement(value) || !block) return false;
  return block.startIndex <= at.startIndex && at.endIndex <= block.endIndex;
}

/** What `target = value` binds the value to (any target shape), or null when `value` is not the whole right side of an assignment. */
export function assignmentTarget(value: Node): Node | null {
  const assignment = value.parent;
  return assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(value) ? assignment.childForFieldName('left') : null;
}

/** Names bound by a for/with target or assignment left side. */
export function targetNames(target: Node): string[] {
  if (target.type === 'identifier') return [target.text];
  const out: string[] = [];
  for (const id of findDescendants(target, (n) => n.type === 'identifier')) {
    if (bindingOf(id)) out.push(id.text);
  }
  return out;
}

/**
 * Reads of `name` that may observe the value it holds when `region` (a statement) finishes:
 * uses after it in its scope, uses anywhere in nested defs and lambdas (they may run later), and
 * uses before it inside an enclosing loop (the next iteration). A read is not counted when an
 * unconditional plain assignment to the name, or a `for`/`with` binding it, comes first.
 */
export function readsAfter(region: Node, name: string): Node[] {
  const scope = scopeOf(region);
  const enclosingLoops: Node[] = [];
  for (let n = region.parent; n && !n.equals(scope); n = n.parent) {
    if (n.type === 'for_statement' || n.type === 'while_statement') enclosingLoops.push(n);
  }
  const outermostLoop = enclosingLoops[enclosingLoops.length - 1];
  const out: Node[] = [];
  for (const id of occurrences(scope, name)) {
    if (contains(region, id)) continue;
    const nested = nestedScopeOf(id, scope);
    if (nested) {
      // A nested def or lambda may run at any time; one taking the name as a parameter does not see ours.
      if (!parameterNames(nested).includes(name)) out.push(id);
      continue;
    }
    if (bindingOf(id)) continue; // a store, not a read
    const after = id.startIndex >= region.endIndex;
    const nextIteration = !after && outermostLoop !== undefined && contains(outermostLoop, id);
    if (!after && !nextIteration) continue;
    if (after && coveredByLaterBinding(region, id, name)) continue;
    if (comprehensionBinds(id, name)) continue;
    out.push(id);
  }
  return out;
}

/** The read sits in a comprehension that binds the name itself. */
function comprehensionBinds(id: Node, name: string): boolean {
  for (let n = id.parent; n; n = n.parent) {
    if (COMPREHENSIONS.has(n.type)) {
      for (const clause of n.namedChildren) {
        if (clause?.type === 'for_in_clause') {
          const left = clause.childForFieldName('left');
          if (left && targetNames(left).includes(name)) return true;
        }
      }
    }
    if (SCOPE_TYPES.has(n.type)) return false;
  }
  return false;
}

/** An unconditional rebinding between region and the read hides region's value from it. */
function coveredByLaterBinding(region: Node, read: Node, name: string): boolean {
  // A for or with statement after region, binding the name, whose body holds the read.
  for (let n = read.parent; n; n = n.parent) {
    if (n.startIndex < region.endIndex) break;
    if (n.type === 'block' && n.parent) {
      const owner = n.parent;
      if (owner.type === 'for_statement' && owner.childForFieldName('body')?.equals(n)) {
        const left = owner.childForFieldName('left');
        if (left && targetNames(left).includes(name)) return true;
      }
      if (owner.type === 'with_statement') {
        const clause = owner.namedChildren.find((c) => c?.type === 'with_clause');
        for (const t of clause ? findDescendants(clause, (c) => c.type === 'as_pattern_target') : []) {
          if (targetNames(t).includes(name)) return true;
        }
      }
    }
  }
  // A plain `name = …` statement after region (or after one of its ancestors) in a block that
  // also holds the read, whose right side does not read the name: control reaches the read only
  // through it.
  const scope = scopeOf(region);
  for (let stmt: Node | null = region; stmt && stmt.parent && !stmt.equals(scope); stmt = stmt.parent) {
    const block = stmt.parent;
    if (block.type !== 'block' && block.type !== 'module') continue;
    if (!contains(block, read)) continue;
    for (let s = stmt.nextNamedSibling; s && s.endIndex <= read.startIndex; s = s.nextNamedSibling) {
      if (s.type !== 'expression_statement') continue;
      const a = s.namedChild(0);
      if (a?.type !== 'assignment' || a.childForFieldName('left')?.text !== name) continue;
      const right = a.childForFieldName('right');
      if (right && localOccurrences(right, name).length > 0) continue;
      return true;
    }
  }
  return false;
}

/**
 * The function a callable argument names, when the file shows it: `f` of an undecorated def among the statements of
 * the scope around `at` (or of the module), defined once before `at` and never assigned; or `make(w)` of such a def
 * whose body defines an inner def and ends by returning it (`def linear(w): def _compute(x): ...; return _compute`).
 */
export function localDefinition(callable: Node, at: Node): Node | null {
  if (callable.type === 'call') {
    const fn = callable.childForFieldName('function');
    const factory = fn?.type === 'identifier' ? localDefinition(fn, at) : null;
    const body = factory?.childForFieldName('body');
    const last = body?.namedChildren.filter((s) => s !== null && s.type !== 'comment').at(-1);
    const returned = last?.type === 'return_statement' ? last.namedChild(0) : null;
    if (!body || returned?.type !== 'identifier') return null;
    const inner = body.namedChildren.filter((s) => s?.type === 'function_definition' && s.childForFieldName('name')?.text === returned.text);
    return inner.length === 1 && plainAssignments(factory!, returned.text).length === 0 ? inner[0] : null;
  }
  if (callable.type !== 'identifier') return null;
  let scope: Node | null = at.parent;
  while (scope && scope.type !== 'function_definition' && scope.type !== 'module') scope = scope.parent;
  for (const owner of [scope, at.tree.rootNode]) {
    if (owner?.type === 'module') {
      const defs = moduleDefsNamed(owner, callable.text);
      if (defs.length > 1) return null;
      if (defs.length === 1) return !moduleAssigns(owner, callable.text) && defs[0].startIndex < at.startIndex ? defs[0] : null;
      continue;
    }
    const body = owner?.childForFieldName('body');
    if (!owner || !body) continue;
    const defs = body.namedChildren.filter((s) => s?.type === 'function_definition' && s.childForFieldName('name')?.text === callable.text);
    if (defs.length > 1) return null;
    if (defs.length === 1) return plainAssignments(owner, callable.text).length === 0 && defs[0]!.startIndex < at.startIndex ? defs[0] : null;
  }
  return null;
}

/**
 * The module's top-level defs by name, and whether it assigns a name (`plainAssignments(module, name)`), each read once
 * per tree: localDefinition and fileFunctionDef are asked for every call a rule resolves, and each ask marshalled every
 * top-level statement and scanned the whole text for the name (a quarter of torch-eval-without-no-grad's time on a long
 * file of many defs). A tree never changes; an edit makes a new one.
 */
const moduleDefs = new WeakMap<object, Map<string, { all: Node[]; undecorated: Node[] }>>();
const moduleAssignments = new WeakMap<object, Map<string, boolean>>();

function moduleDefsByName(module: Node): Map<string, { all: Node[]; undecorated: Node[] }> {
  let byName = moduleDefs.get(module.tree);
  if (!byName) {
    byName = new Map();
    for (const s of module.namedChildren) {
      const def = s && definitionOf(s);
      const defName = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
      if (defName === undefined) continue;
      let entry = byName.get(defName);
      if (!entry) byName.set(defName, (entry = { all: [], undecorated: [] }));
      entry.all.push(def!);
      if (def === s) entry.undecorated.push(def);
    }
    moduleDefs.set(module.tree, byName);
  }
  return byName;
}

/** The module-level defs of a name, decorated or not, in file order (read once per tree). */
export function moduleFunctionDefs(module: Node, name: string): readonly Node[] {
  return moduleDefsByName(module).get(name)?.all ?? [];
}

/** The undecorated module-level defs of a name, in file order: those localDefinition and fileFunctionDef resolve to. */
function moduleDefsNamed(module: Node, name: string): readonly Node[] {
  return moduleDefsByName(module).get(name)?.undecorated ?? [];
}

function moduleAssigns(module: Node, name: string): boolean {
  let byName = moduleAssignments.get(module.tree);
  if (!byName) moduleAssignments.set(module.tree, (byName = new Map()));
  let assigns = byName.get(name);
  if (assigns === undefined) byName.set(name, (assigns = plainAssignments(module, name).length > 0));
  return assigns;
}

/**
 * The def a called or passed name refers to: a def of the enclosing scope or the module above `at`
 * (`localDefinition`), or one defined further down the module and used from a function, which runs after the module
 * has loaded (gs-quant's helpers sit at the bottom of their modules). Null when the name may be rebound.
 */
export function fileFunctionDef(name: Node, at: Node): Node | null {
  const owner = enclosingDef(at);
  const rebound = owner !== null && (parameterNames(owner).includes(name.text) || plainAssignments(owner, name.text).length > 0);
  const local = localDefinition(name, at);
  if (local) return rebound && local.parent?.type === 'module' ? null : local;
  if (!owner || rebound) return null;
  const root = at.tree.rootNode;
  const defs = moduleDefsNamed(root, name.text);
  return defs.length === 1 && !moduleAssigns(root, name.text) ? defs[0] : null;
}

/**
 * True when `body` (a function's) holds only returns and if/elif/else statements, with an optional docstring first and
 * statements `other` accepts, and every returned value and every condition, at any depth, passes `accepts`: the shape of
 * a row or window function that one whole-column expression (`np.where`, `np.select`, compiled window code) can replace.
 */
export function onlyBranchesAndReturns(body: Node, accepts: (expression: Node) => boolean, other: (statement: Node) => boolean = () => false): boolean {
  const walk = (block: Node, first: boolean): boolean => {
    const statements = block.namedChildren.filter((s): s is Node => s !== null && s.type !== 'comment');
    return (
      statements.length > 0 &&
      statements.every((s, i) => {
        if (s.type === 'expression_statement' && first && i === 0 && s.namedChild(0)?.type === 'string') return true; // a docstring
        if (s.type === 'return_statement') {
          const value = s.namedChild(0);
          return !!value && accepts(value);
        }
        if (s.type !== 'if_statement') return other(s);
        const condition = s.childForFieldName('condition');
        const consequence = s.childForFieldName('consequence');
        if (!condition || !consequence || !accepts(condition) || !walk(consequence, false)) return false;
        return s.childrenForFieldName('alternative').every((alt) => {
          if (!alt) return true;
          const cond = alt.type === 'elif_clause' ? alt.childForFieldName('condition') : null;
          const blk = alt.childForFieldName('consequence') ?? alt.childForFieldName('body');
          return (alt.type === 'else_clause' || (cond !== null && accepts(cond))) && !!blk && walk(blk, false);
        });
      })
    );
  };
  return walk(body, true);
}

/**
 * The assignments in `body` (nested scopes left out) that bind names to the sizes of an array: `nx, ny, nt = sst.shape`
 * (an unpacking, which also says how many axes `sst` has) and `n = sst.shape[0]`. `array` is the array as spelled.
 */
export function shapeBindings(array: string, body: Node): { names: string[]; unpacked: boolean }[] {
  const shape = `${array}.shape`;
  const out: { names: string[]; unpacked: boolean }[] = [];
  for (const a of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (!left || !right) continue;
    const r = right.text.replace(/\s/g, '');
    if ((left.type === 'pattern_list' || left.type === 'tuple_pattern') && r === shape) {
      out.push({ names: left.namedChildren.filter((c): c is Node => c?.type === 'identifier').map((c) => c.text), unpacked: true });
    } else if (left.type === 'identifier' && right.type === 'subscript' && r.startsWith(`${shape}[`)) {
      out.push({ names: [left.text], unpacked: false });
    }
  }
  return out;
}
