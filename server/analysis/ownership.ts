// What happens to a resource (file, socket, pool, session…) bound to a local name: is it managed
// by a `with`/`finally`, handed on to someone else (returned, stored, passed to an unknown call),
// closed by hand, or simply dropped? Syntax only, one scope, conservative: anything we do not
// recognise counts as handing the resource on, so rules built on this stay silent.
import type { Node } from '../syntax/parser';
import { isDeclaredNonLocal, nestedScopeOf, occurrences, scopeOf } from './names';
import { exceptHeader, withEnclosingParentheses } from './scopes';

export interface OwnershipOptions {
  /** Methods that release the resource: `close`, `shutdown`, `terminate`… */
  closeMethods: readonly string[];
  /** False when `with res:` does not release it (sqlite3 connections only commit). Default true. */
  withReleases?: boolean;
  /** Call names (dotted text of the callee, or its last part) that use the resource without taking it over. */
  borrowers?: RegExp;
}

export type Fate =
  /** A with/finally/closing()/callback takes care of it. */
  | { kind: 'managed' }
  /** Returned, stored or passed on: someone else owns it now. */
  | { kind: 'escapes' }
  /** Only used here. `release` is the first explicit release call (`f.close()`), if any. */
  | { kind: 'local'; release: Node | null; rebound: Node | null };

/** Callees that take over releasing whatever they receive. */
const MANAGERS = /(^|\.)(closing|aclosing|enter_context|enter_async_context|callback|push_async_callback|addCleanup|register|finalize)$/;
/** Builtins and helpers that read from or write to an argument without keeping it. */
const DEFAULT_BORROWERS = /^(print|list|tuple|set|sorted|enumerate|zip|iter|next|len|isinstance|repr|str|hasattr|getattr|id|type)$/;

/** The call whose argument list holds node directly (positional or keyword value), or null. */
export function callTakingArgument(node: Node): Node | null {
  let p = node.parent;
  if (p?.type === 'keyword_argument') p = p.parent;
  return p?.type === 'argument_list' && p.parent?.type === 'call' ? p.parent : null;
}

/**
 * The local name a resource (a call, its parentheses looked through) is bound to by a plain
 * `name = <resource>` statement in a def: the statement, the name and the def's scope. Null for
 * any other use, and for names that outlive the call (module level, global or nonlocal, a class
 * attribute): those resources are meant to live long.
 */
export function localBinding(outer: Node): { stmt: Node; left: Node; scope: Node } | null {
  const assign = outer.parent;
  if (assign?.type !== 'assignment' || !assign.childForFieldName('right')?.equals(outer)) return null;
  const left = assign.childForFieldName('left');
  const stmt = assign.parent;
  if (left?.type !== 'identifier' || stmt?.type !== 'expression_statement') return null;
  const scope = scopeOf(stmt);
  if (scope.type === 'module' || isDeclaredNonLocal(scope, left.text)) return null;
  if (stmt.parent?.parent?.type === 'class_definition') return null;
  return { stmt, left, scope };
}

/** The fate of the resource bound by `stmt` (an expression statement `name = <resource>`). */
export function fateOfBinding(stmt: Node, name: string, scope: Node, options: OwnershipOptions): Fate {
  // The resource's life ends where a later statement of the same block rebinds the name.
  let limit = Infinity;
  let rebound: Node | null = null;
  for (let s = stmt.nextNamedSibling; s; s = s.nextNamedSibling) {
    const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === name) {
      limit = a.endIndex;
      rebound = a.childForFieldName('left');
      break;
    }
  }
  let release: Node | null = null;
  for (const id of occurrences(scope, name)) {
    if (id.startIndex < stmt.endIndex || (rebound && id.equals(rebound))) continue;
    const nested = nestedScopeOf(id, scope) !== null;
    if (!nested && id.startIndex >= limit) continue;
    if (nested) return { kind: 'escapes' }; // a closure keeps using it
    const use = classifyUse(id, options);
    if (use === 'managed') return { kind: 'managed' };
    if (use === 'escapes') return { kind: 'escapes' };
    if (use === 'release' && !release) release = id.parent!.parent!;
  }
  // `cur = conn.cursor(); return cur.execute(q)`: what the resource made is handed to the caller, who needs the resource
  // open (nltk's chat80.sql_query returns the cursor: closing the connection would break every caller).
  if (derivedValueReturned(stmt, name, scope, limit)) return { kind: 'escapes' };
  return { kind: 'local', release, rebound };
}

/** Methods that return a handle working through the resource (a cursor, a file over a socket), not a plain value. */
const HANDLE_METHODS = new Set(['cursor', 'execute', 'executemany', 'makefile', 'open_sftp', 'invoke_shell']);

