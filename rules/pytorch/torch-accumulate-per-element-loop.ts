import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  contains,
  enclosingFunctionDef,
  enclosingLoops,
  enclosingTrainingLoop,
  FileFacts,
  findDescendants,
  isDataIterable,
  isNestedScope,
  isNotebookFile,
  isSmallLiteralLoop,
  isTestCode,
  loopGrowsWithData,
  oneLineText,
  positionalArguments,
  targetNames,
  tensorPlacement,
  valuesAssignedTo,
} from '../../server/analysis';

/** In-place tensor methods that add (or put) values into the receiver at given indices. */
const ACCUMULATING_METHODS = new Set(['index_add_', 'scatter_add_', 'index_put_', 'scatter_reduce_', 'add_']);

export default defineRule({
  id: 'torch-accumulate-per-element-loop',
  title: 'A Python loop adds into one element or row of a tensor per pass',
  category: 'pytorch',
  severity: 'hint',
  severityForms: [
    {
      severity: 'info',
      when:
        'when the loop runs on every pass of a training loop, a `while` loop or a loop over data, and walks the rows of a tensor ' +
        '(`range(t.size(0))`): one small torch call per row, again on every step',
    },
  ],
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency',
  requires: ['torch'],
  message: 'Each pass adds into one element or row of a tensor with its own torch call; one `index_add_` / `bincount` over all the indices does it at once',
  docs: {
    why:
      '`counts[i, j] += 1` or `out[i].index_add_(0, idx[i], src[i])` inside a Python loop is one torch call per pass: a few ' +
      'microseconds of dispatch on the CPU, and on a GPU a kernel launch each. Over the rows of a batch on every training step, ' +
      'or over every pair in a data set, those calls cost far more than the arithmetic they do.',
    instead:
      'Gather the indices into tensors and accumulate them in one call: `counts.index_put_((rows, cols), torch.ones_like(rows), ' +
      'accumulate=True)`, `torch.bincount(rows * n + cols, minlength=n * n).view(n, n)`, or a flattened ' +
      '`out.view(-1).index_add_(0, (idx + offsets).view(-1), src.view(-1))` for per-row index sets. Loops whose passes read ' +
      'what an earlier pass wrote (a running recurrence) are not flagged. Reported as a hint unless the loop walks the rows ' +
      'of a tensor inside a training loop or another loop that repeats it.',
    example: {
      before:
        'def project(target: torch.Tensor, lower, upper, w_lower, w_upper):\n    for i in range(target.size(0)):\n        target[i].index_add_(0, lower[i], w_lower[i])\n        target[i].index_add_(0, upper[i], w_upper[i])\n    return target',
      after:
        'def project(target: torch.Tensor, lower, upper, w_lower, w_upper):\n    n_atoms = target.size(1)\n    offset = (torch.arange(target.size(0), device=target.device) * n_atoms)[:, None]\n    flat = target.view(-1)\n    flat.index_add_(0, (lower + offset).view(-1), w_lower.view(-1))\n    flat.index_add_(0, (upper + offset).view(-1), w_upper.view(-1))\n    return target',
    },
  },
  query: `
(augmented_assignment left: (subscript) @target) @update
(call function: (attribute object: (subscript) @target attribute: (identifier) @method)) @update`,
  check(m, ctx) {
    const facts = ctx.facts;
    const update = m.need('update');
    const target = m.need('target');
    const method = m.get('method')?.text;
    if (method !== undefined && !ACCUMULATING_METHODS.has(method)) return;
    if (update.type === 'augmented_assignment' && !/^[+-]=$/.test(operator(update))) return;
    // A call made for its effect, as a statement: `out[i].add_(x)` whose result is used is something else.
    if (update.type === 'call' && update.parent?.type !== 'expression_statement') return;
    if (isTestCode(update, facts)) return;
    const tensor = target.childForFieldName('value');
    if (!tensor || (tensor.type !== 'identifier' && tensor.type !== 'attribute')) return;
    // `batch[i] += img` over `range(n)`: each pass adds into its own place, once; nothing accumulates into repeated
    // indices, so index_add_/bincount is not the rewrite (timm's collate copying each image into its batch slot).
    if (update.type === 'augmented_assignment' && keysAreRangeCounters(target, update, facts)) return;
    const inner = perPassLoop(target, update);
    if (!inner) return;
    // `for k in range(Xb.shape[0]): for j in range(Xb.shape[1]): ...`: the nest over the tensor's indices is the loop to rewrite.
    const loop = outermostIndexNest(inner, facts);
    if (!tensorPlacement(tensor, update, facts)) return;
    // Only the first such update of the loop is reported: the loop is the thing to rewrite.
    if (earlierUpdate(loop, update, facts)) return;
    // A pass that reads the tensor (other than by adding into it) sees what earlier passes wrote: a recurrence, which one
    // batched call cannot reproduce.
    if (readsTensorOtherwise(loop, tensor.text)) return;
    const passes = passCount(loop, facts);
    if (!passes) return;
    const repeated = passes.rows ? repeatingContext(loop, facts) : null;
    // A walk over a tensor's rows at the top of a notebook cell, nothing around it: it runs once, when the cell runs, over
    // a tensor whose size the code does not show (makemore's cell that checks a hand-written gradient on one batch).
    if (passes.rows && !repeated && isNotebookFile(ctx.filePath ?? '') && !enclosingFunctionDef(loop) && enclosingLoops(loop).length === 0) return;
    const what = oneLineText(target.text);
    ctx.report({
      node: update,
      message:
        `Each pass of \`${loopHeader(loop)}\` adds into \`${what}\` with its own torch call (${passes.why}` +
        (repeated ? `, and the loop runs again on every pass of \`${repeated}\`` : '') +
        '); gather the indices into tensors and accumulate once with `index_add_`, `index_put_(..., accumulate=True)` or `torch.bincount`',
      ...(repeated ? { severity: 'info' as const } : {}),
    });
  },
});

