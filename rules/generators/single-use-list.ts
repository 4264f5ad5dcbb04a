import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindingOf,
  commonAncestor,
  contains,
  findDescendants,
  isDeclaredNonLocal,
  isNestedScope,
  nestedScopeOf,
  nextStatement,
  occurrences,
  plainAssignments,
  scopeOf,
  targetNames,
} from '../../server/analysis';
import { replaceRange } from '../../server/fixes';

/**
 * Built-ins that consume any iterable once. `sorted`, `list`, `tuple` and `str.join` are left out:
 * they build a full sequence from their argument anyway, so a generator saves nothing there.
 */
const CONSUMERS = new Set(['sum', 'min', 'max', 'any', 'all', 'set', 'frozenset', 'dict', 'enumerate', 'zip']);

/** Where the single use consumes the list: a `for` over it, or the sole argument of a consuming call. */
function consumingUse(id: Node, ctx: RuleContext): 'for' | 'call' | null {
  const p = id.parent;
  if ((p?.type === 'for_statement' || p?.type === 'for_in_clause') && p.childForFieldName('right')?.equals(id)) {
    // The first iterable of a comprehension is evaluated once; a nested one per outer item.
    if (p.type === 'for_in_clause') {
      const first = p.parent?.namedChildren.find((c) => c?.type === 'for_in_clause');
      if (!first?.equals(p)) return null;
    }
    return p.type === 'for_statement' && p.child(0)?.type === 'async' ? null : 'for';
  }
  if (p?.type === 'argument_list' && p.namedChildCount === 1 && p.parent?.type === 'call') {
    const fn = p.parent.childForFieldName('function');
    if (fn?.type === 'identifier' && CONSUMERS.has(fn.text) && ctx.facts.isBuiltin(fn.text, id)) return 'call';
  }
  return null;
}

/** Builtins that compute a value and do nothing else: calling them lazily, or not at all, changes nothing. */
const PURE_BUILTINS = new Set([
  'abs',
  'all',
  'any',
  'bin',
  'bool',
  'bytes',
  'callable',
  'chr',
  'dict',
  'divmod',
  'enumerate',
  'float',
  'format',
  'frozenset',
  'hash',
  'hex',
  'id',
  'int',
  'isinstance',
  'issubclass',
  'len',
  'list',
  'max',
  'min',
  'oct',
  'ord',
  'pow',
  'range',
  'repr',
  'reversed',
  'round',
  'set',
  'sorted',
  'str',
  'sum',
  'tuple',
  'type',
  'zip',
]);

/**
 * The comprehension calls something other than a pure builtin per element (its first iterable aside,
 * which is evaluated at once either way): `check_and_fix(p)`, `item.validate()`.
 */
function elementsHaveSideEffects(comp: Node, ctx: RuleContext): boolean {
  const first = comp.namedChildren.find((c) => c?.type === 'for_in_clause')?.childForFieldName('right');
  return (
    findDescendants(comp, (n) => {
      if (n.type !== 'call' || (first && n.startIndex >= first.startIndex && n.endIndex <= first.endIndex)) return false;
      const fn = n.childForFieldName('function');
      return !(fn?.type === 'identifier' && PURE_BUILTINS.has(fn.text) && ctx.facts.isBuiltin(fn.text, n));
    }).length > 0
  );
}

/** Statements that leave a loop before its iterable is exhausted (nested defs aside; `break` of this loop only). */
function exitsEarly(loop: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  const stops = findDescendants(body, (n) => ['return_statement', 'raise_statement', 'yield', 'break_statement'].includes(n.type), isNestedScope);
  return stops.some((n) => n.type !== 'break_statement' || innermostLoop(n)?.equals(loop));
}

function innermostLoop(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'for_statement' || n.type === 'while_statement') return n;
  return null;
}

/**
 * The consumer may stop before the end: `all(...)` / `any(...)` / `next(...)`, a comprehension passed
 * to one of them, or a `for` (directly or over enumerate()/zip()) that can break, return, raise or yield.
 * A list has run every element's calls by then; a generator would skip the rest.
 */
function mayStopEarly(use: Node, ctx: RuleContext): boolean {
  let iterable = use;
  const call = use.parent?.type === 'argument_list' ? use.parent.parent : null;
  if (call?.type === 'call') {
    const fn = call.childForFieldName('function');
    const name = fn?.type === 'identifier' && ctx.facts.isBuiltin(fn.text, call) ? fn.text : '';
    if (['all', 'any', 'next'].includes(name)) return true;
    if (!['enumerate', 'zip'].includes(name)) return false;
    iterable = call;
  }
  const loop = iterable.parent;
  if (loop?.type === 'for_statement' && loop.childForFieldName('right')?.equals(iterable)) return exitsEarly(loop);
  if (loop?.type === 'for_in_clause') {
    // `any(x.ok for x in items)`: the comprehension is consumed by a short-circuiting call.
    const consumer = loop.parent?.parent?.type === 'argument_list' ? loop.parent.parent.parent : loop.parent?.parent;
    const fn = consumer?.type === 'call' ? consumer.childForFieldName('function') : null;
    return fn?.type === 'identifier' && ['all', 'any', 'next'].includes(fn.text);
  }
  return false;
}

