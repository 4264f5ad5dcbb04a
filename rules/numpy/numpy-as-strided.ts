import type { Node } from '../../server/syntax';
import {
  below,
  declaredFloor,
  enclosingDef,
  enclosingJit,
  keywordArgument,
  parameterNames,
  readsAfter,
  underVersionGuard,
  type FileFacts,
} from '../../server/analysis';
import { defineRule } from '../../server/engine/rule';

const SAFE_WRAPPERS = new Set(['sliding_window_view', 'broadcast_to']);

export default defineRule({
  id: 'numpy-as-strided',
  title: 'Use of np.lib.stride_tricks.as_strided',
  category: 'numpy',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'numpy-broadcasting-and-indexing',
  requires: ['numpy'],
  severityForms: [
    {
      severity: 'hint',
      when: 'when the writable view is returned to callers at once: whether they write through it is out of view',
    },
    {
      severity: 'hint',
      when: "when the call passes `writeable=` (not a literal True), or the view is copied as soon as it is made (`out[i:] = as_strided(...)`, `np.array(as_strided(...))`, or `v = np.copy(v)` on the next line), or the view and the views taken of it are only read in the function (arithmetic, reductions, NumPy functions that make a new array): no write can go through the overlapping view, and what is left is a style choice the author has weighed (librosa's `util.frame`)",
    },
  ],
  message: '`as_strided` does no bounds checking; use `sliding_window_view` or `broadcast_to` instead',
  docs: {
    why:
      '`as_strided` builds a view from raw shape and stride numbers without checking them against the buffer: a ' +
      'wrong stride or shape reads (or, through a writable view, writes) memory outside the array, giving garbage ' +
      'values or a crash. Overlapping writable views also make in-place updates order-dependent.',
    instead:
      'For moving windows use `np.lib.stride_tricks.sliding_window_view(a, window_shape)` (NumPy 1.20+), which ' +
      'computes the strides itself and returns a read-only view; for repeating an array use `np.broadcast_to`. If ' +
      '`as_strided` is unavoidable, pass `writeable=False`.',
    example: {
      before: 'win = as_strided(a, shape=(n - w + 1, w), strides=(a.strides[0], a.strides[0]))',
      after: 'win = np.lib.stride_tricks.sliding_window_view(a, w)',
    },
  },
  query: `
(call
  function: [(attribute attribute: (identifier) @name) (identifier) @name]
  (#eq? @name "as_strided")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const q = ctx.facts.calleeName(call);
    if (q !== 'numpy.lib.stride_tricks.as_strided' && q !== 'numpy.lib.stride_tricks._as_strided') return;
    // A backport of the recommended function itself (for NumPy < 1.20): nothing to switch to.
    if (SAFE_WRAPPERS.has((enclosingDef(call)?.childForFieldName('name')?.text ?? '').replace(/^_+/, ''))) return;
    // The fallback for a NumPy without `sliding_window_view` (< 1.20): the author already uses the recommended function
    // where it exists (pandas-ta's linreg, judged wrong by a blind review, review9 in-sample).
    if (oldNumpyFallback(call, ctx.facts)) return;
    // A def named `as_strided` that hands its own parameters on (bionumpy's `EncodedArray.as_strided(self, *args,
    // **kwargs)`, judged wrong in review40): a delegation of as_strided itself, whose callers choose the layout; the
    // advice belongs at their calls, and the wrapper cannot become sliding_window_view.
    if (forwardsAsStrided(call)) return;
    // The comment above says which NumPy bug the call works around (pytorch3d's PLY reader: "fails in the general case
    // because of https://github.com/numpy/numpy/issues/9496"): the author weighed the safer forms and could not use them.
    // Blind review39 judged that finding wrong.
    if (documentsNumpyIssue(call, ctx.facts.text)) return;
    // Without a shape or strides (the 2nd and 3rd positional arguments, or by keyword) the view has
    // the input's own layout: an identity view cannot read out of bounds.
    const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
    const positional = args.filter((a) => a.type !== 'keyword_argument');
    const layoutGiven =
      positional.length > 1 ||
      positional.some((a) => a.type === 'list_splat') ||
      args.some((a) => a.type === 'dictionary_splat') ||
      keywordArgument(call, 'shape') !== null ||
      keywordArgument(call, 'strides') !== null;
    if (!layoutGiven) return;
    // `as_strided(a, shape=a.shape, strides=s)`: the array's own shape with new strides, the replacement NumPy 2.4
    // recommends for assigning `a.strides` (pynbody's shared-memory arrays, review50 A010, judged wrong): no window or
    // broadcast is being built, so neither safer function applies.
    if (restridesInPlace(call, positional)) return;
    // In a numba-compiled function `as_strided` is numba's: it takes no `writeable=` and numba has no
    // `sliding_window_view` to switch to, so the advice cannot be followed (pyts' windowed views, judged wrong).
    if (enclosingJit(ctx.facts, call)) return;
    const writeable = keywordArgument(call, 'writeable');
    // Only a literal True (or no keyword) is known to give a writable view: `writeable=writeable`
    // passes the caller's choice through.
    // So does a view copied as soon as it is made (`out[k:] = as_strided(...)`, `np.array(as_strided(...))`): nothing
    // keeps it to write through (gluonts' seq2seq transform, which a blind review judged noise).
    // So does a view whose next statement sets its writability (`out.setflags(write=mutable)`, empyrical's rolling window,
    // read-only unless the caller asks): the author decided, as with `writeable=`.
    const readOnly =
      (writeable !== null && writeable.childForFieldName('value')?.text !== 'True') ||
      copiedAtOnce(call, ctx.facts) ||
      copiedNext(call, ctx.facts) ||
      flagsSetNext(call) ||
      onlyReduced(call, ctx.facts) ||
      onlyReadLocally(call, ctx.facts);
    // A project that supports NumPy before 1.20 (empyrical's `numpy>=1.9.2`) has no `sliding_window_view` to switch to:
    // only the bounds warning is left, a hint.
    const floor = declaredFloor('numpy', ctx.filePath, ctx.files);
    if (floor && below(floor, SLIDING_WINDOW_SINCE)) {
      ctx.report({
        node: call.childForFieldName('function') ?? call,
        severity: 'hint',
        message: `\`as_strided\` trusts the given shape and strides without bounds checks; \`sliding_window_view\` needs NumPy 1.20, and this project supports NumPy ${floor.join('.')}`,
      });
      return;
    }
    // A view returned to callers may be written through on purpose (stumpy fills a mask in place through its rolling
    // window): whether `writeable=False` fits depends on code out of view, so the finding is a hint that says so.
    if (!readOnly && returnedAtOnce(call)) {
      ctx.report({
        node: call.childForFieldName('function') ?? call,
        severity: 'hint',
        message:
          '`as_strided` trusts the given shape and strides without bounds checks, and this view, writable whenever the array is, is returned to callers; if none writes through it, pass `writeable=False`',
      });
      return;
    }
    ctx.report({
      node: call.childForFieldName('function') ?? call,
      // A read-only view cannot corrupt memory through a write: the author chose as_strided knowingly.
      severity: readOnly ? 'hint' : undefined,
      message: readOnly
        ? '`as_strided` trusts the given shape and strides without bounds checks; prefer `sliding_window_view` or `broadcast_to`'
        : // Writable only when the array is (review47: scikit-bio's read-only `_bytes`, where "returns a writable view" was wrong).
          '`as_strided` trusts the given shape and strides, and its view is writable whenever the array is; prefer `sliding_window_view` / `broadcast_to`, or pass `writeable=False`',
    });
  },
});

