// Structural helpers over the syntax tree: enclosing scopes, loops, decorators.
// They walk parents (cost: the node's depth), never the whole file.
import type { Node } from '../syntax/parser';

/** Parents read one by one before a walk switches to one descent from the root (see ancestors). */
const PARENT_STEPS = 8;

/**
 * The node's ancestors, innermost first. tree-sitter does not store parents: `.parent` descends from the root,
 * so a walk up costs the depth squared, and per match over a deeply nested expression (thousands of nested calls
 * or `+` terms, which the protocol fuzzer makes) that held the server for tens of seconds. The first few parents
 * are read directly (the common shallow case, where a walk stops early); past that, the rest of the chain comes
 * from one descent from the root with `childWithDescendant`, linear in the depth.
 */
export function* ancestors(node: Node): Generator<Node> {
  let n: Node | null = node;
  for (let step = 0; step < PARENT_STEPS; step++) {
    n = n.parent;
    if (!n) return;
    yield n;
  }
  const chain: Node[] = []; // root first, down to (not including) n
  for (let a: Node | null = n.tree.rootNode; a && a.id !== n.id; a = a.childWithDescendant(n)) chain.push(a);
  for (let i = chain.length - 1; i >= 0; i--) yield chain[i];
}

/**
 * The `if` statements whose consequence (not condition, not `else`) holds `node`, innermost first, each with its
 * condition and that block; the walk up ends at the first ancestor `stop` accepts (the function around the node, a loop
 * body).
 */
export function* ifBranchesAround(node: Node, stop: (ancestor: Node) => boolean): Generator<{ condition: Node; consequence: Node }> {
  let child = node;
  for (const n of ancestors(node)) {
    if (stop(n)) return;
    if (n.type === 'if_statement' && n.childForFieldName('consequence')?.equals(child)) {
      const condition = n.childForFieldName('condition');
      if (condition) yield { condition, consequence: child };
    }
    child = n;
  }
}

/**
 * True when a and b sit in different branches (`if` / `elif` / `else`) of one `if` statement: at most one of them runs
 * each time the `if` does.
 */
export function inOtherBranches(a: Node, b: Node): boolean {
  const branchOf = (node: Node) => {
    const branches = new Map<number, number>();
    for (let child = node, p = node.parent; p; child = p, p = p.parent) if (p.type === 'if_statement') branches.set(p.id, child.id);
    return branches;
  };
  const ofA = branchOf(a);
  for (const [ifId, branch] of branchOf(b)) if (ofA.has(ifId) && ofA.get(ifId) !== branch) return true;
  return false;
}

const FUNCTION_TYPES = new Set(['function_definition', 'lambda']);
const LOOP_TYPES = new Set(['for_statement', 'while_statement']);
const COMPREHENSION_TYPES = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/**
 * Of statements in document order, the last that starts at or before offset (undefined for none): the
 * top-level statement around a node, found by its offset instead of a walk up (binary search).
 */
export function statementStartingBefore(statements: readonly Node[], offset: number): Node | undefined {
  let lo = 0;
  let hi = statements.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (statements[mid].startIndex <= offset) lo = mid;
    else hi = mid - 1;
  }
  return statements[lo];
}

/** Where a plain assignment seen from `at` binds: the body of the innermost def around it, else the module. */
export function assignmentScope(at: Node): Node | null {
  let scope: Node | null = null;
  for (const n of ancestors(at)) {
    if (n.type === 'function_definition') return n.childForFieldName('body');
    if (n.type === 'module') scope = n;
  }
  return scope;
}

/** The innermost `def` (or lambda) containing node, or null at module or class level. */
export function enclosingFunction(node: Node): Node | null {
  for (const n of ancestors(node)) {
    if (FUNCTION_TYPES.has(n.type)) return n;
  }
  return null;
}

/** The innermost `def` containing node, skipping lambdas. */
export function enclosingDef(node: Node): Node | null {
  for (const n of ancestors(node)) {
    if (n.type === 'function_definition') return n;
  }
  return null;
}

