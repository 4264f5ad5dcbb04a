import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  callArguments,
  enclosingLoops,
  type FileFacts,
  findDescendants,
  hasEnclosingTry,
  isNestedScope,
  moduleRef,
  nestedScopeOf,
  occurrences,
  scopeOf,
  values,
} from '../../server/analysis';
import { eolOf, freshName, hasCommentBetween, indentAt, insertAt, lineStartOf, ownsLines, replaceNode } from '../../server/fixes';

/** Reductions that read the array and change nothing: hoisted, and also allowed as other uses of it in the loop. */
const HOISTED = new Set(['sum', 'mean', 'std', 'max', 'min']);
const PURE_METHODS = new Set([...HOISTED, 'var', 'median', 'any', 'all', 'argmax', 'argmin', 'copy', 'tolist']);
const NUMPY: Record<string, string> = { 'numpy.sum': 'sum', 'numpy.mean': 'mean', 'numpy.max': 'max', 'numpy.min': 'min' };
/** Attributes whose read is plain data. */
const PURE_ATTRIBUTES = new Set(['shape', 'size', 'ndim', 'dtype']);
/** Builtins that only read their argument. */
const PURE_BUILTINS = new Set(['len', 'print', 'str', 'repr', 'float', 'int', 'bool', 'abs', 'round']);
/** Where a subscript read `a[i]` yields a new value rather than a view that could be written through. */
const VALUE_CONTEXTS = new Set(['binary_operator', 'comparison_operator', 'unary_operator', 'boolean_operator', 'not_operator']);

/** Arguments written as literals only (`axis=0`): they cannot depend on the loop. */
function literalArguments(args: Node[]): boolean {
  const literal = (n: Node | null) => !!n && ['integer', 'float', 'string', 'true', 'false', 'none'].includes(n.type);
  return args.every((a) => (a.type === 'keyword_argument' ? literal(a.childForFieldName('value')) : literal(a)));
}

/** The reduction `call` computes on a plain name: `a.mean()` or `np.mean(a)`, or null. */
function reductionOf(call: Node, ctx: RuleContext): { array: Node; method: string; key: string } | null {
  const fn = call.childForFieldName('function');
  const args = callArguments(call);
  const numpyMethod = NUMPY[ctx.facts.calleeName(call) ?? ''];
  if (numpyMethod) {
    const [first, ...rest] = args;
    if (first?.type !== 'identifier' || !literalArguments(rest)) return null;
    return { array: first, method: numpyMethod, key: keyOf(first.text, numpyMethod, rest) };
  }
  const object = fn?.childForFieldName('object');
  const method = fn?.childForFieldName('attribute')?.text ?? '';
  if (fn?.type !== 'attribute' || object?.type !== 'identifier' || !HOISTED.has(method) || !literalArguments(args)) return null;
  return { array: object, method, key: keyOf(object.text, method, args) };
}

/** `np.sum(a)` and `a.sum()` compute the same (NumPy calls the method of a Series): one key for both spellings. */
function keyOf(array: string, method: string, args: Node[]): string {
  return `${array}.${method}(${args.map((a) => a.text).join(', ')})`;
}

/** True when this use of the array inside the loop only reads it. */
function readOnlyUse(id: Node, ctx: RuleContext): boolean {
  const parent = id.parent;
  if (!parent) return false;
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.equals(id)) {
    const name = parent.childForFieldName('attribute')?.text ?? '';
    const outer = parent.parent;
    if (outer?.type === 'call' && outer.childForFieldName('function')?.equals(parent)) return PURE_METHODS.has(name);
    const stored = (outer?.type === 'assignment' || outer?.type === 'augmented_assignment') && outer.childForFieldName('left')?.equals(parent);
    return PURE_ATTRIBUTES.has(name) && !stored;
  }
  if (parent.type === 'subscript' && parent.childForFieldName('value')?.equals(id)) return VALUE_CONTEXTS.has(parent.parent?.type ?? '');
  if (parent.type === 'for_statement' && parent.childForFieldName('right')?.equals(id)) return true;
  if (parent.type === 'argument_list' && parent.parent?.type === 'call') {
    const call = parent.parent;
    const fn = call.childForFieldName('function');
    if (fn?.type === 'identifier' && PURE_BUILTINS.has(fn.text) && callArguments(call).length === 1) return true;
    return !!reductionOf(call, ctx);
  }
  return VALUE_CONTEXTS.has(parent.type);
}

/** The call around a use of the array when that use is a reduction this rule hoists. */
function reductionAround(id: Node, ctx: RuleContext): { call: Node; key: string } | null {
  const p = id.parent;
  const call = p?.type === 'attribute' ? p.parent : p?.type === 'argument_list' ? p.parent : null;
  if (call?.type !== 'call') return null;
  const r = reductionOf(call, ctx);
  return r?.array.equals(id) ? { call, key: r.key } : null;
}

