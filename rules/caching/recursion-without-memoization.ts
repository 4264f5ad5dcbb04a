import { defineRule } from '../../server/engine/rule';
import { type Node, possibleCallsOf, wordOffsets } from '../../server/syntax';
import {
  attributesOfName,
  cacheDecorator,
  callsOfNameIn,
  commonAncestor,
  compiledByDecorator,
  contains,
  decoratorsOf,
  definitionStatement,
  enclosingLoop,
  findDescendants,
  hasOwnYield,
  inNestedScope,
  isNestedScope,
  parameterNames,
  positionalArguments,
  statementsByKeyword,
  teachingMaterial,
} from '../../server/analysis';
import { ensureImport, eolOf, indentAt, insertAt } from '../../server/fixes';

const ARITH = new Set(['+', '-', '*', '//', '%']);

/** An integer-index-like argument: names, ints, `n - 1`, `w - weights[i]`. Overlapping sub-problems come from these. */
function isIndexExpr(node: Node): boolean {
  switch (node.type) {
    case 'integer':
    case 'identifier':
      return true;
    case 'parenthesized_expression':
      return node.namedChild(0) !== null && isIndexExpr(node.namedChild(0)!);
    case 'unary_operator':
      return isIndexExpr(node.childForFieldName('argument')!);
    case 'binary_operator':
      return (
        ARITH.has(node.childForFieldName('operator')?.type ?? '') &&
        isIndexExpr(node.childForFieldName('left')!) &&
        isIndexExpr(node.childForFieldName('right')!)
      );
    case 'subscript': {
      const index = node.childForFieldName('subscript');
      return node.childForFieldName('value')?.type === 'identifier' && index !== null && index.type !== 'slice' && isIndexExpr(index);
    }
    default:
      return false;
  }
}

/** The positions where some self-call steps a parameter (`n - 1`, `n // 26 - 1`, `n + d - 1`): the recursion's variables. */
function steppedPositions(selfCalls: readonly Node[], params: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (const call of selfCalls) {
    positionalArguments(call).forEach((a, i) => {
      if (a.type === 'binary_operator' && findDescendants(a, (n) => n.type === 'identifier' && params.includes(n.text)).length > 0) out.add(i);
    });
  }
  return out;
}

/**
 * A self-call that passes an integer literal or a remainder by one (`f(1, m)`, `f(n % 26)`) where the recursion steps
 * its variable: a base case's input, not a second branch of the recursion.
 */
function pinnedToLeaf(call: Node, stepped: ReadonlySet<number>): boolean {
  return positionalArguments(call).some(
    (a, i) =>
      stepped.has(i) &&
      (a.type === 'integer' ||
        (a.type === 'binary_operator' && a.childForFieldName('operator')?.type === '%' && a.childForFieldName('right')?.type === 'integer')),
  );
}

/** False when a and b sit in different branches of one if/elif/else or conditional expression. */
function mayRunTogether(a: Node, b: Node): boolean {
  const lca = commonAncestor(a, b);
  if (!lca) return true;
  if (lca.type === 'if_statement' || lca.type === 'conditional_expression') {
    const branches =
      lca.type === 'if_statement'
        ? lca.namedChildren.filter((c): c is Node => c !== null && (c.type === 'block' || c.type === 'elif_clause' || c.type === 'else_clause'))
        : [lca.namedChild(0), lca.namedChild(2)].filter((c): c is Node => c !== null);
    const ia = branches.findIndex((br) => contains(br, a));
    const ib = branches.findIndex((br) => contains(br, b));
    if (ia >= 0 && ib >= 0 && ia !== ib) return false;
  }
  return true;
}

const LOOPS = new Set(['for_statement', 'while_statement']);

/** A `for` or `while` statement anywhere in body (nested defs included), found where its text spells the keyword. */
function hasLoop(body: Node): boolean {
  return statementsByKeyword(body, 'for', LOOPS).length > 0 || statementsByKeyword(body, 'while', LOOPS).length > 0;
}

/** A def in a class body (decorated or not): a method, which the rule leaves alone (its self-calls go through an instance). */
function isMethod(fn: Node): boolean {
  const parent = fn.parent;
  if (parent?.parent?.type === 'class_definition') return true;
  return parent?.type === 'decorated_definition' && parent.parent?.type === 'block' && parent.parent.parent?.type === 'class_definition';
}