/** A name bound from a handle the resource made (`cur = conn.cursor()`) is read in a `return` of the scope. */
function derivedValueReturned(stmt: Node, name: string, scope: Node, limit: number): boolean {
  for (const id of occurrences(scope, name)) {
    if (id.startIndex < stmt.endIndex || id.startIndex >= limit || nestedScopeOf(id, scope) !== null) continue;
    const attribute = id.parent;
    const method = attribute?.type === 'attribute' && attribute.childForFieldName('object')?.equals(id) ? attribute.childForFieldName('attribute')?.text : null;
    const call = method && HANDLE_METHODS.has(method) ? attribute!.parent : null;
    const assignment = call?.type === 'call' ? withEnclosingParentheses(call).parent : null;
    const derived = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
    if (derived?.type !== 'identifier') continue;
    for (const use of occurrences(scope, derived.text)) {
      if (use.startIndex <= assignment!.endIndex || nestedScopeOf(use, scope) !== null) continue;
      for (let n: Node | null = use.parent; n && n.id !== scope.id; n = n.parent) {
        if (n.type === 'return_statement') return true;
        if (n.type === 'block') break;
      }
    }
  }
  return false;
}

type Use = 'managed' | 'escapes' | 'release' | 'use';

/**
 * `try: … except BaseException: f.close(); raise  else: f.close(); …`: a handler that catches everything and the
 * `else` clause both close the resource, so every way out of the `try` does, as a `finally` would (ignite's atomic
 * checkpoint save).
 */
function closedOnEveryWayOut(close: Node, name: string, methods: readonly string[]): boolean {
  let clause: Node | null = null;
  for (let n: Node | null = close.parent; n && !clause; n = n.parent) {
    if (n.type === 'except_clause' || n.type === 'else_clause') clause = n;
    if (n.type === 'function_definition' || n.type === 'lambda') return false;
  }
  const tryStatement = clause?.parent;
  if (tryStatement?.type !== 'try_statement') return false;
  const closes = (n: Node) => methods.some((m) => new RegExp(`\\b${name}\\s*\\.\\s*${m}\\s*\\(`).test(n.text));
  const catchAll = tryStatement.namedChildren.find((c) => c?.type === 'except_clause' && /^except\s*(\(?\s*BaseException\b|:)/.test(exceptHeader(c)));
  const orElse = tryStatement.namedChildren.find((c) => c?.type === 'else_clause');
  return !!catchAll && !!orElse && closes(catchAll) && closes(orElse);
}

function classifyUse(id: Node, options: OwnershipOptions): Use {
  const p = id.parent!;
  if (p.type === 'attribute' && p.childForFieldName('object')?.equals(id)) {
    const attr = p.childForFieldName('attribute')!.text;
    const called = p.parent?.type === 'call' && p.parent.childForFieldName('function')?.equals(p);
    if (options.closeMethods.includes(attr) || attr === '__exit__' || attr === '__aexit__') {
      if (!called) return 'managed'; // `atexit.register(f.close)`, `stack.callback(pool.shutdown)`
      for (let n: Node | null = p.parent; n; n = n.parent) if (n.type === 'finally_clause') return 'managed';
      if (closedOnEveryWayOut(p, id.text, options.closeMethods)) return 'managed';
      return 'release';
    }
    return 'use';
  }
  const outer = withEnclosingParentheses(id);
  const q = outer.parent!;
  if (q.type === 'with_item' || q.type === 'as_pattern') return options.withReleases === false ? 'use' : 'managed';
  if (q.type === 'for_statement' || q.type === 'for_in_clause') return 'use';
  if (q.type === 'await') return 'use';
  const taker = callTakingArgument(outer);
  if (taker) {
    const fn = taker.childForFieldName('function');
    const text = fn?.text ?? '';
    const last = text.split('.').pop() ?? '';
    if (MANAGERS.test(text)) return 'managed';
    if (DEFAULT_BORROWERS.test(text)) return 'use';
    if (q.type === 'keyword_argument' && q.childForFieldName('name')?.text === 'file') return 'use'; // print(..., file=f)
    if (options.borrowers && (options.borrowers.test(text) || options.borrowers.test(last))) return 'use';
    return 'escapes';
  }
  if (
    q.type === 'comparison_operator' ||
    q.type === 'boolean_operator' ||
    q.type === 'not_operator' ||
    q.type === 'if_statement' ||
    q.type === 'while_statement' ||
    q.type === 'expression_statement' ||
    q.type === 'assert_statement'
  ) {
    return 'use';
  }
  return 'escapes';
}
