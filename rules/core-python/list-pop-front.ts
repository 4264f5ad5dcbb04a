import { defineRule, type RuleContext } from '../../server/engine/rule';
import { escapeRegExp, type Node } from '../../server/syntax';
import {
  bindingOf,
  classIndex,
  contains,
  enclosingClass,
  findDescendants,
  enclosingFunction,
  enclosingLoop,
  enclosingLoops,
  identifiersSpelled,
  insideNumbaFunction,
  isDeclaredNonLocal,
  isSmallLiteralLoop,
  nestedScopeOf,
  occurrences,
  parameterAnnotation,
  parameterNames,
  scopeOf,
} from '../../server/analysis';
import { ensureImport, replaceNode, replaceRange } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

/** An expression that certainly evaluates to a new list. */
function isListValue(node: Node | null, ctx: RuleContext): boolean {
  if (!node) return false;
  if (node.type === 'list' || node.type === 'list_comprehension') return true;
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    return fn?.type === 'identifier' && (fn.text === 'list' || fn.text === 'sorted') && ctx.facts.isBuiltin(fn.text, node);
  }
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.type === '*') {
    return node.childForFieldName('left')?.type === 'list';
  }
  return false;
}

function args(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
}

function isFrontCall(call: Node): 'pop' | 'insert' | null {
  const fn = call.childForFieldName('function');
  const method = fn?.childForFieldName('attribute')?.text;
  const a = args(call);
  if (method === 'pop' && a.length === 1 && a[0].text === '0') return 'pop';
  if (method === 'insert' && a.length === 2 && a[0].text === '0') return 'insert';
  return null;
}

/** The node's value is only tested for truth: `while q`, `if q and x`, `not q`, `a if q else b`. */
function isTruthTest(node: Node): boolean {
  const p = node.parent;
  if (!p) return false;
  if (p.type === 'not_operator') return true;
  if (p.type === 'while_statement' || p.type === 'if_statement' || p.type === 'elif_clause') return p.childForFieldName('condition')?.equals(node) === true;
  if (p.type === 'conditional_expression') return p.namedChild(1)?.equals(node) === true;
  if (p.type === 'boolean_operator') return isTruthTest(p);
  return false;
}

/** A use that fails on a deque: a slice (`q[-8:]`, `q[:0] = xs`), `q.sort()`, `q + other`. */
function breaksOnDeque(id: Node): boolean {
  const p = id.parent;
  if (p?.type === 'subscript' && p.childForFieldName('value')?.equals(id)) return p.childForFieldName('subscript')?.type === 'slice';
  if (p?.type === 'attribute' && p.childForFieldName('object')?.equals(id)) return p.childForFieldName('attribute')?.text === 'sort';
  return p?.type === 'binary_operator' && p.childForFieldName('operator')?.type === '+';
}

/** How a use of the list looks, for deciding whether a deque can replace it. */
function dequeCompatible(id: Node): 'front' | 'ok' | 'no' {
  const p = id.parent!;
  if (p.type === 'attribute' && p.childForFieldName('object')?.equals(id)) {
    const call = p.parent;
    if (call?.type !== 'call' || !call.childForFieldName('function')?.equals(p)) return 'no';
    if (isFrontCall(call)) return 'front';
    const method = p.childForFieldName('attribute')!.text;
    const a = args(call);
    if (method === 'pop') return a.length === 0 ? 'ok' : 'no';
    return ['append', 'extend', 'clear', 'appendleft', 'popleft'].includes(method) ? 'ok' : 'no';
  }
  if (p.type === 'subscript' && p.childForFieldName('value')?.equals(id)) {
    const index = p.childForFieldName('subscript');
    const simple = index?.type === 'integer' || (index?.type === 'unary_operator' && index.childForFieldName('argument')?.type === 'integer');
    return simple ? 'ok' : 'no';
  }
  if (isTruthTest(id)) return 'ok';
  if (p.type === 'argument_list' && p.namedChildCount === 1) {
    const fn = p.parent?.childForFieldName('function')?.text;
    if (fn === 'len' || fn === 'bool') return 'ok';
  }
  return 'no';
}