/** Branch bodies and handlers: code in them may not run when the statement around them does. */
const BRANCHES = new Set(['block', 'elif_clause', 'else_clause', 'except_clause', 'except_group_clause', 'finally_clause', 'case_clause']);

/**
 * True when `use` runs whenever the statement `next` runs: on the way up there is no if/elif/else,
 * loop, try or match body (a with body always runs), no branch of `a if c else b` and no right
 * operand of and/or.
 */
function alwaysReached(use: Node, next: Node): boolean {
  let child = use;
  for (let n = use.parent; n; child = n, n = n.parent) {
    if (n.type === 'boolean_operator' && n.childForFieldName('right')?.equals(child)) return false;
    if (n.type === 'conditional_expression' && !n.namedChild(1)?.equals(child)) return false;
    if (BRANCHES.has(child.type) && n.type !== 'with_statement') return false;
    if (n.equals(next)) return true;
  }
  return false;
}

/** Methods that block until the work an item stands for is done: futures, requests, threads, async results. */
const WAITS = new Set(['wait', 'result', 'join', 'get', 'exception']);

/**
 * The loop over the list (a `for` statement or comprehension, directly or through enumerate()/zip())
 * calls a waiting method on its loop variable: `for fut in futs: fut.result()`.
 */
function waitsOnEachItem(use: Node): boolean {
  let iterable = use;
  if (use.parent?.type === 'argument_list' && use.parent.parent?.type === 'call') iterable = use.parent.parent;
  const loop = iterable.parent;
  if ((loop?.type !== 'for_statement' && loop?.type !== 'for_in_clause') || !loop.childForFieldName('right')?.equals(iterable)) return false;
  const left = loop.childForFieldName('left');
  const items = new Set(left ? targetNames(left) : []);
  const region = loop.type === 'for_statement' ? loop.childForFieldName('body') : loop.parent;
  if (!region || items.size === 0) return false;
  return (
    findDescendants(region, (n) => {
      if (n.type !== 'call') return false;
      const fn = n.childForFieldName('function');
      const receiver = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
      return receiver?.type === 'identifier' && items.has(receiver.text) && WAITS.has(fn!.childForFieldName('attribute')?.text ?? '');
    }).length > 0
  );
}

/** Loops between node and ancestor (exclusive): a use inside one runs once per iteration. */
function loopBetween(node: Node, ancestor: Node): boolean {
  for (let n = node.parent; n && !n.equals(ancestor); n = n.parent) {
    if (n.type === 'for_statement' || n.type === 'while_statement') {
      // Being the loop's own iterable is evaluated once.
      if (n.childForFieldName('right')?.equals(node)) continue;
      return true;
    }
    if (['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression'].includes(n.type)) {
      const first = n.namedChildren.find((c) => c?.type === 'for_in_clause');
      if (first && node.startIndex >= first.childForFieldName('right')!.startIndex && node.endIndex <= first.childForFieldName('right')!.endIndex) continue;
      return true;
    }
  }
  return false;
}