/** The shape argument is the first argument's own `.shape` (positional or `shape=`). */
function restridesInPlace(call: Node, positional: Node[]): boolean {
  const array = positional[0];
  const shape = keywordArgument(call, 'shape')?.childForFieldName('value') ?? positional[1];
  return !!array && !!shape && shape.text.replace(/\s+/g, '') === `${array.text.replace(/\s+/g, '')}.shape`;
}

/**
 * The call is NumPy < 1.20's path: under a version test or an `except ImportError/AttributeError` (`underVersionGuard`),
 * or its `from numpy.lib.stride_tricks import as_strided` is (pandas-ta imports it in the `else:` of
 * `if npVersion >= "1.20.0":`, calling it from a nested helper). Or a function around it names `sliding_window_view`: it
 * calls it on the other path, or says it reimplements it (librosa's `util.frame`, "derived from
 * numpy.lib.stride_tricks.sliding_window_view"); either way the author knows the safer function and chose.
 */
function oldNumpyFallback(call: Node, facts: FileFacts): boolean {
  // A guard alone is not enough (`try: import numpy ... except ImportError` guards an optional dependency): the file
  // must name the function the guard chooses between.
  if (!facts.text.includes('sliding_window_view')) return false;
  if (underVersionGuard(call)) return true;
  const callee = call.childForFieldName('function');
  const statement = callee?.type === 'identifier' ? facts.binding(callee.text)?.statement : undefined;
  if (statement && underVersionGuard(statement)) return true;
  // `if hasattr(stride_tricks, "sliding_window_view"): def windows... else: def windows...`: the def is the fallback.
  for (let def = enclosingDef(call); def; def = def.parent ? enclosingDef(def.parent) : null) {
    if (def.text.includes('sliding_window_view') || underVersionGuard(def)) return true;
  }
  return false;
}