export default defineRule({
  id: 'list-pop-front',
  title: 'A list used as a FIFO queue (pop(0) / insert(0, x))',
  category: 'core-python',
  severity: 'warning',
  severityForms: [
    {
      severity: 'hint',
      when:
        'when a deque is no drop-in replacement (the list is also sliced, sorted or concatenated, or is a public attribute), or a ' +
        'parameter or attribute chain drained by a `while` loop is not shown to be a list, or `insert(0, …)` only prepends ' +
        'once per item of `for` loops (rebuilding a sequence in order) to a list never popped from the front, or `pop(0)` ' +
        'trims a window that a `len(...) > K` guard caps at K ≤ 1000 items',
    },
  ],
  // pop(0) costs a copy of the rest of the list: it matters when the queue holds thousands. Blind reviews judged none of
  // 8 findings outside hot code worth a change (BFS over a molecule's atoms, a rebalance's partitions): full severity
  // only where the queue is drained in hot code.
  quietOutsideHotCode: true,
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'builtins-and-data-structures',
  message: '`pop(0)` / `insert(0, …)` on a list shifts every element; use `collections.deque` with `popleft()` / `appendleft()`',
  docs: {
    why:
      'A list stores its items contiguously, so removing or inserting at the front moves every other item: each ' +
      '`pop(0)` or `insert(0, x)` costs O(n), and a queue drained this way is O(n²). `collections.deque` is ' +
      'built for both ends and does these in O(1). For a list kept on `self`, every use in the class must also work ' +
      'on a deque; a public attribute is reported as a hint, since code outside the class may use it as a list, and ' +
      'so is a list that is also sliced or sorted (a deque is then no drop-in replacement). Code compiled by numba ' +
      'is left alone: numba supports lists, not deques.',
    instead: 'Create the queue as `collections.deque(...)` and use `popleft()` / `appendleft(x)`; `append`, `pop()`, `len()` and truth tests work unchanged.',
    example: {
      before: 'queue = [start]\nwhile queue:\n    node = queue.pop(0)\n    queue.extend(children(node))',
      after: 'from collections import deque\n\nqueue = deque([start])\nwhile queue:\n    node = queue.popleft()\n    queue.extend(children(node))',
    },
  },
  fix: { safety: 'safe', title: 'Use collections.deque' },
  query: `
(call
  function: (attribute
    object: [(identifier) (attribute attribute: (identifier))] @receiver
    attribute: (identifier) @method)
  arguments: (argument_list . (integer) @zero)
  (#any-of? @method "pop" "insert")
  (#eq? @zero "0")) @call`,
  calls: { names: ['pop', 'insert'] },
  check(m, ctx) {
    const call = m.need('call');
    const kind = isFrontCall(call);
    if (!kind) return;
    const loop = enclosingLoop(call);
    if (!loop || isSmallLiteralLoop(loop, ctx.facts)) return; // a single pop(0) is one O(n) step, not a queue
    if (insideNumbaFunction(ctx.facts, call)) return; // numba compiles lists, not deques
    const receiver = m.need('receiver');
    const what = kind === 'pop' ? '`pop(0)`' : '`insert(0, …)`';
    const better = kind === 'pop' ? '`popleft()`' : '`appendleft()`';
    const message = `${what} on list \`${receiver.text}\` in a loop is O(n) per call; use a \`collections.deque\` and ${better}`;
    // Prepending once per item of `for` loops (`for m in reversed(msgs): out.insert(0, m)`) rebuilds a sequence already in
    // memory, in order: quadratic only past thousands of items. Work lists (a `while` loop, or popped from the front too)
    // are the queues whose size comes from the data (BFS, path rebuilding): those keep the rule's severity. Only the loops
    // the list outlives count: a list created afresh in an outer `while` pass is rebuilt by the inner `for` loops alone.
    const prependOnly = (binds: readonly Node[]) =>
      kind === 'insert' &&
      enclosingLoops(call).every((l) => l.type !== 'while_statement' || binds.some((b) => contains(l, b))) &&
      !poppedFromFront(call, receiver.text);

    if (receiver.type === 'attribute') {
      // self.queue: every store of the attribute in the class must be a new list.
      const self = receiver.childForFieldName('object')!;
      const fn = enclosingFunction(call);
      const cls = fn && enclosingClass(fn);
      const info = cls && self.type === 'identifier' && parameterNames(fn)[0] === self.text ? classIndex(ctx.facts).info(cls) : undefined;
      const stores = info?.instanceAttributes.get(receiver.childForFieldName('attribute')!.text) ?? [];
      if (!cls || stores.length === 0) {
        // An attribute chain whose stores are not in view (`self.state.jobs`, `job.pending`): only a queue drained by a `while`.
        reportDrainedQueue(ctx, call, loop, receiver, message, { parameter: false, knownList: false });
        return;
      }
      for (const attr of stores) {
        const assign = attr.parent;
        if (assign?.type !== 'assignment' || !assign.childForFieldName('left')?.equals(attr)) return;
        if (!isListValue(assign.childForFieldName('right'), ctx)) return;
      }
      // Every read of the attribute in the class must work on a deque too (no slicing, sort, +...).
      const attribute = receiver.childForFieldName('attribute')!.text;
      const uses = instanceAttributeReads(cls, attribute, new Set(stores.map((s) => s.id)));
      if (uses.some((use) => dequeCompatible(use) === 'no')) return;
      // A public attribute may be used as a list outside the class (subclasses, callers): a hint.
      ctx.report({ node: call, message, severity: attribute.startsWith('_') && !prependOnly([]) ? undefined : 'hint' });
      return;
    }

    const name = receiver.text;
    const scope = scopeOf(call);
    if (isDeclaredNonLocal(scope, name)) return;
    const uses = occurrences(scope, name);
    const binds = uses.filter((id) => !nestedScopeOf(id, scope) && bindingOf(id) !== null);
    const params = scope.type === 'function_definition' ? scope.childForFieldName('parameters') : null;
    const isParameter = binds.length > 0 && params !== null && binds.every((id) => contains(params, id));
    if (binds.length === 0 || isParameter) {
      // A parameter: its type is the caller's, shown by an annotation or by the loop using it as a queue. A global: unknown.
      const fn = enclosingFunction(call);
      if (!fn || !scope.equals(fn) || !parameterNames(fn).includes(name)) return;
      const annotation = parameterAnnotation(fn, name);
      if (annotation !== null && !LIST_ANNOTATION.test(annotation)) return;
      reportDrainedQueue(ctx, call, loop, receiver, message, { parameter: true, knownList: annotation !== null });
      return;
    }
    for (const id of binds) {
      const b = bindingOf(id)!;
      if (b.type !== 'assignment' || !b.childForFieldName('left')?.equals(id) || !isListValue(b.childForFieldName('right'), ctx)) return;
      // A list created afresh in each pass of the loop gets one pop/insert per list: not a queue.
      if (contains(loop, id)) return;
    }
    if (kind === 'pop' && isShortFixedWindow(call, name, binds, scope)) return;
    // `if idx == 0: items.pop(0)` ... `items.pop(best)`: the list is picked from at any position (a deque's `pop` takes no
    // index), and the front pop runs on the first pass only. scqubits' dressed-state matching, review71: judged wrong.
    if (kind === 'pop' && (poppedAtOtherPositions(uses) || onFirstPassOnly(call, loop))) return;
    // A moving window capped right before the pop (`if len(acc) > 100: acc.pop(0)`, PyTorch-GAN's running accuracy):
    // each pop shifts at most that many pointers. Blind review: both such findings noise. A hint that says so.
    const cap = kind === 'pop' ? windowCap(call, name, scope) : null;
    // Sliced, sorted or concatenated too: a deque is no drop-in replacement (a sliding window that
    // is sliced, `history[:10]`), so only a hint.
    const severity = uses.some(breaksOnDeque) || prependOnly(binds) || cap !== null ? ('hint' as const) : undefined;
    const capped = cap === null ? message : `${message} (the \`len(${name})\` guard caps it near ${cap} items: each pop shifts at most that many)`;
    ctx.report({ node: call, message: capped, severity, edits: dequeEdits(ctx, name, scope, binds) });
  },
});