function operator(update: Node): string {
  return update.childForFieldName('operator')?.text ?? update.children.find((c) => c !== null && !c.isNamed && /=$/.test(c.type))?.type ?? '';
}

/**
 * The innermost `for` loop (in the same function) whose pass picks the element: a key of the subscript is the loop's
 * variable or a name the loop body binds (`ix = stoi[ch]`), so each pass writes a different place. Null otherwise.
 */
function perPassLoop(target: Node, update: Node): Node | null {
  const keys = target.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  const names = keys.flatMap((k) => (k.type === 'identifier' ? [k.text] : k.type === 'subscript' ? subscriptKeyNames(k) : []));
  if (names.length === 0) return null;
  // Only plain keys: names, written numbers, `:` and element reads (`Xb[k, j]`); fancy keys are already batched writes.
  if (!keys.every((k) => k.type === 'identifier' || k.type === 'integer' || (k.type === 'slice' && k.text.trim() === ':') || k.type === 'subscript'))
    return null;
  const fn = enclosingFunctionDef(update);
  for (const loop of enclosingLoops(update)) {
    if (fn && !contains(fn, loop)) return null;
    if (loop.type !== 'for_statement') return null;
    const left = loop.childForFieldName('left');
    const body = loop.childForFieldName('body');
    if (!left || !body) return null;
    const bound = new Set(targetNames(left));
    for (const a of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
      const l = a.childForFieldName('left');
      if (l) for (const name of targetNames(l)) bound.add(name);
    }
    if (names.some((n) => bound.has(n))) return loop;
  }
  return null;
}

/** Every key of `T[i]` / `T[i, j]` is the counter of a `for ... in range(...)` or `enumerate(...)` loop around the update: distinct places. */
function keysAreRangeCounters(target: Node, update: Node, facts: FileFacts): boolean {
  const keys = target.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  const counters = new Set<string>();
  for (const loop of enclosingLoops(update)) {
    const left = loop.childForFieldName('left');
    const right = loop.childForFieldName('right');
    if (loop.type !== 'for_statement' || right?.type !== 'call') continue;
    const fn = right.childForFieldName('function');
    if (left?.type === 'identifier' && fn?.type === 'identifier' && fn.text === 'range' && facts.isBuiltin('range', right)) counters.add(left.text);
    // `for i, entry in enumerate(batch)` (VL-T5's collate functions filling `boxes[i] += entry["boxes"]`, review68): the
    // count is distinct on every pass too.
    const first = left?.type === 'pattern_list' || left?.type === 'tuple_pattern' ? left.namedChild(0) : null;
    if (first?.type === 'identifier' && fn?.type === 'identifier' && fn.text === 'enumerate' && facts.isBuiltin('enumerate', right)) counters.add(first.text);
  }
  return keys.length > 0 && keys.every((k) => k.type === 'identifier' && counters.has(k.text));
}