/**
 * The call sits in a def named `as_strided` (any leading underscores) and takes its shape or strides from the def's
 * parameters: `*args`/`**kwargs` splats of them, or `shape=shape`-style names of them.
 */
function forwardsAsStrided(call: Node): boolean {
  const def = enclosingDef(call);
  if ((def?.childForFieldName('name')?.text ?? '').replace(/^_+/, '') !== 'as_strided') return false;
  const params = new Set(parameterNames(def!));
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
  return args.slice(1).some((a) => {
    const value = a.type === 'list_splat' || a.type === 'dictionary_splat' ? a.namedChild(0) : a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
    return value?.type === 'identifier' && params.has(value.text) && value.text !== 'self';
  });
}

/** A NumPy issue named in a comment: `github.com/numpy/numpy/issues/9496`, `numpy#9496`, `numpy/numpy#9496`. */
const NUMPY_ISSUE = /numpy\/numpy\/(?:issues|pull)\/\d+|numpy#\d+/i;

/**
 * The comment lines right above the statement that holds the call name a NumPy issue. Read from the text: the comments
 * above a body's first statement belong to the def in the syntax tree, not to the block.
 */
function documentsNumpyIssue(call: Node, text: string): boolean {
  let statement: Node = call;
  while (statement.parent && statement.parent.type !== 'block' && statement.parent.type !== 'module') statement = statement.parent;
  const lines = text.split('\n', statement.startPosition.row);
  for (let i = lines.length - 1; i >= 0 && lines[i].trimStart().startsWith('#'); i--) if (NUMPY_ISSUE.test(lines[i])) return true;
  return false;
}

/** `return as_strided(...)`: the view goes to the callers. */
function returnedAtOnce(call: Node): boolean {
  let node = call;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  return node.parent?.type === 'return_statement';
}

/**
 * `v = as_strided(...)` followed by `v = np.copy(v)` / `v = v.copy()` / `v = np.array(v)`: the name holds a copy from the
 * next statement on, so nothing writes through the view (pyts' shapelet windows).
 */
function copiedNext(call: Node, facts: FileFacts): boolean {
  const bound = nextAfterBinding(call);
  if (!bound) return false;
  const { name, next } = bound;
  if (next?.type !== 'assignment' || next.childForFieldName('left')?.text !== name) return false;
  const right = next.childForFieldName('right');
  if (right?.type !== 'call') return false;
  if (right.childForFieldName('function')?.text === `${name}.copy`) return true;
  const first = right.childForFieldName('arguments')?.namedChildren[0];
  return first?.text === name && COPYING_CALLS.has(facts.calleeName(right) ?? '') && keywordArgument(right, 'copy') === null;
}

/** The first NumPy with `numpy.lib.stride_tricks.sliding_window_view`. */
const SLIDING_WINDOW_SINCE = [1, 20] as const;