/** The bindings of `name` in `scope` do not make it a view or alias of another local that the loop touches. */
function noAliasTouchedIn(scope: Node, name: string, loop: Node, ctx: RuleContext): boolean {
  const modules = new Set([moduleRef(ctx.facts, 'numpy'), moduleRef(ctx.facts, 'pandas')]);
  for (const id of occurrences(scope, name)) {
    if (id.startIndex >= loop.startIndex && id.endIndex <= loop.endIndex) continue;
    // Used in a nested def or lambda: code called in the loop could change it.
    if (nestedScopeOf(id, scope)) return false;
    const parent = id.parent;
    // `b = a` elsewhere: writes through b change a.
    if (parent?.type === 'assignment' && parent.childForFieldName('right')?.equals(id)) return false;
    if (parent?.type === 'assignment' && parent.childForFieldName('left')?.equals(id)) {
      // `a = b[:10]`, `a = b.reshape(-1)`: a view of b, which the loop may write.
      for (const other of parent.childForFieldName('right')?.descendantsOfType('identifier') ?? []) {
        if (!other || modules.has(other.text) || other.parent?.type === 'keyword_argument') continue;
        if (other.parent?.type === 'attribute' && other.parent.childForFieldName('attribute')?.equals(other)) continue;
        if (occurrences(loop, other.text).length > 0) return false;
      }
    }
  }
  return true;
}

/**
 * The `while` loop whose condition computes `call` (`while x < a.max():`): the condition runs before every pass, so
 * the loop recomputes it as a body would. Not through a nested def or lambda, which need not run there.
 */
function whileConditionAround(call: Node): Node | null {
  let child = call;
  for (let n = call.parent; n; child = n, n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition' || n.type === 'block') return null;
    if (n.type === 'while_statement') return n.childForFieldName('condition')?.equals(child) ? n : null;
  }
  return null;
}