/** `name.pop(i)` with another index than 0 or -1 somewhere in the scope: the list is not a queue but a pool picked from. */
function poppedAtOtherPositions(uses: readonly Node[]): boolean {
  return uses.some((id) => {
    const attr = id.parent;
    const call = attr?.type === 'attribute' && attr.childForFieldName('attribute')?.text === 'pop' ? attr.parent : null;
    const index = call?.type === 'call' ? args(call)[0] : undefined;
    return !!index && index.text !== '0' && index.text !== '-1';
  });
}

/** The call runs under `if i == 0:` (or `if not i:`), `i` being the target of the loop around it: on the first pass only. */
function onFirstPassOnly(call: Node, loop: Node): boolean {
  const target = loop.type === 'for_statement' ? loop.childForFieldName('left')?.text : undefined;
  if (!target) return false;
  for (let n: Node | null = call.parent; n && !n.equals(loop); n = n.parent) {
    if (n.type !== 'block' || n.parent?.type !== 'if_statement' || !n.parent.childForFieldName('consequence')?.equals(n)) continue;
    const test = n.parent.childForFieldName('condition')?.text.replace(/\s+/g, ' ');
    if (test === `${target} == 0` || test === `0 == ${target}` || test === `not ${target}`) return true;
  }
  return false;
}