/** `out = as_strided(...)` followed at once by `out.setflags(...)` or `out.flags.writeable = ...`. */
function flagsSetNext(call: Node): boolean {
  const bound = nextAfterBinding(call);
  if (!bound) return false;
  const { name, next } = bound;
  if (next?.type === 'call') return next.childForFieldName('function')?.text === `${name}.setflags`;
  return next?.type === 'assignment' && next.childForFieldName('left')?.text === `${name}.flags.writeable`;
}

/**
 * For `v = as_strided(...)`: the name `v` and the expression of the statement right after (what happens to the view
 * first); null when the call is not the whole right side of an assignment to a plain name.
 */
function nextAfterBinding(call: Node): { name: string; next: Node | null | undefined } | null {
  const assignment = call.parent;
  const name = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  if (name?.type !== 'identifier') return null;
  return { name: name.text, next: assignment!.parent?.nextNamedSibling?.firstNamedChild };
}

/** Copies that take the view's values and keep nothing of it. */
const COPYING_CALLS = new Set(['numpy.array', 'numpy.copy']);

/**
 * The view is copied where it is made: assigned into a slice or element of another array (`out[k:] = view`), passed to
 * `np.array` / `np.copy`, or `.copy()`-ed. No name holds it, so no write can reach the buffer through it.
 */
function copiedAtOnce(call: Node, facts: FileFacts): boolean {
  let node = call;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'assignment') return parent.childForFieldName('right')?.equals(node) === true && parent.childForFieldName('left')?.type === 'subscript';
  if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.text === 'copy') return parent.parent?.type === 'call';
  if (parent.type === 'argument_list' && parent.namedChildren[0]?.equals(node)) {
    const holder = parent.parent;
    // `np.array(view, copy=False)` may keep the view itself.
    return holder?.type === 'call' && COPYING_CALLS.has(facts.calleeName(holder) ?? '') && keywordArgument(holder, 'copy') === null;
  }
  return false;
}

/** NumPy reductions: they read their input and return a new array, never writing through the view. */
const REDUCTIONS = ['max', 'min', 'sum', 'mean', 'median', 'std', 'var', 'prod', 'any', 'all', 'argmax', 'argmin', 'ptp', 'amax', 'amin'];
const NUMPY_REDUCTIONS = new Set(REDUCTIONS.flatMap((r) => [`numpy.${r}`, `numpy.nan${r}`]));
const REDUCTION_METHODS = new Set(REDUCTIONS);

/**
 * `w = as_strided(...)` whose every later read is the input of a NumPy reduction (`np.max(w, axis=1)`, `w.min(axis=1)`):
 * the view lives only to be reduced, nothing can write through it (jesse's rolling max/min, judged noise twice).
 */
function onlyReduced(call: Node, facts: FileFacts): boolean {
  const assignment = call.parent;
  const name = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  const statement = assignment?.parent;
  if (name?.type !== 'identifier' || statement?.type !== 'expression_statement') return false;
  const reads = readsAfter(statement, name.text);
  return (
    reads.length > 0 &&
    reads.every((read) => {
      const parent = read.parent;
      // `w.max(axis=1)`
      if (parent?.type === 'attribute' && parent.childForFieldName('object')?.equals(read)) {
        const method = parent.childForFieldName('attribute')?.text ?? '';
        return REDUCTION_METHODS.has(method) && parent.parent?.type === 'call' && keywordArgument(parent.parent, 'out') === null;
      }
      // `np.max(w, axis=1)`, without an `out=` that could be the view itself.
      const holder = parent?.type === 'argument_list' && parent.namedChildren[0]?.equals(read) ? parent.parent : null;
      return holder?.type === 'call' && NUMPY_REDUCTIONS.has(facts.calleeName(holder) ?? '') && keywordArgument(holder, 'out') === null;
    })
  );
}