export default defineRule({
  id: 'recursion-without-memoization',
  title: 'A recursive function with overlapping sub-calls and no cache',
  category: 'caching',
  severity: 'info',
  severityForms: [
    { severity: 'hint', when: 'when an argument is indexed as a sequence, which `lru_cache` can only key on as a tuple (an array or list raises TypeError)' },
  ],
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'caching',
  message: 'This recursion recomputes the same sub-problems; memoise it with `functools.lru_cache`',
  docs: {
    why:
      'A function that calls itself several times on shrinking integer arguments (`f(n - 1) + f(n - 2)`, ' +
      '`f(i - 1, j) + f(i, j - 1)`) solves the same sub-problems again and again: the number of calls grows ' +
      'exponentially. Remembering each result makes it linear or polynomial: `fib(30)` drops from over a million ' +
      "calls to 31. In teaching material (a book's chapter, a course's lesson) the naive form is usually the lesson " +
      'itself, timed against a memoised one: ranked low there, a hint.',
    instead:
      'Decorate it with `@functools.lru_cache(maxsize=None)` (or `@functools.cache`) when its arguments are hashable ' +
      'and it has no side effects, or rewrite it as a bottom-up loop over a table. Functions compiled by a decorator ' +
      '(numba `@njit`/`@jit`, `torch.jit.script`, `tf.function`, Cython) are not flagged: a Python cache around them breaks the compiled recursive call.',
    example: {
      before: 'def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)',
      after: 'import functools\n\n@functools.lru_cache(maxsize=None)\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Add @functools.lru_cache(maxsize=None)',
    reason: 'results are then shared between calls (a mutable result would be shared too), arguments must be hashable, and side effects run once per argument',
  },
  query: `(function_definition name: (identifier) @name parameters: (parameters (_)) body: (block) @body) @fn`,
  check(m, ctx) {
    const fn = m.need('fn');
    // Methods first: two or three parent steps from a def near the top of the tree cost less than reading the body's
    // text, and most defs of a class-heavy module (typing.py, re-linted per keystroke in its classes) are methods.
    if (isMethod(fn)) return;
    const name = m.need('name').text;
    const body = m.need('body');
    // Cheapest text test: at most one spelling of a call of its own name and no loop keyword means no overlapping
    // recursion, without touching the tree (most functions stop here).
    const text = body.text;
    const possible = possibleCallsOf(text, name);
    if (possible === 0 || (possible === 1 && wordOffsets(text, 'for').length === 0 && wordOffsets(text, 'while').length === 0)) return;
    // Cheap second test: at least two calls of the function's own name (found where the text spells them).
    const ownCalls = callsOfNameIn(body, name);
    if (ownCalls.length === 0 || (ownCalls.length === 1 && !hasLoop(body))) return;
    if (cacheDecorator(fn, ctx.facts) || decoratorsOf(fn).some((d) => /cache|memo/i.test(d.text))) return;
    // A compiled function (numba's njit/jit, TorchScript, tf.function, Cython): an lru_cache around it would
    // route the recursive call through a Python object the compiler cannot type, so the advice would break it.
    if (compiledByDecorator(ctx.facts, fn)) return;
    const params = parameterNames(fn);
    // Hand-made memo: a parameter or name that looks like one.
    if (params.some((p) => /memo|cache|seen|table|dp/i.test(p))) return;
    if (/\b(memo|cache|_cache|dp)\b/.test(body.text)) return;
    // A pure function of its arguments: it returns values and is not a generator, and its
    // parameters are plain values (never an object whose attributes or methods it uses).
    if (hasOwnYield(body)) return;
    // The body's own returns, loops and parameter attributes are read where its text spells their keyword or name, not
    // by walking (and marshalling) every node of those types: the edited def is checked again on each keystroke in it.
    const nested = inNestedScope(body);
    const own = (keyword: string, type: string) => statementsByKeyword(body, keyword, new Set([type])).filter((n) => !nested(n));
    if (!own('return', 'return_statement').some((n) => n.namedChildCount > 0)) return;
    if (params.some((p) => attributesOfName(body, p).some((n) => !nested(n)))) return;
    // Self-calls whose results are combined (`f(n - 1) + f(n - 2)`), not recursion run for its side effects.
    const selfCalls = ownCalls.filter((c) => c.parent?.type !== 'expression_statement' && !nested(c));
    if (selfCalls.length < 2 && !(selfCalls.length === 1 && enclosingLoop(selfCalls[0]))) return;
    // Overlap needs integer-like arguments; slices, attributes (tree.left) and calls split the data
    // instead. And some call must step a parameter arithmetically (`n - 1`), as dynamic programmes do.
    let steps = false;
    const rangeVars = new Set(
      own('for', 'for_statement')
        .filter((n) => /^range\(/.test(n.childForFieldName('right')?.text ?? ''))
        .map((l) => l.childForFieldName('left')?.text ?? ''),
    );
    for (const c of selfCalls) {
      const args = (c.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? []).map((a) =>
        a.type === 'keyword_argument' ? a.childForFieldName('value')! : a,
      );
      if (args.length === 0 || !args.every(isIndexExpr)) return;
      // Every name passed must be a parameter or a range() loop variable: a fresh local such as a
      // midpoint (`f(a, m)`, `f(m, b)`) splits the problem (divide and conquer) instead of overlapping.
      for (const a of args) {
        const names =
          a.type === 'identifier'
            ? [a]
            : findDescendants(a, (n) => n.type === 'identifier' && !(n.parent?.type === 'subscript' && n.parent.childForFieldName('value')?.equals(n)));
        if (names.some((n) => !params.includes(n.text) && !rangeVars.has(n.text))) return;
      }
      if (
        args.some(
          (a) =>
            a.type === 'binary_operator' &&
            ['+', '-'].includes(a.childForFieldName('operator')!.type) &&
            findDescendants(a, (n) => n.type === 'identifier' && params.includes(n.text)).length > 0,
        )
      )
        steps = true;
    }
    if (!steps) return;
    if (splitsAtLookedUpPoint(selfCalls)) return;
    // Two self-calls in one statement (`f(n - 1) + f(n - 2)`), or one inside a loop. Calls in
    // separate statements are often on exclusive paths (early returns), so they do not count.
    let overlapping = selfCalls.some((c) => {
      const loop = enclosingLoop(c);
      return loop !== null && loop.startIndex > fn.startIndex;
    });
    const perStatement = new Map<number, Node[]>();
    for (const c of selfCalls) {
      let st: Node = c;
      while (st.parent && st.parent.type !== 'block') st = st.parent;
      perStatement.set(st.id, [...(perStatement.get(st.id) ?? []), c]);
    }
    // `f(n // 26 - 1) + f(n % 26)`, `r(1, n + d - 1) * r(d - 1, n)`: a call pinned to a constant or a remainder is a leaf,
    // so the other call recurses alone, a chain without shared sub-problems (review71: an Excel column namer and
    // Dedalus' Jacobi ratios, judged wrong).
    const stepped = steppedPositions(selfCalls, params);
    for (const all of perStatement.values()) {
      const group = all.filter((c) => !pinnedToLeaf(c, stepped));
      for (let i = 0; i < group.length && !overlapping; i++) {
        for (let j = i + 1; j < group.length && !overlapping; j++) overlapping = mayRunTogether(group[i], group[j]);
      }
    }
    if (!overlapping) return;
    const message = `\`${name}\` calls itself repeatedly on overlapping arguments, recomputing sub-results; memoise it with \`functools.lru_cache\``;
    // In a book's chapter or a course's lesson the naive recursion is usually the lesson itself, timed against the memoised
    // version a few cells on (py4fi2nd's performance chapter, judged noise): a hint there, with the reason.
    const teaching = teachingMaterial(ctx.filePath, { files: ctx.files, givenRoot: ctx.projectRoot });
    const lesson = teaching ? { lowImpact: `${teaching.split(':')[0]}: a naive recursion there is usually the lesson, shown beside its memoised form` } : {};
    // The fix only when every parameter is used as a scalar (never indexed or iterated: lists are unhashable).
    const sequences = params.filter(
      (p) =>
        findDescendants(
          body,
          (n) =>
            n.type === 'identifier' &&
            n.text === p &&
            ((n.parent?.type === 'subscript' && n.parent.childForFieldName('value')?.equals(n)) ||
              n.parent?.type === 'for_statement' ||
              n.parent?.type === 'attribute'),
        ).length > 0,
    );
    const scalar = sequences.length === 0;
    const sideEffects =
      findDescendants(
        body,
        (n) =>
          n.type === 'global_statement' ||
          n.type === 'nonlocal_statement' ||
          (n.type === 'call' && ['print', 'input', 'open'].includes(n.childForFieldName('function')?.text ?? '')),
        isNestedScope,
      ).length > 0;
    if (!scalar) {
      // `B(p, u, i, x)` over a knot vector `u` (interpolation.py's B-splines, handed an ndarray): lru_cache hashes every
      // argument, and an array or a list raises TypeError (review73: the plain advice judged wrong). A hint that says so.
      const u = sequences[0];
      ctx.report({
        node: m.need('name'),
        message: `${message}, keyed on hashable arguments: \`${u}\` is indexed as a sequence, and an array or list there makes \`lru_cache\` raise TypeError (pass a tuple, or cache an inner function of the other arguments)`,
        severity: 'hint',
        ...lesson,
      });
      return;
    }
    if (sideEffects) {
      ctx.report({ node: m.need('name'), message, ...lesson });
      return;
    }
    const functools = ensureImport(ctx.facts, 'functools', 'lru_cache');
    const stmt = definitionStatement(fn);
    ctx.report({
      node: m.need('name'),
      message,
      ...lesson,
      edits: [...functools.edits, insertAt(stmt.startIndex, `@${functools.ref}(maxsize=None)${eolOf(ctx.text)}${indentAt(ctx.text, stmt.startIndex)}`)],
    });
  },
});

/**
 * Divide and conquer at a split point read from a table: `f(i, order[i, j])` and
 * `f(order[i, j] + 1, j)`. The same looked-up value ends one call's range and starts another's (as
 * itself or plus one, at another argument position): the ranges are disjoint and nothing repeats.
 */
function splitsAtLookedUpPoint(selfCalls: readonly Node[]): boolean {
  const argsOf = (c: Node) =>
    (c.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? []).map((a) => a.text.replace(/\s+/g, ''));
  const calls = selfCalls.map(argsOf);
  for (const [k, args] of calls.entries()) {
    for (const [p, arg] of args.entries()) {
      if (!/^\w+\[[^\]]+\]$/.test(arg)) continue; // a bare lookup: `order[i,j]`
      const starts = calls.some((other, m) => m !== k && other.some((a, q) => q !== p && (a === arg || a === `${arg}+1`)));
      if (starts) return true;
    }
  }
  return false;
}