/** Clocks read to time code: `time.time()`, `time.perf_counter()`, `timeit.default_timer()`. */
const CLOCKS = /^(?:time\.(?:perf_counter|perf_counter_ns|time|time_ns|monotonic|monotonic_ns|process_time|process_time_ns)|timeit\.default_timer)$/;
/** The words a clock read is spelled with, tested before the statement is walked. */
const CLOCK_WORD = /\b(?:time|time_ns|perf_counter\w*|monotonic\w*|process_time\w*|default_timer)\s*\(/;

/**
 * A statement before the loop and one after it, in the block that holds the loop, read a clock: the loop is what is timed
 * (FinancePy's golden test repeats `x.mean()` ten times between two `time.time()` reads to measure it). Hoisting the
 * reduction would time nothing.
 */
function timedLoop(loop: Node, facts: FileFacts): boolean {
  const readsClock = (stmt: Node | null) =>
    !!stmt && CLOCK_WORD.test(stmt.text) && findDescendants(stmt, (n) => n.type === 'call' && CLOCKS.test(facts.calleeName(n) ?? ''), isNestedScope).length > 0;
  const before = [];
  for (let n = loop.previousNamedSibling; n; n = n.previousNamedSibling) before.push(n);
  const after = [];
  for (let n = loop.nextNamedSibling; n; n = n.nextNamedSibling) after.push(n);
  return before.some(readsClock) && after.some(readsClock);
}

/** Calls that wait for something outside the loop: a sleep, an event's or a condition's wait. */
const WAITS = /^(?:time\.sleep|asyncio\.sleep|sleep)$|\.(?:wait|wait_for)$/;

/**
 * A loop that waits (sleeps, or waits on an event or a condition) polls state that other threads or processes change: the
 * array the loop never writes can still change between passes (alphatims' progress bar re-sums a counter its worker
 * threads fill, a review46 finding judged wrong: hoisting the sum would spin forever).
 */
function waitingLoop(loop: Node, facts: FileFacts): boolean {
  return (
    findDescendants(loop, (n) => n.type === 'call' && WAITS.test(facts.calleeName(n) ?? n.childForFieldName('function')?.text ?? ''), isNestedScope).length > 0
  );
}

export default defineRule({
  id: 'loop-invariant-reduction',
  title: 'Reduction of an unchanged array recomputed on every loop pass',
  category: 'numpy',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'numpy-vectorization#hoist-loop-invariant-reductions',
  requires: ['numpy', 'pandas'],
  message: 'This reduction reads the whole array on every pass, and the loop never changes the array; compute it once before the loop',
  docs: {
    why:
      '`a.mean()`, `a.max()`, `np.sum(a)` and the like read every element. Inside a loop that never modifies `a` they return the ' +
      'same value every pass, so a loop of k passes over an n-element array does k·n work where n would do.',
    instead: 'Compute the reduction once before the loop into a local (`a_mean = a.mean()`) and use the local inside it.',
    example: {
      before: 'def scale(values, a: np.ndarray):\n    out = []\n    for x in values:\n        out.append((x - a.mean()) / a.std())\n    return out',
      after:
        'def scale(values, a: np.ndarray):\n    out = []\n    a_mean = a.mean()\n    a_std = a.std()\n    for x in values:\n        out.append((x - a_mean) / a_std)\n    return out',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Compute it once before the loop',
    forms: [
      {
        safety: 'safe',
        when: 'for `a.sum()` / `np.sum(a)` on a NumPy array',
        reason: 'summing an array raises nothing and warns of nothing on an empty array, so running it once even when the loop does not is harmless',
      },
    ],
    reason: 'runs even when the loop does not: raises on an empty array (max/min) or warns (mean/std)',
  },
  calls: { names: ['sum', 'mean', 'std', 'max', 'min'] },
  query: `
(call
  function: (attribute attribute: (identifier) @method)
  arguments: (argument_list)
  (#any-of? @method "sum" "mean" "std" "max" "min")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const r = reductionOf(call, ctx);
    if (!r) return;
    const name = r.array.text;
    if (!values(ctx.facts).isA(r.array, 'ndarray', 'series', 'dataframe')) return;
    const condition = whileConditionAround(call);
    const loops = condition ? [condition, ...enclosingLoops(condition)] : enclosingLoops(call);
    if (loops.length === 0) return;
    const scope = scopeOf(call);
    if (scope.type !== 'function_definition' || hasEnclosingTry(call, scope)) return;
    // The outermost enclosing loop that only reads the array.
    let top: Node | null = null;
    for (const loop of loops) {
      if (!occurrences(loop, name).every((id) => readOnlyUse(id, ctx))) break;
      top = loop;
    }
    if (!top || !noAliasTouchedIn(scope, name, top, ctx)) return;
    if (loops.slice(0, loops.indexOf(top) + 1).some((loop) => timedLoop(loop, ctx.facts) || waitingLoop(loop, ctx.facts))) return;
    // One finding per loop and reduction: the first occurrence reports, its fix replaces them all.
    const same = occurrences(top, name)
      .map((id) => reductionAround(id, ctx))
      .filter((c) => c !== null && c.key === r.key)
      .map((c) => c!.call);
    if (!same[0]?.equals(call)) return;
    // `if row == 0: ... hist.sum()` (review59, emhass): a branch one pass takes runs the reduction once already.
    if (same.every((c) => onOnePassOnly(c, top!))) return;

    const kind = values(ctx.facts).valueOf(r.array)?.kind;
    const message = `\`${call.text}\` gives the same value on every pass (the loop never changes \`${name}\`); compute it once before the loop`;
    const text = ctx.facts.text;
    if (!ownsLines(text, top) || same.some((c) => hasCommentBetween(ctx.facts, c.startIndex, c.endIndex))) {
      ctx.report({ node: call, message });
      return;
    }
    const local = freshName(ctx.facts, `${name}_${r.method}`);
    const indent = indentAt(text, top.startIndex);
    const edits = [insertAt(lineStartOf(text, top.startIndex), `${indent}${local} = ${call.text}${eolOf(text)}`), ...same.map((c) => replaceNode(c, local))];
    const safe = r.method === 'sum' && kind === 'ndarray';
    ctx.report({
      node: call,
      message,
      edits,
      fixTitle: `Compute ${local} once before the loop`,
      ...(safe ? { safety: 'safe' as const } : {}),
    });
  },
});

/**
 * `call` sits in the body of an `if <counter> == <number>:` inside `top`, where the counter is a loop's target or a name
 * the loop steps (`row += 1`): one pass at most takes that branch.
 */
function onOnePassOnly(call: Node, top: Node): boolean {
  for (let n: Node | null = call; n && !n.equals(top); n = n.parent) {
    const branch: Node | null = n.parent;
    if (branch?.type !== 'if_statement' || !branch.childForFieldName('consequence')?.equals(n)) continue;
    const test = branch.childForFieldName('condition');
    const operators = test?.children.filter((c: Node | null) => c !== null && !c.isNamed).map((c: Node | null) => c!.text);
    if (test?.type !== 'comparison_operator' || test.namedChildCount !== 2 || operators?.join() !== '==') continue;
    const [left, right] = [test.namedChild(0)!, test.namedChild(1)!];
    const counter =
      left.type === 'identifier' && right.type === 'integer' ? left.text : right.type === 'identifier' && left.type === 'integer' ? right.text : null;
    if (counter && countsPasses(counter, top)) return true;
  }
  return false;
}

/**
 * `name` counts passes: the target of `for name in range(...)` (`top` or a loop inside it), or a name stepped by
 * `name += 1` inside it. Not an element (`for f in flags`), which many passes may find equal to the number.
 */
function countsPasses(name: string, top: Node): boolean {
  const loops = [top, ...findDescendants(top, (n) => n.type === 'for_statement')];
  const overRange = (l: Node) => l.childForFieldName('right')?.childForFieldName('function')?.text === 'range';
  if (loops.some((l) => l.type === 'for_statement' && l.childForFieldName('left')?.text === name && overRange(l))) return true;
  return findDescendants(top, (n) => n.type === 'augmented_assignment').some(
    (a) =>
      a.childForFieldName('left')?.text === name && /^\+=$/.test(a.childForFieldName('operator')?.text ?? '') && a.childForFieldName('right')?.text === '1',
  );
}