/** NumPy functions that return a view of their first argument (followed: the view they return is the same memory). */
const VIEW_CALLS = new Set(['numpy.moveaxis', 'numpy.swapaxes', 'numpy.transpose', 'numpy.squeeze', 'numpy.expand_dims', 'numpy.rollaxis']);
/** NumPy functions that read their first argument into a new array (without `out=`). */
const READING_CALLS = new Set([
  ...NUMPY_REDUCTIONS,
  ...[
    'abs',
    'absolute',
    'sqrt',
    'square',
    'exp',
    'log',
    'log10',
    'log1p',
    'power',
    'clip',
    'sort',
    'diff',
    'dot',
    'matmul',
    'einsum',
    'array',
    'copy',
    'ascontiguousarray',
  ].map((f) => `numpy.${f}`),
]);
/** Attributes that read only the view's metadata. */
const METADATA = new Set(['shape', 'ndim', 'strides', 'dtype', 'size', 'itemsize', 'nbytes']);

/**
 * `xw = as_strided(y, ...)` in a function, where the view and every view taken of it (`xw = np.moveaxis(xw, -1, 0)`,
 * `x = xw[::hop]`) are only read: into arithmetic (`np.abs(x) ** 2`), a NumPy function that makes a new array, a
 * reduction, or their shape. Nothing writes through it, returns it or hands it to other code: a librosa-style framing
 * whose result is reduced (Amphion's `get_rms`, judged noise in review48: "sliding_window_view is a style change with no
 * performance or safety gain").
 */
function onlyReadLocally(call: Node, facts: FileFacts): boolean {
  const assignment = call.parent;
  const name = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.equals(call) ? assignment.childForFieldName('left') : null;
  const statement = assignment?.parent;
  if (name?.type !== 'identifier' || statement?.type !== 'expression_statement' || !enclosingDef(call)) return false;
  const work: { statement: Node; name: string }[] = [{ statement, name: name.text }];
  const seen = new Set<string>();
  let reads = 0;
  while (work.length > 0) {
    const { statement: at, name: held } = work.pop()!;
    const key = `${at.startIndex}:${held}`;
    if (seen.has(key)) continue;
    if (seen.size >= 8) return false;
    seen.add(key);
    for (const read of readsAfter(at, held)) {
      reads++;
      const use = viewUse(read, facts);
      if (use === null) return false;
      if (use !== 'read') work.push(use);
    }
  }
  return reads > 0;
}

/**
 * What a read of the view does: 'read' (only reads it), a new name holding a view of it (to follow), or null (anything
 * else: a write through it, a return, a call of other code).
 */
function viewUse(read: Node, facts: FileFacts): 'read' | { statement: Node; name: string } | null {
  let node: Node = read;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (!parent) return null;
  // `xw.shape`, `w.max(axis=1)`.
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.equals(node)) {
    const attr = parent.childForFieldName('attribute')?.text ?? '';
    if (METADATA.has(attr)) return 'read';
    return REDUCTION_METHODS.has(attr) && parent.parent?.type === 'call' && keywordArgument(parent.parent, 'out') === null ? 'read' : null;
  }
  // `xw[tuple(slices)]`: a view of the view (followed when bound to a name), or read in place.
  if (parent.type === 'subscript' && parent.childForFieldName('value')?.equals(node)) return derived(parent);
  // `np.moveaxis(xw, -1, 0)`: a view; `np.abs(x)`, `np.mean(x, axis=1)`: a new array.
  const holder = parent.type === 'argument_list' && parent.namedChildren[0]?.equals(node) ? parent.parent : null;
  if (holder?.type === 'call' && keywordArgument(holder, 'out') === null) {
    const q = facts.calleeName(holder) ?? '';
    if (VIEW_CALLS.has(q)) return derived(holder);
    if (READING_CALLS.has(q)) return 'read';
    return null;
  }
  // `x ** 2`, `x * w`: a new array.
  if (parent.type === 'binary_operator' || parent.type === 'comparison_operator' || parent.type === 'unary_operator') return 'read';
  return null;
}

/** A view taken of the view: bound to a plain name (followed), read at once into a new array, or null. */
function derived(expr: Node): 'read' | { statement: Node; name: string } | null {
  let node = expr;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (parent?.type === 'assignment' && parent.childForFieldName('right')?.equals(node)) {
    const left = parent.childForFieldName('left');
    return left?.type === 'identifier' && parent.parent?.type === 'expression_statement' ? { statement: parent.parent, name: left.text } : null;
  }
  return parent?.type === 'binary_operator' || parent?.type === 'comparison_operator' ? 'read' : null;
}