/** `Xb[k, j]` as a key: the names of its own keys. */
function subscriptKeyNames(sub: Node): string[] {
  return sub.childrenForFieldName('subscript').flatMap((k) => (k?.type === 'identifier' ? [k.text] : []));
}

/** Another accumulating update of a tensor in the same loop, before this one. */
function earlierUpdate(loop: Node, update: Node, facts: FileFacts): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  return findDescendants(body, (n) => (n.type === 'augmented_assignment' || n.type === 'call') && n.startIndex < update.startIndex, isNestedScope).some((n) => {
    if (enclosingLoops(n).find((l) => l.type === 'for_statement' && l.startIndex >= loop.startIndex) === undefined) return false;
    const t = n.type === 'augmented_assignment' ? n.childForFieldName('left') : n.childForFieldName('function')?.childForFieldName('object');
    if (t?.type !== 'subscript') return false;
    if (n.type === 'call' && !ACCUMULATING_METHODS.has(n.childForFieldName('function')?.childForFieldName('attribute')?.text ?? '')) return false;
    if (n.type === 'augmented_assignment' && !/^[+-]=$/.test(operator(n))) return false;
    const value = t.childForFieldName('value');
    return !!value && (value.type === 'identifier' || value.type === 'attribute') && perPassLoop(t, n) !== null && !!tensorPlacement(value, n, facts);
  });
}

/**
 * The loop body reads the tensor other than as the place an update adds into: `if counts[i] > k`, `x[i] += x[i - 1]`,
 * `f(counts)`. Only `T[...] += ...` / `T[...] -= ...` and `T[...].index_add_(...)`-style statements leave it alone.
 */
function readsTensorOtherwise(loop: Node, name: string): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return true;
  // `self.selfloop_degree[best_edge] += 1.0` in a loop that calls `self.compute_gradient(...)` on every pass (DeepRobust's
  // greedy SGA attack): the method may read the state each pass, as the attack does.
  const [owner] = name.split('.');
  if (
    name.includes('.') &&
    findDescendants(body, (n) => n.type === 'call' && n.childForFieldName('function')?.childForFieldName('object')?.text === owner, isNestedScope).length > 0
  )
    return true;
  const uses = findDescendants(body, (n) => (n.type === 'identifier' || n.type === 'attribute') && n.text === name);
  return uses.some((use) => {
    const sub = use.parent;
    if (sub?.type !== 'subscript' || !sub.childForFieldName('value')?.equals(use)) return true;
    const holder = sub.parent;
    if (holder?.type === 'augmented_assignment' && holder.childForFieldName('left')?.equals(sub)) return !/^[+-]=$/.test(operator(holder));
    if (holder?.type === 'attribute' && holder.parent?.type === 'call' && holder.parent.parent?.type === 'expression_statement') {
      return !ACCUMULATING_METHODS.has(holder.childForFieldName('attribute')?.text ?? '');
    }
    return true;
  });
}

/**
 * Why the loop makes many passes: it walks the rows of a tensor (`range(t.size(0))`, `range(t.shape[0])`, `range(len(t))`),
 * or it (or a loop around it in the function) grows with the data. Null for a loop of a few written values, or one whose
 * size the code does not show.
 */
function passCount(loop: Node, facts: FileFacts): { why: string; rows: boolean } | null {
  if (isSmallLiteralLoop(loop, facts)) return null;
  const rows = tensorRows(loop, facts);
  if (rows) return { why: `one per index of \`${oneLineText(rows)}\``, rows: true };
  const fn = enclosingFunctionDef(loop);
  for (const l of enclosingLoops(loop.childForFieldName('body') ?? loop)) {
    if (fn && !contains(fn, l)) break;
    if (l.type === 'for_statement' && !isSmallLiteralLoop(l, facts) && (loopGrowsWithData(l, facts) || boundToData(l, facts))) {
      return { why: `and the loop runs for every item of \`${oneLineText(l.childForFieldName('right')?.text ?? '')}\``, rows: false };
    }
  }
  return null;
}

/**
 * `for w in words` where every value the loop's scope assigns to `words` streams data (`open(path).read().splitlines()`):
 * at the top of a script or notebook, where loopGrowsWithData follows only names bound once in a function.
 */
function boundToData(loop: Node, facts: FileFacts): boolean {
  const it = loop.childForFieldName('right');
  if (it?.type !== 'identifier') return false;
  const values = valuesAssignedTo(it.text, it, facts);
  return values.length > 0 && values.every((v) => isDataIterable(v, facts));
}