/** `name.pop(0)` anywhere in the function around the call: the list is also a queue drained from the front. */
function poppedFromFront(call: Node, name: string): boolean {
  const scope = enclosingFunction(call) ?? scopeOf(call);
  return new RegExp(`\\b${escapeRegExp(name)}\\s*\\.\\s*pop\\s*\\(\\s*0\\s*\\)`).test(scope.text);
}

/** Elements of a literal list small enough that shifting it costs no more than a deque's bookkeeping. */
const SHORT_LIST = 16;

/**
 * A window of constant, short length, in either shape:
 * - every binding is a list of a few elements (`[]`-literal or `[x] * 10`), and each pass appends one item and pops
 *   one from the front in the same block (`hist.append(x); hist.pop(0)`), so the list never grows;
 * - the pop runs only once the list reached a few items (`if len(eps) >= 4: eps.pop(0)`) and the list grows by
 *   `append` alone, so it never holds more than that.
 * Shifting a handful of pointers costs no more than a deque's bookkeeping.
 */
function isShortFixedWindow(call: Node, name: string, binds: readonly Node[], scope: Node): boolean {
  const statement = call.parent?.type === 'expression_statement' ? call.parent : null;
  const block = statement?.parent;
  if (block?.type !== 'block') return false;
  if (cappedByLength(block, name) && !new RegExp(`\\b${name}\\s*(\\.\\s*(extend|insert)\\s*\\(|\\+=)`).test(scope.text)) return true;
  const short = binds.every((id) => isShortList(bindingOf(id)?.childForFieldName('right') ?? null));
  if (!short) return false;
  return block.namedChildren.some(
    (s) =>
      s?.type === 'expression_statement' && s.namedChildren[0]?.type === 'call' && s.namedChildren[0].childForFieldName('function')?.text === `${name}.append`,
  );
}