export function enclosingClass(node: Node): Node | null {
  for (const n of ancestors(node)) {
    if (n.type === 'class_definition') return n;
    if (FUNCTION_TYPES.has(n.type)) return null;
  }
  return null;
}

/**
 * The innermost loop whose body (not its iterable or condition) contains node, within the same
 * function. Comprehensions count as loops when `includeComprehensions` is set.
 */
export function enclosingLoop(node: Node, includeComprehensions = false): Node | null {
  let child = node;
  for (const n of ancestors(node)) {
    if (FUNCTION_TYPES.has(n.type) || n.type === 'class_definition') return null;
    if (LOOP_TYPES.has(n.type) && n.childForFieldName('body')?.equals(child)) return n;
    if (includeComprehensions && COMPREHENSION_TYPES.has(n.type)) return n;
    child = n;
  }
  return null;
}

/** All loops around node within its function, innermost first. */
export function enclosingLoops(node: Node): Node[] {
  const loops: Node[] = [];
  for (let n: Node | null = node; n;) {
    const loop = enclosingLoop(n);
    if (!loop) break;
    loops.push(loop);
    n = loop;
  }
  return loops;
}

export function isAsyncDef(fn: Node | null): boolean {
  return fn?.type === 'function_definition' && fn.child(0)?.type === 'async';
}

/** True when node runs directly in an `async def` body (not in a nested sync def or lambda). */
export function isInsideAsyncDef(node: Node): boolean {
  return isAsyncDef(enclosingFunction(node));
}

/** Decorator expressions of a def or class (without the `@`), outermost first. */
export function decoratorsOf(definition: Node): Node[] {
  const parent = definition.parent;
  if (parent?.type !== 'decorated_definition') return [];
  // A loop, not `.filter().map().filter()`: an inlined `.map` gives a holey array where the interpreter's is packed,
  // and the next `.filter` deoptimised on the kind it had not seen (a few times per 200 keystrokes; bench/README.md).
  const out: Node[] = [];
  for (const c of parent.namedChildren) {
    const e = c !== null && c.type === 'decorator' ? c.namedChild(0) : null;
    if (e !== null) out.push(e);
  }
  return out;
}

/** The node that carries a definition's full extent: the decorated_definition when decorated. */
export function definitionStatement(definition: Node): Node {
  return definition.parent?.type === 'decorated_definition' ? definition.parent : definition;
}

/** The class whose body defines def as a method (decorated or not), or null. */
export function classOfMethod(def: Node): Node | null {
  const block = definitionStatement(def).parent;
  return block?.type === 'block' && block.parent?.type === 'class_definition' ? block.parent : null;
}

/** `node` is in `scope` and not in a def, lambda, class or comprehension nested there. */
export function withinOwnScope(node: Node, scope: Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.equals(scope)) return true;
    if (isNestedScope(n)) return false;
  }
  return false;
}

/** The first def named `name` among the statements of `cls`'s body (decorated or not), or null. */
export function methodNamed(cls: Node, name: string): Node | null {
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    const def = stmt ? definitionOf(stmt) : null;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === name) return def;
  }
  return null;
}

/** The method a `self.name(...)` call runs, when the caller is a method of the class that defines `name`; else null. */
export function calledSelfMethod(call: Node): Node | null {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute' || fn.childForFieldName('object')?.text !== 'self') return null;
  const caller = enclosingDef(call);
  const cls = caller ? classOfMethod(caller) : null;
  const name = fn.childForFieldName('attribute')?.text;
  return cls && name ? methodNamed(cls, name) : null;
}

/** The callee of a decorator: `@lru_cache(maxsize=2)` → `lru_cache`. */
export function decoratorCallee(decorator: Node): Node {
  return decorator.type === 'call' ? (decorator.childForFieldName('function') ?? decorator) : decorator;
}

/** The function body (or module) whose statements hold node; lambdas and class bodies are looked through. */
export function scopeBody(node: Node): Node {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition') return n.childForFieldName('body') ?? n;
    if (n.type === 'module') return n;
  }
  return node;
}