/** `for i in range(t.size(0))` / `range(t.size()[k])` / `range(t.shape[k])` / `range(len(t))` with t a tensor: the tensor's text. */
function tensorRows(loop: Node, facts: FileFacts): string | null {
  const it = loop.childForFieldName('right');
  if (it?.type !== 'call' || it.childForFieldName('function')?.text !== 'range' || !facts.isBuiltin('range', it)) return null;
  const args = positionalArguments(it);
  if (args.length !== 1) return null;
  const bound = args[0];
  let tensor: Node | null = null;
  if (bound.type === 'call') {
    const fn = bound.childForFieldName('function');
    if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'size') tensor = fn.childForFieldName('object');
    else if (fn?.type === 'identifier' && fn.text === 'len' && facts.isBuiltin('len', bound)) tensor = positionalArguments(bound)[0] ?? null;
  } else if (bound.type === 'subscript') {
    const value = bound.childForFieldName('value');
    if (value?.type === 'attribute' && value.childForFieldName('attribute')?.text === 'shape') tensor = value.childForFieldName('object');
    // `range(pred.size()[0])` (TencentPretrain's confusion matrices, a review66 hunt): the size read as a tuple.
    const sizeFn = value?.type === 'call' && positionalArguments(value).length === 0 ? value.childForFieldName('function') : null;
    if (sizeFn?.type === 'attribute' && sizeFn.childForFieldName('attribute')?.text === 'size') tensor = sizeFn.childForFieldName('object');
  }
  return tensor && tensorPlacement(tensor, loop, facts) ? bound.text : null;
}

/** The outermost of the loops around `loop` (in its function) that, like it, walk the indices of a tensor, or `loop` itself. */
function outermostIndexNest(loop: Node, facts: FileFacts): Node {
  if (!tensorRows(loop, facts)) return loop;
  const fn = enclosingFunctionDef(loop);
  let nest = loop;
  for (const outer of enclosingLoops(loop)) {
    if (fn && !contains(fn, outer)) break;
    if (outer.type !== 'for_statement' || !tensorRows(outer, facts)) break;
    nest = outer;
  }
  return nest;
}

/** `for i in range(max_steps)` with `max_steps = 200000` written in the code: a long run of passes. */
function manyWrittenPasses(loop: Node, facts: FileFacts): boolean {
  const it = loop.type === 'for_statement' ? loop.childForFieldName('right') : null;
  if (it?.type !== 'call' || it.childForFieldName('function')?.text !== 'range') return false;
  const args = positionalArguments(it);
  const last = args.length === 1 ? args[0] : args.length === 2 ? args[1] : null;
  if (!last) return false;
  // A name: every value the file assigns to it in the loop's scope (a notebook may set it in several cells).
  const values = last.type === 'identifier' ? valuesAssignedTo(last.text, last, facts) : [last];
  return values.length > 0 && values.every((v) => v.type === 'integer' && Number(v.text.replace(/_/g, '')) >= MANY_PASSES);
}

/** Passes of a loop with a written bound from which a per-pass loop of torch calls is a cost worth a change. */
const MANY_PASSES = 1000;

/**
 * The header of what runs the loop again and again: a training loop around it, a `while` loop, or a loop over data (in the
 * same function). Null when nothing shows it repeats.
 */
function repeatingContext(loop: Node, facts: FileFacts): string | null {
  const training = enclosingTrainingLoop(loop, facts, 'any');
  if (training) return loopHeader(training.node);
  const fn = enclosingFunctionDef(loop);
  for (const outer of enclosingLoops(loop)) {
    if (fn && !contains(fn, outer)) break;
    if (isSmallLiteralLoop(outer, facts)) continue;
    if (outer.type === 'while_statement' || (outer.type === 'for_statement' && (loopGrowsWithData(outer, facts) || manyWrittenPasses(outer, facts)))) {
      return loopHeader(outer);
    }
  }
  return null;
}

/**
 * The loop's header for a message, from its fields (`for i in range(n)`, `while x`): loopHeaderText reads the text up
 * to the body, which keeps a comment written after the colon.
 */
function loopHeader(loop: Node): string {
  const left = loop.childForFieldName('left');
  const right = loop.childForFieldName('right');
  const condition = loop.childForFieldName('condition');
  const spelled = left && right ? `for ${left.text} in ${right.text}` : condition ? `while ${condition.text}` : loop.text.split('\n')[0];
  return oneLineText(spelled, 60);
}