/** `[a, b]` with at most SHORT_LIST elements, or `[x] * 10` with a literal count of at most SHORT_LIST. */
function isShortList(value: Node | null): boolean {
  if (value?.type === 'list') return value.namedChildCount <= SHORT_LIST;
  if (value?.type !== 'binary_operator' || value.childForFieldName('operator')?.type !== '*') return false;
  const [left, right] = [value.childForFieldName('left'), value.childForFieldName('right')];
  return left?.type === 'list' && left.namedChildCount <= 1 && right?.type === 'integer' && Number(right.text) <= SHORT_LIST;
}

/** The block is the body of `if len(name) >= K:` / `if len(name) > K:` with a literal K of at most SHORT_LIST. */
function cappedByLength(block: Node, name: string): boolean {
  const guard = block.parent;
  if (guard?.type !== 'if_statement' || !guard.childForFieldName('consequence')?.equals(block)) return false;
  const m = /^len\(\s*([\w.]+)\s*\)\s*(>=|>)\s*(\d+)$/.exec(guard.childForFieldName('condition')?.text ?? '');
  return m !== null && m[1] === name && Number(m[3]) <= SHORT_LIST;
}

/** The largest cap of a window worth no more than a hint: shifting a thousand pointers is a microsecond. */
const WINDOW_CAP = 1000;

/**
 * The pop is in the body of `if len(name) > K:` (or `>=`) with a literal K of at most WINDOW_CAP, and the list grows by
 * `append` alone: it never holds much more than K items. K, or null.
 */
function windowCap(call: Node, name: string, scope: Node): number | null {
  const statement = call.parent?.type === 'expression_statement' ? call.parent : null;
  const block = statement?.parent;
  const guard = block?.parent;
  if (block?.type !== 'block' || guard?.type !== 'if_statement' || !guard.childForFieldName('consequence')?.equals(block)) return null;
  const m = /^len\(\s*([\w.]+)\s*\)\s*(>=|>)\s*(\d+)$/.exec(guard.childForFieldName('condition')?.text ?? '');
  if (m === null || m[1] !== name || Number(m[3]) > WINDOW_CAP) return null;
  if (new RegExp(`\\b${escapeRegExp(name)}\\s*(\\.\\s*(extend|insert)\\s*\\(|\\+=)`).test(scope.text)) return null;
  return Number(m[3]);
}