/** Parameter names of a function definition, in order (self included). */
export function parameterNames(fn: Node): string[] {
  const params = fn.childForFieldName('parameters');
  if (!params) return [];
  const names: string[] = [];
  for (const p of params.namedChildren) {
    const name = p ? parameterName(p) : undefined;
    if (name !== undefined) names.push(name);
  }
  return names;
}

/** One parameter's name: `x`, `x=1`, `x: T`, `*args`, `**kw`; undefined for a bare `*` or `/` separator. */
export function parameterName(p: Node): string | undefined {
  if (p.type === 'identifier') return p.text;
  return (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier'))?.text;
}

/**
 * parameterNames(fn)[0], reading the parameters only up to the first that has a name: the class index asks each method of
 * a class a keystroke re-lints for its instance parameter, and a method's whole parameter list cost as much again.
 */
export function firstParameterName(fn: Node): string | undefined {
  const params = fn.childForFieldName('parameters');
  const count = params ? params.namedChildCount : 0;
  for (let k = 0; k < count; k++) {
    const p = params!.namedChild(k);
    const name = p ? parameterName(p) : undefined;
    if (name !== undefined) return name;
  }
  return undefined;
}

/** The annotation text of def's parameter `name` (`x: T` or `x: T = d`), or null when it has none. */
export function parameterAnnotation(def: Node, name: string): string | null {
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'typed_parameter' && p?.type !== 'typed_default_parameter') continue;
    const id = p.type === 'typed_parameter' ? p.namedChildren.find((c) => c?.type === 'identifier') : p.childForFieldName('name');
    if (id?.text === name) return p.childForFieldName('type')?.text ?? null;
  }
  return null;
}

/** The default value of def's parameter `name` (`x=d` or `x: T = d`), or null when it has none. */
export function parameterDefault(def: Node, name: string): Node | null {
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'default_parameter' && p?.type !== 'typed_default_parameter') continue;
    if (p.childForFieldName('name')?.text === name) return p.childForFieldName('value');
  }
  return null;
}

/** The statement that contains node and is a direct child of a block or the module. */
export function enclosingStatement(node: Node): Node {
  let n = node;
  while (n.parent && n.parent.type !== 'block' && n.parent.type !== 'module') n = n.parent;
  return n;
}

/** True when node is inside `if __name__ == "__main__":` (at any depth). */
export function isUnderMainGuard(node: Node): boolean {
  return mainGuardAround(node) !== null;
}