export default defineRule({
  id: 'single-use-list',
  title: 'A list comprehension stored and then iterated exactly once',
  category: 'generators',
  severity: 'hint',
  quietOutsideHotCode: true,
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'generators-and-iterators',
  message: 'This list is built in full but consumed only once; a generator expression would produce items on demand',
  docs: {
    why:
      'A list comprehension computes and stores every element before the next statement runs. When the list is then ' +
      'walked once (one `for`, one `sum()`, one `"".join()`) and never indexed, measured or reused, holding all of it ' +
      'in memory buys nothing; for large inputs it is the peak-memory cost of the function.',
    instead:
      'Use a generator expression, `parsed = (parse(l) for l in lines)`, or move the comprehension into the loop header. ' +
      'Elements are then computed during the loop, so errors and side effects happen later than before.',
    example: {
      before: 'def load(lines):\n    parsed = [parse(l) for l in lines]\n    for rec in parsed:\n        store(rec)',
      after: 'def load(lines):\n    parsed = (parse(l) for l in lines)\n    for rec in parsed:\n        store(rec)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use a generator expression',
    reason: 'elements are computed lazily during the loop, so exceptions and side effects of the comprehension happen later, interleaved with the loop body',
  },
  query: `
(expression_statement
  (assignment left: (identifier) @name right: (list_comprehension) @comp)) @stmt`,
  check(m, ctx) {
    const stmt = m.need('stmt');
    const name = m.need('name').text;
    const comp = m.need('comp');
    const scope = scopeOf(stmt);
    if (scope.type !== 'function_definition') return; // module-level names may be imported elsewhere
    if (isDeclaredNonLocal(scope, name)) return;
    if (findDescendants(comp, (n) => n.type === 'await' || (n.type === 'for_in_clause' && n.child(0)?.type === 'async')).length > 0) return;
    const uses = occurrences(scope, name).filter((id) => !id.equals(m.need('name')));
    if (uses.length !== 1) return;
    const use = uses[0];
    if (bindingOf(use) || nestedScopeOf(use, scope) || use.startIndex < stmt.endIndex) return;
    const how = consumingUse(use, ctx);
    if (!how) return;
    // The definition and the use must run the same number of times.
    const common = commonAncestor(stmt, use);
    if (!common || loopBetween(use, common) || loopBetween(stmt, common)) return;
    // The use must come right after (nothing may run between building and consuming), and the
    // consumer must not touch what the comprehension reads: `todo = [k for k in d if …]` followed
    // by `for k in todo: del d[k]` needs the snapshot.
    const next = nextStatement(stmt);
    if (!next || !contains(next, use)) return;
    // A list consumed only on some paths runs its calls on all of them; a generator would skip them.
    if (!alwaysReached(use, next)) return;
    // `futs = [pool.submit(f, x) for x in xs]` then `for fut in futs: fut.result()` starts every task
    // before waiting on the first: lazily, each task would start only after the previous one finished.
    if (comp.childForFieldName('body')?.type === 'call' && waitsOnEachItem(use)) return;
    // `r = [check_and_fix(p) for p in files]` then `if not all(r)`: every file is checked and fixed; with a
    // generator, all() would stop at the first failure and skip the others.
    if (mayStopEarly(use, ctx) && elementsHaveSideEffects(comp, ctx)) return;
    const sources = comp.namedChildren
      .filter((c): c is Node => c?.type === 'for_in_clause')
      .map((c) => c.childForFieldName('right'))
      .filter((r): r is Node => r !== null);
    const roots = new Set<string>();
    const addRoots = (expr: Node, depth: number) => {
      const ids = expr.type === 'identifier' ? [expr] : findDescendants(expr, (n) => n.type === 'identifier');
      for (const id of ids) {
        if (roots.has(id.text)) continue;
        roots.add(id.text);
        // Through local aliases too: `attrs = cls.__dict__` makes the list a snapshot of `cls`.
        if (depth >= 3) continue;
        for (const { id: bound, value } of plainAssignments(scope, id.text)) {
          if (bound.startIndex >= stmt.startIndex) break;
          const object = aliasedObject(value);
          if (object) addRoots(object, depth + 1);
        }
      }
    };
    for (const src of sources) addRoots(src, 0);
    // The whole consuming statement but the use itself: a comprehension's body comes before its `for`
    // (`_ = [d.pop(k) for k in empty]` mutates `d` while the list is walked).
    const consumer = next.text.slice(0, use.startIndex - next.startIndex) + ' ' + next.text.slice(use.endIndex - next.startIndex);
    for (const root of roots) {
      if (new RegExp(`\\b${root}\\b`).test(consumer)) return;
    }
    // `[d for d in root.rglob("__pycache__")]` then `shutil.rmtree(d)` for each: the list is a snapshot of a directory
    // walk the loop changes; lazily, the walk would meet the folders as they are deleted (kedro, judged wrong in review32).
    if (sources.some((src) => LAZY_DIRECTORY_WALK.test(src.text)) && CHANGES_FILES.test(consumer)) return;
    ctx.report({
      node: comp,
      message: `\`${name}\` is built as a list but only ${how === 'for' ? 'iterated' : 'consumed'} once; a generator expression avoids holding it all in memory`,
      edits: [replaceRange(comp.startIndex, comp.startIndex + 1, '('), replaceRange(comp.endIndex - 1, comp.endIndex, ')')],
    });
  },
});

/** A directory walk that yields as it goes (`glob.glob` and `os.listdir` return lists, read before the loop starts). */
const LAZY_DIRECTORY_WALK = /\.(?:rglob|iterdir|walk|scandir|iglob)\s*\(|(?<!\bglob)\.glob\s*\(/;
/** A call that creates, moves or deletes files or folders. */
const CHANGES_FILES =
  /\b(?:rmtree|remove|removedirs|unlink|rename|renames|replace|rmdir|mkdir|makedirs|move|copy|copy2|copyfile|copytree|touch|write_text|write_bytes|symlink_to|hardlink_to)\s*\(/;

/**
 * The object a value is a view of: `cls` for `cls.__dict__`, `d` for `d.items()` or `d["k"]`; null
 * for anything that builds a new object (a call, a literal), which aliases nothing.
 */
function aliasedObject(value: Node): Node | null {
  for (let n: Node | null = value; n;) {
    if (n.type === 'identifier') return n;
    if (n.type === 'attribute') n = n.childForFieldName('object');
    else if (n.type === 'subscript') n = n.childForFieldName('value');
    else if (n.type === 'call') {
      const fn: Node | null = n.childForFieldName('function');
      const view: boolean = fn?.type === 'attribute' && /^(keys|values|items)$/.test(fn.childForFieldName('attribute')?.text ?? '');
      n = view ? fn!.childForFieldName('object') : null;
    } else return null;
  }
  return null;
}