/** Annotations that say a parameter is a list: `list`, `list[int]`, `List[str]`, `typing.List[...]`, `Optional[list]`. */
const LIST_ANNOTATION = /^(Optional\[)?(typing\.)?(list|List)\b/;

/**
 * A receiver whose type is not in view (a parameter, an attribute chain): reported only as a queue drained by the
 * loop around it, `while q: x = q.pop(0)` (a deque's `pop()` takes no index, so `pop(0)` already rules one out).
 * A warning when it is annotated as a list or the same loop also appends to it (a work list: BFS, a scheduler),
 * else a hint. No fix: the list is the caller's, who may still use it.
 */
function reportDrainedQueue(
  ctx: RuleContext,
  call: Node,
  loop: Node,
  receiver: Node,
  message: string,
  { parameter, knownList }: { parameter: boolean; knownList: boolean },
): void {
  if (loop.type !== 'while_statement' || !drainsOn(loop.childForFieldName('condition'), receiver.text)) return;
  const body = loop.childForFieldName('body');
  const grows =
    body !== null &&
    findDescendants(
      body,
      (n) => n.type === 'call' && /^(append|extend)$/.test(n.childForFieldName('function')?.childForFieldName('attribute')?.text ?? ''),
    ).some((c) => c.childForFieldName('function')?.childForFieldName('object')?.text === receiver.text);
  const convert = parameter ? ` (if the caller does not use the list afterwards, convert it once: \`${receiver.text} = deque(${receiver.text})\`)` : '';
  ctx.report({ node: call, message: message + convert, severity: grows || knownList ? undefined : 'hint' });
}

/** `while q`, `while q and ok`, `while len(q)`, `while len(q) > 0`: the loop runs until `q` is empty. */
function drainsOn(condition: Node | null, text: string): boolean {
  if (!condition) return false;
  if (condition.type === 'parenthesized_expression') return drainsOn(condition.namedChild(0), text);
  if (condition.text === text) return true;
  if (condition.type === 'boolean_operator' && condition.child(1)?.type === 'and')
    return drainsOn(condition.childForFieldName('left'), text) || drainsOn(condition.childForFieldName('right'), text);
  if (condition.type === 'call' && condition.childForFieldName('function')?.text === 'len')
    return condition.childForFieldName('arguments')?.namedChild(0)?.text === text;
  if (condition.type === 'comparison_operator') {
    const [left, right] = condition.namedChildren;
    return !!left && right?.text === '0' && drainsOn(left, text) && /^(>|!=)$/.test(condition.child(1)?.text ?? '');
  }
  return false;
}

/**
 * The `self.<attribute>` expressions in the class's methods (nested defs included) other than the
 * stores (ids given), where `self` is the method's first parameter.
 */
function instanceAttributeReads(cls: Node, attribute: string, storeIds: ReadonlySet<number>): Node[] {
  const body = cls.childForFieldName('body');
  if (!body) return [];
  const reads: Node[] = [];
  for (const id of identifiersSpelled(body, attribute)) {
    const attr = id.parent;
    if (attr?.type !== 'attribute' || !attr.childForFieldName('attribute')?.equals(id) || storeIds.has(attr.id)) continue;
    const object = attr.childForFieldName('object');
    if (object?.type !== 'identifier') continue;
    // The method around it (through nested defs and lambdas, which still see its `self`).
    let method = enclosingFunction(attr);
    while (method && !enclosingClass(method)?.equals(cls)) method = enclosingFunction(method);
    if (!method || object.text !== parameterNames(method)[0]) continue;
    reads.push(attr);
  }
  return reads;
}

/** The edits turning the list into a deque, or undefined when some use would not work on a deque. */
function dequeEdits(ctx: RuleContext, name: string, scope: Node, binds: Node[]): TextEdit[] | undefined {
  if (binds.length !== 1) return undefined;
  const assign = bindingOf(binds[0])!;
  if (assign.childForFieldName('type') || assign.parent?.type !== 'expression_statement') return undefined;
  const value = assign.childForFieldName('right')!;
  if (value.type !== 'list' && !(value.type === 'call' && value.childForFieldName('function')?.text === 'list')) return undefined;
  const edits: TextEdit[] = [];
  for (const id of occurrences(scope, name)) {
    if (id.equals(binds[0])) continue;
    if (nestedScopeOf(id, scope) || id.startIndex < assign.endIndex) return undefined;
    const use = dequeCompatible(id);
    if (use === 'no') return undefined;
    if (use === 'front') {
      const call = id.parent!.parent!;
      const a = args(call);
      const fn = call.childForFieldName('function')!;
      const argList = call.childForFieldName('arguments')!;
      edits.push(
        isFrontCall(call) === 'pop'
          ? replaceRange(fn.childForFieldName('attribute')!.startIndex, argList.endIndex, 'popleft()')
          : replaceRange(fn.childForFieldName('attribute')!.startIndex, argList.endIndex, `appendleft(${a[1].text})`),
      );
    }
  }
  const deque = ensureImport(ctx.facts, 'collections', 'deque');
  let init: string;
  if (value.type === 'list') init = value.namedChildren.filter((c) => c?.type !== 'comment').length === 0 ? `${deque.ref}()` : `${deque.ref}(${value.text})`;
  else init = `${deque.ref}${value.childForFieldName('arguments')!.text}`;
  return [...deque.edits, replaceNode(value, init), ...edits];
}