/** The `if __name__ == "__main__":` statement node is inside (at any depth), or null. */
export function mainGuardAround(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'if_statement') {
      const cond = n.childForFieldName('condition')?.text.replace(/\s+/g, '') ?? '';
      if (/^__name__==(['"])__main__\1$/.test(cond) || /^(['"])__main__\1==__name__$/.test(cond)) return n;
    }
  }
  return null;
}

/**
 * The node's text with its comments blanked to spaces (offsets kept): for the text tests some rules run over a block, so that
 * a commented-out line (`# lr_scheduler.step()`) does not count as code.
 */
export function codeTextOf(node: Node): string {
  const comments = node.descendantsOfType('comment');
  if (comments.length === 0) return node.text;
  let text = node.text;
  for (const c of comments) {
    if (!c) continue;
    const from = c.startIndex - node.startIndex;
    text = text.slice(0, from) + ' '.repeat(c.endIndex - c.startIndex) + text.slice(from + c.endIndex - c.startIndex);
  }
  return text;
}

/** Iterates all named descendants of node (depth-first) that satisfy the predicate. */
export function findDescendants(node: Node, predicate: (n: Node) => boolean, stopAt?: (n: Node) => boolean): Node[] {
  const out: Node[] = [];
  const cursor = node.walk();
  try {
    // The cursor's depth below `node` tells when the walk is back at it: reading the cursor's node after each step up
    // made a Node object per step (a quarter of the cursor nodes a whole-stdlib lint made).
    let depth = 0;
    let descending = true;
    for (;;) {
      if (descending) {
        const current = cursor.currentNode;
        const stop = depth > 0 && stopAt?.(current);
        if (depth > 0 && current.isNamed && predicate(current)) out.push(current);
        if (!stop && cursor.gotoFirstChild()) {
          depth++;
          continue;
        }
      }
      if (depth > 0 && cursor.gotoNextSibling()) {
        descending = true;
        continue;
      }
      if (depth <= 1 || !cursor.gotoParent()) break;
      depth--;
      descending = false;
    }
  } finally {
    cursor.delete();
  }
  return out;
}

/** The def or class a statement defines: itself, or the one inside a decorated_definition. */
export function definitionOf(stmt: Node): Node | null {
  return stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
}

/** True when node's own scope (not a nested def, class or lambda) holds a `yield`; most bodies do not even spell it. */
export function hasOwnYield(node: Node): boolean {
  return /\byield\b/.test(node.text) && findDescendants(node, (n) => n.type === 'yield', isNestedScope).length > 0;
}

/**
 * The `return` statements of node's own scope: those of nested defs and classes are another function's (a lambda holds
 * no statement). Found by tree-sitter's own walk, not findDescendants' JS one (a microsecond a node): the impact ranking
 * asks it of every def whose return types a loop's iterable, a tenth of a keystroke's ranking in argparse's long methods.
 */
export function ownReturnStatements(node: Node): Node[] {
  const out: Node[] = [];
  // In document order, a nested def or class comes before the returns inside it: those end before its end.
  let nestedEnd = -1;
  for (const n of node.descendantsOfType(RETURNS_AND_DEFINITIONS)) {
    if (!n || n.id === node.id || n.startIndex < nestedEnd) continue;
    if (n.type === 'return_statement') out.push(n);
    else nestedEnd = n.endIndex;
  }
  return out;
}

const RETURNS_AND_DEFINITIONS = ['return_statement', 'function_definition', 'class_definition'];

/** Stop-predicate for findDescendants that keeps a search inside the current function body. */
export function isNestedScope(n: Node): boolean {
  return n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda';
}

/** node with the parentheses around it (`((f()))` gives the outer pair), so that its parent is the real context. */
export function withEnclosingParentheses(node: Node): Node {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  return n;
}

/** The expression inside the parentheses around it (`((x))` gives `x`): what it is, whatever the parentheses. */
export function withoutParentheses(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

/** True when inner's source range lies within outer's (a node contains itself). */
export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** The innermost node above a (a itself excluded) whose range also holds b; null when none does. */
export function commonAncestor(a: Node, b: Node): Node | null {
  for (let n = a.parent; n; n = n.parent) {
    if (contains(n, b)) return n;
  }
  return null;
}

/**
 * The identifier a receiver chain starts from: `batch` for `batch["x"].ids`, through attributes and
 * subscripts. With `throughCalls`, calls and parentheses are looked through too (`out` for
 * `(out.logits).argmax(-1)`). Null when the chain starts elsewhere (a literal, a call without
 * `throughCalls`).
 */
export function chainRoot(expr: Node, options: { throughCalls?: boolean } = {}): Node | null {
  for (let n: Node | null = expr; n;) {
    if (n.type === 'identifier') return n;
    if (n.type === 'attribute') n = n.childForFieldName('object');
    else if (n.type === 'subscript') n = n.childForFieldName('value');
    else if (options.throughCalls && n.type === 'call') n = n.childForFieldName('function');
    else if (options.throughCalls && n.type === 'parenthesized_expression') n = n.namedChild(0);
    else return null;
  }
  return null;
}

/** True when node sits in a `try` statement below scope: an exception escaping node may be handled there. */
export function hasEnclosingTry(node: Node, scope: Node): boolean {
  for (let n = node.parent; n && !n.equals(scope); n = n.parent) {
    if (n.type === 'try_statement') return true;
  }
  return false;
}

/**
 * The statement is directly followed by a `return` or `raise`, or by a `break` that leaves `top`
 * (it is the statement's own loop): the statement then runs at most once per entry to the loops.
 */
export function leavesTheLoops(stmt: Node, top: Node): boolean {
  const next = nextStatement(stmt);
  if (next?.type === 'return_statement' || next?.type === 'raise_statement') return true;
  return next?.type === 'break_statement' && enclosingLoops(next)[0]?.equals(top) === true;
}

/**
 * The loop's body ends in an unconditional `break` or `return`, and nothing in it goes on to another pass (`continue`):
 * it runs its body once at most (vits' `evaluate` takes one batch of the loader and breaks).
 */
export function endsAfterFirstPass(loop: Node): boolean {
  const body = loop.childForFieldName('body');
  const last = body?.namedChildren.filter((c) => c !== null && c.type !== 'comment').at(-1);
  if (last?.type !== 'break_statement' && last?.type !== 'return_statement') return false;
  const continues = findDescendants(body!, (n) => n.type === 'continue_statement' && enclosingLoops(n)[0]?.equals(loop) === true, isNestedScope);
  return continues.length === 0;
}

/** The statement after stmt in its block, comments skipped; null at the end of the block. */
export function nextStatement(stmt: Node): Node | null {
  let next = stmt.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  return next;
}

/** An except clause's text before its body: `except (AttributeError, ImportError) as e:`, for a look at what it catches. */
export function exceptHeader(clause: Node): string {
  const body = clause.childForFieldName('body') ?? clause.namedChildren.find((c) => c?.type === 'block') ?? null;
  return clause.text.slice(0, body ? body.startIndex - clause.startIndex : undefined);
}

/** The `try` statement has a handler whose header names an exception `exceptions` matches (`except NameError:`). */
export function tryCatches(tryStatement: Node, exceptions: RegExp): boolean {
  return tryStatement.namedChildren.some((c) => c?.type === 'except_clause' && exceptions.test(exceptHeader(c)));
}

/**
 * `node` runs in the body of a `try` (in its own def) with a handler `exceptions` matches (`except KeyError as e:`): the
 * code expects that exception there, so advice that would stop it being raised changes what the handler sees.
 */
export function caughtAround(node: Node, exceptions: RegExp): boolean {
  let child = node;
  for (const n of ancestors(node)) {
    if (isNestedScope(n)) return false;
    if (n.type === 'try_statement' && n.childForFieldName('body')?.equals(child) && tryCatches(n, exceptions)) return true;
    child = n;
  }
  return false;
}

/**
 * The statement stops an exception `exceptions` matches from leaving it: a `try` with such a handler (tryCatches), or a
 * `with contextlib.suppress(...)` naming one (`with suppress(KeyError, NameError):`).
 */
export function statementCatches(statement: Node, exceptions: RegExp): boolean {
  if (statement.type === 'try_statement') return tryCatches(statement, exceptions);
  if (statement.type !== 'with_statement') return false;
  const clause = statement.namedChildren.find((c) => c?.type === 'with_clause') ?? statement;
  return findDescendants(clause, (n) => n.type === 'call').some(
    (c) => /(^|\.)suppress$/.test(c.childForFieldName('function')?.text ?? '') && exceptions.test(c.childForFieldName('arguments')?.text ?? ''),
  );
}

/** `a and b and c` as its operands in order (the tree nests the chain to the left); any other expression is one operand. */
export function andOperands(node: Node): Node[] {
  if (node.type !== 'boolean_operator' || node.childForFieldName('operator')?.type !== 'and') return [node];
  return [...andOperands(node.childForFieldName('left')!), node.childForFieldName('right')!];
}

/**
 * The `and` expression that makes a `with` item (`with a() and b():`, also with `as x`) and holds `node` as one of its
 * operands, reached through `and`s only; null otherwise. Such an item's value is its last operand, the one manager entered.
 */
export function joinedWithItem(node: Node): Node | null {
  let top: Node | null = null;
  for (let n = node.parent; n?.type === 'boolean_operator' && n.childForFieldName('operator')?.type === 'and'; n = n.parent) top = n;
  const above = top?.parent;
  const inWith = above?.type === 'with_item' || (above?.type === 'as_pattern' && above.parent?.type === 'with_item');
  return inWith ? top : null;
}
