import { defineRule, type Report, type RuleContext } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import {
  callArguments,
  compiledByCall,
  contains,
  declaresPackage,
  decoratorCallee,
  decoratorsOf,
  definitionsNamed,
  enclosingFunction,
  enclosingLoop,
  findDescendants,
  hasCompiledTwinNamed,
  insideNumbaFunction,
  inTestFunction,
  isNestedScope,
  isSmallLiteralLoop,
  isTestFile,
  localOccurrences,
  parameterNames,
  positionalArguments,
  SMALL_LOOP,
  statementsByKeyword,
  values,
} from '../../server/analysis';
import { ensureImport, indentAt, insertAt, lineStartOf } from '../../server/fixes';

const ALLOWED_STATEMENTS = new Set([
  'expression_statement',
  'for_statement',
  'while_statement',
  'if_statement',
  'elif_clause',
  'else_clause',
  'return_statement',
  'pass_statement',
  'break_statement',
  'continue_statement',
  'block',
  'comment',
]);
/** Decorators that compile, trace or vectorise the function: its loops are not the interpreter's. */
const COMPILING_DECORATOR = /(^|\.)(n?jit|vectorize|guvectorize|stencil|cfunc|function|script|compile|trace|cuda)$/;
const ALLOWED_BUILTINS = new Set(['range', 'enumerate', 'len', 'min', 'max', 'abs', 'int', 'float', 'round', 'bool']);
const ARRAY_ATTRIBUTES = new Set(['shape', 'size', 'ndim', 'dtype', 'T']);
const ARRAY_METHODS = new Set(['sum', 'mean', 'max', 'min', 'copy', 'argmax', 'argmin', 'cumsum', 'reshape', 'ravel', 'fill']);
const DISALLOWED_EXPRESSIONS = new Set([
  'string',
  'concatenated_string',
  'list',
  'dictionary',
  'set',
  'list_comprehension',
  'dictionary_comprehension',
  'set_comprehension',
  'generator_expression',
  'lambda',
  'await',
  'yield',
  'list_splat',
  'dictionary_splat',
  'keyword_argument',
]);

export default defineRule({
  id: 'numba-jit-candidate',
  title: 'A numeric loop nest that cannot be vectorised easily',
  category: 'numba',
  severity: 'hint',
  severityForms: [
    {
      severity: 'info',
      when:
        'for a linear recurrence with constant coefficients (an exponential or Wilder smoothing): `scipy.signal.lfilter` replaces ' +
        'the whole loop with one call and no new dependency, so the advice holds wherever the function runs over real data',
    },
  ],
  enabledByDefault: true,
  confidence: 'low',
  guide: 'numba',
  requires: ['numpy'],
  message: 'This loop carries a dependency from one iteration to the next, so numpy cannot vectorise it; `@numba.njit` can compile it',
  docs: {
    why:
      'A loop where each element depends on the previous one (a recurrence, a running filter, a scan) has no ' +
      'whole-array numpy equivalent, so it runs at interpreter speed. Numba compiles such purely numeric ' +
      'functions (scalars, ndarrays, `math` and numpy calls, simple control flow) to machine code, typically ' +
      'tens to hundreds of times faster. A running sum, product, maximum or minimum of the previous element is not such ' +
      'a loop (`np.cumsum`, `np.cumprod`, `np.maximum.accumulate` do it in one call), nor is the uncompiled twin of a ' +
      'compiled function (the same loop, or a name one word apart, compiled in the same file; the same name compiled ' +
      'in a sibling file such as `solver_numba.py` beside `solver_py.py`): benchmarks and examples keep such ' +
      'pure-Python baselines to time against. Nor is a loop over parameters annotated as Python objects ' +
      '(`List[Fraction]`), which nopython mode cannot take. The rule stays silent on all of these. A linear recurrence with constant ' +
      'coefficients (`x[i] = a * x[i - 1] + b * y[i]`, an exponential or Wilder smoothing) is an IIR filter: the ' +
      'message names `scipy.signal.lfilter` first, also for such a loop at the top level of a script or notebook cell (the one ' +
      'form reported outside functions). So is the same sum run from the end (`for t in reversed(range(n - 1)): ' +
      'g[t] = r[t] + gamma * g[t + 1]`, a discounted return): `lfilter` on the reversed input, reversed back; a ' +
      'coefficient that changes per step (`* (1 - done[t])`) is not one filter and is left alone. A project whose requirement files do not name numba gets no such advice.',
    instead:
      'Decorate the function with `@numba.njit` (the first call compiles; add `cache=True` to keep the compiled ' +
      'code between runs). Keep pandas, I/O and Python objects outside the compiled function.',
    example: {
      before: 'def cusum(x, k):\n    for i in range(1, x.shape[0]):\n        x[i] = max(0.0, x[i - 1] + x[i] - k)',
      after: 'import numba\n\n@numba.njit\ndef cusum(x, k):\n    for i in range(1, x.shape[0]):\n        x[i] = max(0.0, x[i - 1] + x[i] - k)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Compile the function with @numba.njit',
    reason:
      'needs numba installed; compiled code uses fixed-width integers (no arbitrary-precision overflow), does not ' +
      'bounds-check indexing, rejects argument types it cannot compile, and the first call pays the compile time',
  },
  query: `
(function_definition
  name: (identifier) @name
  parameters: (parameters) @params
  body: (block) @body) @def

(module (for_statement) @toploop)`,
  check(m, rawCtx) {
    const top = m.get('toploop');
    if (top) {
      moduleRecurrence(top, rawCtx);
      return;
    }
    const def = m.need('def');
    if (def.child(0)?.type === 'async') return;
    const ctx = unlessBaseline(m.need('name').text, m.need('params'), rawCtx);
    // A decorated function (finta's `@classmethod @inputvalidator(...)` indicators) gets no `@njit` of its own, as the
    // decorators may wrap it in what numba cannot compile: its loop alone moves into a compiled function. Not when a
    // decorator already compiles or traces it (`@njit`, `@tf.function`, `@torch.jit.script`).
    const decorated = def.parent?.type === 'decorated_definition';
    if (decorated && decoratorsOf(def).some((d) => COMPILING_DECORATOR.test(decoratorCallee(d).text))) return;
    if (decorated || isMethod(m.need('params'))) {
      if (!methodRecurrence(m.need('body'), m.need('name').text, ctx)) listRecurrence(m.need('body'), m.need('name').text, ctx);
      return;
    }
    // Already compiled elsewhere: `kernel = njit(kernel)` / `jit(...)(kernel)`.
    if (compiledByCall(ctx.facts, def)) return;
    const name = m.need('name').text;
    // `if no_numba: def f(...)` / `else: @njit def f(...)` (VIP's outlier correction, review75): the pure-Python branch is
    // the fallback for when numba failed to import, and compiling it would import numba where it is missing.
    if (fallbackOfCompiledTwin(def, name)) return;
    const body = m.need('body');
    const simple = simpleParameters(m.need('params'));
    const loop = simple ? (recurrenceLoop(body, ctx) ?? backwardRecurrence(body, ctx)) : null;
    const nest = loop || !simple ? null : kernelLoop(body, ctx);
    // A nest whose inner loop is one column's running product (py4at's simulation, review70) is numpy's cumprod.
    const kernel = nest && !columnAccumulate(nest.node) ? nest : null;
    const state = loop || kernel ? null : stateLoop(body, ctx);
    const wholeFunction = simple && numbaFriendly(body, ctx);
    const found = loop ?? kernel ?? state;
    if (found && hasCompiledTwin(found.node, ctx)) return;
    if (state && !wholeFunction) {
      adviseNumba(ctx, {
        node: state.node,
        message: `${state.names} ${state.verb} over from one step to the next while this loop of \`${name}\` fills \`${state.array}\`, so numpy cannot vectorise it; move the loop (and the helpers it calls) into functions compiled with \`@numba.njit\``,
      });
      return;
    }
    if (loop?.linear && !wholeFunction) {
      ctx.report({ node: loop.node, message: linearMessage(loop), severity: LINEAR_SEVERITY });
      return;
    }
    // albumentations' inverse distortion map: the function builds its arrays with keyword arguments numba would take
    // too, but the rule only vouches for the loop nest, which moves into a compiled function alone.
    // In tests the nested loops are a reference implementation, slow on purpose (stumpy's tests/naive.py).
    const reference = isTestFile(ctx.filePath) || inTestFunction(m.need('body'));
    if (kernel && !wholeFunction && !reference && scalarKernel(kernel.node, ctx) && numbaFriendly(kernel.node.childForFieldName('body')!, ctx)) {
      adviseNumba(ctx, {
        node: kernel.node,
        message: `This loop nest of \`${name}\` visits the elements of \`${kernel.array}\` one interpreted step per pair of indices; move it into a function compiled with \`@numba.njit\``,
      });
      return;
    }
    if (!loop && !kernel && !state) {
      listRecurrence(body, name, ctx);
      return;
    }
    if (!wholeFunction) return;
    const njit = ensureImport(ctx.facts, 'numba', 'njit');
    const at = lineStartOf(ctx.text, def.startIndex);
    const message = loop
      ? loop.linear
        ? `${linearMessage(loop)}, or compile \`${name}\` with \`@numba.njit\``
        : `\`${loop.array}[${loop.index}]\` depends on \`${loop.array}[${loop.index} - ...]\`, so \`${name}\` cannot be vectorised with numpy; compile it with \`@numba.njit\``
      : kernel
        ? `\`${name}\` runs nested Python loops over the elements of \`${kernel.array}\`, one interpreted step per pair of indices; compile it with \`@numba.njit\``
        : `${state!.names} ${state!.verb} over from one step to the next while \`${name}\` fills \`${state!.array}\`, so numpy cannot vectorise it; compile it with \`@numba.njit\``;
    adviseNumba(ctx, {
      node: (loop ?? kernel ?? state)!.node,
      message,
      ...(loop?.linear ? { severity: LINEAR_SEVERITY } : {}),
      edits: [...njit.edits, insertAt(at, `${indentAt(ctx.text, def.startIndex)}@${njit.ref}${detectEol(ctx.text)}`)],
    });
  },
});

/** The def sits in a branch of an `if` whose other branch defines the same name compiled (`@njit def f`). */
function fallbackOfCompiledTwin(def: Node, name: string): boolean {
  const holder = def.parent?.type === 'decorated_definition' ? def.parent : def;
  let branch = holder.parent?.type === 'block' ? holder.parent.parent : null;
  if (branch?.type === 'else_clause' || branch?.type === 'elif_clause') branch = branch.parent;
  if (branch?.type !== 'if_statement') return false;
  return findDescendants(branch, (n) => n.type === 'function_definition' && !n.equals(def) && n.childForFieldName('name')?.text === name, isNestedScope).some(
    (twin) => decoratorsOf(twin).some((d) => COMPILING_DECORATOR.test(decoratorCallee(d).text)),
  );
}

/**
 * The context, its reports dropped when the function is a deliberate pure-Python baseline (a compiled twin of the
 * same or nearly the same name exists: the decorator would defeat the comparison) or takes values numba cannot
 * compile (annotated as Python objects: `List[Fraction]`). Asked only when a report is about to be made: the twin
 * search may probe a sibling file.
 */
function unlessBaseline(name: string, params: Node, ctx: RuleContext): RuleContext {
  let silent: boolean | undefined;
  return {
    ...ctx,
    report(report) {
      if (walksPythonObjects(params, report.node)) return;
      silent ??= hasCompiledTwinNamed(ctx.facts, name);
      if (!silent) ctx.report(report);
    },
  };
}

/**
 * Type names (anywhere in a parameter's annotation) of values nopython mode rejects or only takes as a deprecated
 * reflected list: Python numbers of arbitrary precision, strings, objects, and the Python containers.
 */
const PYTHON_OBJECT_TYPES = new Set([
  'Fraction',
  'Decimal',
  'str',
  'bytes',
  'object',
  'Any',
  'List',
  'list',
  'Sequence',
  'Iterable',
  'Iterator',
  'Tuple',
  'Dict',
  'dict',
  'Mapping',
  'Set',
  'set',
]);

/**
 * The reported loop walks a parameter annotated as a Python object (`timestamps: List[Fraction]`): it indexes it
 * (`timestamps[i]`) or iterates it (`for t in timestamps`, `enumerate(timestamps)`). A parameter the loop only uses
 * as a key (`column: str` in `frame[column]`) does not count.
 */
function walksPythonObjects(params: Node, loop: Node | undefined): boolean {
  if (!loop) return false;
  const typed = new Set<string>();
  for (const p of params.namedChildren) {
    if (p?.type !== 'typed_parameter' && p?.type !== 'typed_default_parameter') continue;
    const type = p.childForFieldName('type');
    const name = p.type === 'typed_parameter' ? p.namedChildren.find((c) => c?.type === 'identifier') : p.childForFieldName('name');
    if (!type || !name) continue;
    const ids = type.type === 'identifier' ? [type] : findDescendants(type, (n) => n.type === 'identifier');
    if (ids.some((id) => PYTHON_OBJECT_TYPES.has(id.text))) typed.add(name.text);
  }
  if (typed.size === 0) return false;
  return findDescendants(loop, (n) => n.type === 'identifier' && typed.has(n.text)).some((id) => {
    const parent = id.parent;
    if (parent?.type === 'subscript') return parent.childForFieldName('value')?.equals(id) ?? false;
    if (parent?.type === 'for_statement') return parent.childForFieldName('right')?.equals(id) ?? false;
    const call = parent?.type === 'argument_list' ? parent.parent : null;
    const fn = call?.childForFieldName('function')?.text;
    return (fn === 'enumerate' || fn === 'zip') && call?.parent?.type === 'for_statement';
  });
}

/** Per file: the loops of its compiled functions, spelled without blanks and with `prange` as `range`. */
const compiledLoops = new WeakMap<RuleContext['facts'], Set<string>>();

function loopKey(loop: Node): string {
  return loop.text.replace(/\bprange\(/g, 'range(').replace(/\s+/g, '');
}

/**
 * The same loop nest also sits in a compiled function of this file (`_njit_jacobian` next to `_jacobian`): the
 * uncompiled copy is kept on purpose, for inputs numba rejects (PyTorch tensors under autograd, another array
 * backend), and compiling it would break that path.
 */
const FOR_STATEMENT: ReadonlySet<string> = new Set(['for_statement']);

function hasCompiledTwin(loop: Node, ctx: RuleContext): boolean {
  let loops = compiledLoops.get(ctx.facts);
  if (!loops) {
    // Where the text spells `for`, not a walk of the whole tree.
    loops = new Set(
      statementsByKeyword(ctx.facts.root, 'for', FOR_STATEMENT)
        .filter((n) => insideNumbaFunction(ctx.facts, n))
        .map(loopKey),
    );
    compiledLoops.set(ctx.facts, loops);
  }
  return loops.size > 0 && loops.has(loopKey(loop));
}

/** A `range` bound written as a number up to this is a handful of steps: interpreting them costs nothing worth a change. */
const TINY_RANGE = 32;

/**
 * A loop at the top level of a script or notebook cell whose one statement is a linear recurrence over a known ndarray
 * (`ema[t] = alpha * prices[t] + (1 - alpha) * ema[t - 1]`): the same IIR filter as in a function, so the same
 * `scipy.signal.lfilter` advice. Only that form: moving other top-level loops into a compiled function is a larger change
 * than the rule vouches for. Silent on a range of a few literal steps, and on a running sum or product (`np.cumsum`).
 */
function moduleRecurrence(loop: Node, ctx: RuleContext): void {
  const index = nestLoop(loop)?.index;
  const range = loop.childForFieldName('right');
  if (!index || range?.type !== 'call' || range.childForFieldName('function')?.text !== 'range' || !ctx.facts.isBuiltin('range', range)) return;
  const args = range.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const stop = args.length === 1 ? args[0] : args.length === 2 ? args[1] : null;
  if (!stop || (stop.type === 'integer' && Number(stop.text) <= TINY_RANGE)) return;
  const statements = loop.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const assign = statements.length === 1 && statements[0].type === 'expression_statement' ? statements[0].namedChild(0) : null;
  const left = assign?.type === 'assignment' ? assign.childForFieldName('left') : null;
  const array = left?.type === 'subscript' ? left.childForFieldName('value') : null;
  const keys = left?.type === 'subscript' ? left.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment') : [];
  if (!assign || array?.type !== 'identifier' || keys.length !== 1 || keys[0]!.text !== index) return;
  const value = values(ctx.facts).valueOf(array);
  // One index into a 2-D array writes a row: each step is already a whole-row operation.
  if (!values(ctx.facts).isA(array, 'ndarray') || (value?.ndim !== undefined && value.ndim !== 1)) return;
  if (runningAccumulate(loop, array.text, index, ctx) || runningSum(assign, array.text, index)) return;
  if (!linearRecurrence(loop, assign, array.text, index, ctx)) return;
  // Top-level code runs once per script or cell: the filter is worth writing there only when the ranking finds it hot.
  ctx.report({
    node: loop,
    message: linearMessage({ node: loop, array: array.text, index, linear: true, series: false, unpacked: false }),
    severity: LINEAR_SEVERITY,
    quietOutsideHotCode: true,
  });
}

/** `def f(self, ...)`: a method, which numba cannot compile as it is. */
function isMethod(params: Node): boolean {
  const first = params.namedChildren.find((p) => p && p.type !== 'comment');
  return first?.type === 'identifier' && first.text === 'self';
}

/** `x` or `self.x`: what a recurrence may write element by element. */
function isArrayReference(n: Node): boolean {
  return n.type === 'identifier' || isSelfAttribute(n);
}

function isSelfAttribute(n: Node): boolean {
  return n.type === 'attribute' && n.childForFieldName('object')?.text === 'self';
}

/**
 * A method whose loop is a recurrence over ndarrays (`self._trs[i] = self._trs[i - 1] - ...`, Wilder's
 * smoothing, a Kaufman average): the loop alone is numba-friendly, the method is not. Reported without a
 * fix: the loop moves into an `@njit` function the method calls.
 */
function methodRecurrence(body: Node, name: string, ctx: RuleContext): boolean {
  // Only arrays the value layer knows (`self._trs = np.zeros(...)`): a method's parameter may be anything.
  const loop = recurrenceLoop(body, ctx, true);
  const loopBody = loop?.node.childForFieldName('body');
  // A linear filter needs no compiling: its advice holds whatever the loop reads its input from (`true_range.iloc[i]`).
  if (!loop || !loopBody) return false;
  if (!loop.linear && !(loop.series || loop.unpacked ? scalarSteps(loopBody, ctx) : numbaFriendly(loopBody, ctx))) return false;
  const report: Report = {
    node: loop.node,
    ...(loop.linear ? { severity: LINEAR_SEVERITY } : {}),
    message: loop.linear
      ? linearMessage(loop)
      : loop.series
        ? `\`${loop.array}[${loop.index}]\` depends on \`${loop.array}[${loop.index} - ...]\`, read and written one pandas element at a time, so this loop of \`${name}\` cannot be vectorised; run it over \`.to_numpy()\` arrays in a function compiled with \`@numba.njit\``
        : `\`${loop.array}[${loop.index}]\` depends on \`${loop.array}[${loop.index} - ...]\`, so this loop of \`${name}\` cannot be vectorised with numpy; move it into a function compiled with \`@numba.njit\``,
  };
  // A linear filter's advice needs no compiler; the other forms advise numba.
  if (loop.linear) ctx.report(report);
  else adviseNumba(ctx, report);
  return true;
}

/**
 * A loop over a series that carries plain numbers from one step to the next (`tmod0 = tmod` at the end, read at
 * the start of the next step) while it fills `out[i]`: a time-stepping recurrence numpy cannot vectorise. When the
 * function as a whole is not numba's (pandas around it, other parameters) the rule reports the loop without a fix:
 * the loop, and the helpers of this file it calls, move into compiled functions.
 */
function stateLoop(body: Node, ctx: RuleContext): { node: Node; names: string; verb: string; array: string } | null {
  // The outermost counted loops only: an inner loop of a time step is part of the step. A loop over groups or
  // names around it (`for bid in np.unique(bids):`) is not a step: the counted loops inside it are searched.
  for (const loop of findDescendants(
    body,
    (n) => n.type === 'for_statement' && nestLoop(n) !== null,
    (n) => isNestedScope(n) || (n.type === 'for_statement' && nestLoop(n) !== null),
  )) {
    const index = nestLoop(loop)?.index;
    const loopBody = loop.childForFieldName('body');
    if (!index || !loopBody) continue;
    const out = filledArray(loopBody, index, ctx);
    const carried = out ? carriedNames(loop, loopBody, body) : [];
    if (!out || carried.length === 0 || !numbaFriendly(loopBody, ctx, true)) continue;
    const names = carried.map((c) => `\`${c}\``).join(', ');
    return { node: loop, names, verb: carried.length === 1 ? 'carries' : 'carry', array: `${out}[${index}]` };
  }
  return null;
}

/** `out[i] = ...` in the loop body, with `out` a known ndarray (not known to have more dimensions than one): its name, or null. */
function filledArray(loopBody: Node, index: string, ctx: RuleContext): string | null {
  for (const assign of findDescendants(loopBody, (n) => n.type === 'assignment', isNestedScope)) {
    const left = assign.childForFieldName('left');
    const keys = left?.type === 'subscript' ? left.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment') : [];
    const array = left?.childForFieldName('value');
    if (keys.length !== 1 || keys[0]!.text !== index || array?.type !== 'identifier' || !values(ctx.facts).isA(array, 'ndarray')) continue;
    // `covs[h] = prior = prior + phi @ sigma @ phi.T` into a 3-D array: each step is a whole-matrix numpy operation
    // (often a cumulative sum), not the scalar work numba speeds up.
    const ndim = values(ctx.facts).valueOf(array)?.ndim;
    if (ndim === undefined || ndim === 1) return array.text;
  }
  return null;
}

/**
 * Plain names the loop body reads before it first assigns them, assigns with `=`, and the function set before the
 * loop: values carried from one iteration into the next.
 */
function carriedNames(loop: Node, loopBody: Node, fnBody: Node): string[] {
  const assigned = new Map<string, number>();
  for (const a of findDescendants(loopBody, (n) => n.type === 'assignment', isNestedScope)) {
    const left = a.childForFieldName('left');
    // A read inside the first assignment's value (`prev = 0.5 * prev + x`) comes before the write too.
    if (left?.type === 'identifier' && !assigned.has(left.text)) assigned.set(left.text, a.endIndex);
  }
  const carried: string[] = [];
  for (const [name, firstWrite] of assigned) {
    const reads = localOccurrences(loopBody, name).filter((id) => !(id.parent?.type === 'assignment' && id.parent.childForFieldName('left')?.equals(id)));
    if (!reads.some((r) => r.startIndex < firstWrite)) continue;
    const before = findDescendants(fnBody, (n) => n.type === 'assignment' && n.endIndex <= loop.startIndex, isNestedScope);
    if (!before.some((b) => b.childForFieldName('left')?.type === 'identifier' && b.childForFieldName('left')!.text === name)) continue;
    if (!closedForm(name, loop, loopBody)) carried.push(name);
  }
  return carried;
}

/**
 * A carried name whose every store in the loop, each a statement of the loop's body, is one numpy writes for all steps
 * at once, so it is no recurrence:
 * - the previous step's value of what the step stores (`datalen = to_idx - prev_idx` then `prev_idx = to_idx`, nelpy's
 *   decoders): a store of an expression of the loop's own names and of names the loop never stores (np.diff, a shift);
 * - a step of a fixed size (`indx1 = indx1 + step * sps`, NoisePy's segment cutter): `start + i * step`.
 */
function closedForm(name: string, loop: Node, loopBody: Node): boolean {
  const header = new Set(findDescendants(loop.childForFieldName('left') ?? loop, (n) => n.type === 'identifier').map((n) => n.text));
  // Every name the loop body stores in any way: `x = ...`, `x += ...`, `x[i] = ...`, `x.a = ...`.
  const stored = new Set<string>();
  for (const st of findDescendants(loopBody, (n) => n.type === 'assignment' || n.type === 'augmented_assignment', isNestedScope)) {
    let target = st.childForFieldName('left');
    while (target?.type === 'subscript' || target?.type === 'attribute') target = target.childForFieldName(target.type === 'subscript' ? 'value' : 'object');
    for (const id of target ? [target, ...findDescendants(target, (n) => n.type === 'identifier')] : []) if (id.type === 'identifier') stored.add(id.text);
  }
  const reads = (n: Node) => (n.type === 'identifier' ? [n] : findDescendants(n, (d) => d.type === 'identifier')).map((id) => id.text);
  const invariant = (n: Node) => reads(n).every((r) => !stored.has(r) && !header.has(r));
  const stores = findDescendants(
    loopBody,
    (n) => (n.type === 'assignment' || n.type === 'augmented_assignment') && n.childForFieldName('left')?.text === name,
    isNestedScope,
  );
  return (
    stores.length > 0 &&
    stores.every((st) => {
      const right = st.childForFieldName('right');
      // Only a store on every step: `if peak: last = x[i]` keeps the last value a test picked (a forward fill).
      if (!right || st.parent?.type !== 'expression_statement' || !st.parent.parent?.equals(loopBody)) return false;
      if (st.type === 'augmented_assignment') return ['+=', '-='].includes(st.child(1)?.type ?? '') && invariant(right);
      if (reads(right).every((r) => header.has(r) || !stored.has(r))) return true;
      const op = right.type === 'binary_operator' ? right.childForFieldName('operator')?.type : undefined;
      const [a, b] = [right.childForFieldName('left'), right.childForFieldName('right')];
      return (op === '+' || op === '-') && a?.type === 'identifier' && a.text === name && !!b && invariant(b);
    })
  );
}

function simpleParameters(params: Node): boolean {
  return params.namedChildren.every((p) => {
    if (!p || p.type === 'comment') return true;
    if (p.type === 'identifier') return p.text !== 'self' && p.text !== 'cls';
    if (p.type === 'typed_parameter') return true;
    if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      const v = p.childForFieldName('value');
      return !!v && /^(integer|float|true|false|none)$/.test(v.type);
    }
    return false;
  });
}

/** A `for i in range(...)` loop writing `A[i]` from `A[i - k]`: a loop-carried dependency. */
function recurrenceLoop(body: Node, ctx: RuleContext, strict = false): Recurrence | null {
  // A recurrence reads `a[i - 1]`, spelled in the loop's body: a body that spells no `- <digit>` needs no walk, and a
  // loop whose body does not spell its index so needs no look at its assignments. The walks were most of the lint of
  // the two CPython test modules that import numpy (each method's body walked once per loop and per assignment).
  if (!/-\s*\d/.test(body.text)) return null;
  for (const loop of findDescendants(body, (n) => n.type === 'for_statement')) {
    const index = nestLoop(loop)?.index;
    const loopBody = loop.childForFieldName('body')!;
    if (!index || !new RegExp(`${index}\\s*-\\s*\\d`).test(loopBody.text)) continue;
    // `for i in range(1, 4)` alone in its function: a few steps, nothing for a compiler to speed (soepy's tax intercepts,
    // review66). Nested in a longer loop it runs that loop's times over, and stays.
    if (isSmallLiteralLoop(loop, ctx.facts) && !enclosingLoop(loop)) continue;
    for (const assign of findDescendants(loopBody, (n) => n.type === 'assignment' || n.type === 'augmented_assignment')) {
      const left = assign.childForFieldName('left');
      const right = assign.childForFieldName('right');
      if (left?.type !== 'subscript' || !right) continue;
      const array = left.childForFieldName('value');
      const keys = left.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
      const series = !!array && seriesElement(array, ctx);
      if (!array || !(isArrayReference(array) || series) || keys[0]?.text !== index) continue;
      // `H[k, :] = f(H[k - 1, :])`: each step is already a whole-row numpy operation.
      if (keys.some((k) => k?.type === 'slice')) continue;
      // `paths[t] = paths[t - 1] * np.exp(...)` on a 2-D array: fewer indices than dimensions is a row, the same.
      const ndim = values(ctx.facts).valueOf(array)?.ndim;
      if (ndim !== undefined && keys.length < ndim) continue;
      const reads = [right, ...findDescendants(right, (n) => n.type === 'subscript')].filter((n) => n.type === 'subscript');
      const carried = reads.some((r) => {
        if (r.childForFieldName('value')?.text !== array.text) return false;
        const k = r.childrenForFieldName('subscript')[0];
        return !!k && new RegExp(`^${index}\\s*-\\s*\\d+$`).test(k.text);
      });
      if (!carried || runningAccumulate(loop, array.text, index, ctx) || branchedAccumulate(loop, array.text, index)) continue;
      // `r[i, 1] = r[i - 1, 1] + x[i, blank]` (a CTC scorer's blank path) or `c[t, k] = (1 + f) * c[t - 1, k]` under a
      // per-step draw (py4at's simulation): one column's running sum or product, `np.cumsum`/`np.cumprod` along the
      // axis (review70: two findings judged wrong for saying numpy cannot vectorise them).
      if (columnRunning(loop, assign, array.text, index, keys as Node[])) continue;
      const unpacked = strict && !series && !values(ctx.facts).isA(array, 'ndarray') && pandasValues(array, body, ctx);
      if (series ? !strict : strict ? !(values(ctx.facts).isA(array, 'ndarray') || unpacked) : !isArray(array, body, ctx)) continue;
      const linear = linearRecurrence(loop, assign, array.text, index, ctx);
      // `x[i] = x[i - 1] + df["a"].iloc[i]`: a running sum of the inputs, `np.cumsum` (see runningAccumulate).
      if (linear && runningSum(assign, array.text, index)) continue;
      return { node: loop, array: array.text, index, linear, series, unpacked };
    }
  }
  return null;
}

/**
 * A loop run backwards (`for t in reversed(range(n - 1))`, `range(n - 2, -1, -1)`) whose one statement is
 * `a[t] = x[t] + c * a[t + 1]` over an ndarray with loop-invariant coefficients: a discounted sum from the end (Decision
 * Transformer's `discounted_cumsum` in CORL; review54's recall hunt). `scipy.signal.lfilter` computes it on the reversed
 * array. Only this linear form is reported: one whose coefficients vary per step (`* (1 - dones[t])`) is left alone, as is a
 * plain running sum (`a[t] = a[t + 1] + x[t]`, a reversed `np.cumsum`).
 */
function backwardRecurrence(body: Node, ctx: RuleContext): Recurrence | null {
  if (!/\+\s*\d/.test(body.text) || !/\b(reversed|range)\b/.test(body.text)) return null;
  for (const loop of findDescendants(body, (n) => n.type === 'for_statement')) {
    const index = backwardIndex(loop, ctx);
    const statements = loop.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
    if (!index || statements.length !== 1 || loop.childForFieldName('alternative')) continue;
    const assign = statements[0].namedChild(0);
    const left = assign?.type === 'assignment' ? assign.childForFieldName('left') : null;
    const right = assign?.childForFieldName('right');
    const array = left?.type === 'subscript' ? left.childForFieldName('value') : null;
    const keys = left?.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment') ?? [];
    if (!array || !right || !isArrayReference(array) || keys.length !== 1 || keys[0]?.text !== index) continue;
    const ndim = values(ctx.facts).valueOf(array)?.ndim;
    if ((ndim !== undefined && ndim !== 1) || !isArray(array, body, ctx)) continue;
    if (termOf(right, array.text, index, ctx, '+') !== 'state' || runningSum(assign!, array.text, index, '+')) continue;
    const filter = discountedSum(right, array.text, index);
    return { node: loop, array: array.text, index, linear: true, series: false, unpacked: false, backward: true, filter };
  }
  return null;
}

/** `x[t] + c * a[t + 1]` (either order of the sum and of the product): `c` and `x` as spelled, or null for any other form. */
function discountedSum(right: Node, array: string, index: string): { coefficient: string; input: string } | null {
  if (right.type !== 'binary_operator' || right.childForFieldName('operator')?.type !== '+') return null;
  const flat = (n: Node | null) => n?.text.replace(/\s+/g, '') ?? '';
  const inputName = (n: Node | null) => {
    const value = n?.type === 'subscript' ? n.childForFieldName('value') : null;
    return value?.type === 'identifier' && value.text !== array && flat(n) === `${value.text}[${index}]` ? value.text : null;
  };
  const coefficientOf = (n: Node | null) => {
    if (n?.type !== 'binary_operator' || n.childForFieldName('operator')?.type !== '*') return null;
    const [a, b] = [n.childForFieldName('left'), n.childForFieldName('right')];
    const state = `${array}[${index}+1]`;
    const other = flat(a) === state ? b : flat(b) === state ? a : null;
    return other && /^(identifier|attribute|float|integer)$/.test(other.type) ? other.text : null;
  };
  const [a, b] = [right.childForFieldName('left'), right.childForFieldName('right')];
  const input = inputName(a) ?? inputName(b);
  const coefficient = coefficientOf(b) ?? coefficientOf(a);
  return input && coefficient ? { coefficient, input } : null;
}

/** The index of a `for` loop run from the end: `reversed(range(...))` or `range(start, stop, -1)`. */
function backwardIndex(loop: Node, ctx: RuleContext): string | null {
  const left = loop.childForFieldName('left');
  const iterable = loop.childForFieldName('right');
  if (left?.type !== 'identifier' || iterable?.type !== 'call') return null;
  const builtin = (call: Node, name: string) => {
    const fn = call.childForFieldName('function');
    return fn?.type === 'identifier' && fn.text === name && ctx.facts.isBuiltin(name, call);
  };
  if (builtin(iterable, 'reversed')) {
    const inner = positionalArguments(iterable);
    if (inner.length !== 1 || inner[0].type !== 'call' || !builtin(inner[0], 'range')) return null;
    return left.text;
  }
  if (!builtin(iterable, 'range')) return null;
  const step = positionalArguments(iterable)[2];
  return step?.text.replace(/\s+/g, '') === '-1' ? left.text : null;
}

interface Recurrence {
  node: Node;
  array: string;
  index: string;
  /** The loop runs backwards and reads `a[i + k]` (see backwardRecurrence). */
  backward?: boolean;
  /** `a[t] = x[t] + c * a[t + 1]`: the spelled `c` and `x` of the one `lfilter` call that computes it. */
  filter?: { coefficient: string; input: string } | null;
  /** The loop's one statement is `a[i] = c * a[i - 1] + (terms of step i)` with loop-invariant coefficients. */
  linear: boolean;
  /** The state is a pandas Series, indexed by position (`s[i]`, `s.iloc[i]`). */
  series: boolean;
  /** The state is `frame.values`, read beside other pandas values: the loop body's pandas reads move out with it. */
  unpacked: boolean;
}

/**
 * `psar` or `self._psar.iloc` known to be (the positional indexer of) a pandas Series: a recurrence written through it
 * pays pandas' per-element indexing on top of the interpreter. Only in methods (the strict search): there the loop
 * alone moves out, over `.to_numpy()` arrays.
 */
function seriesElement(array: Node, ctx: RuleContext): boolean {
  const layer = values(ctx.facts);
  if (array.type === 'attribute' && /^(iloc|iat)$/.test(array.childForFieldName('attribute')?.text ?? '')) {
    const owner = array.childForFieldName('object');
    return !!owner && isArrayReference(owner) && layer.isA(owner, 'series');
  }
  return isArrayReference(array) && (layer.isA(array, 'series') || boundToColumn(array, ctx));
}

/**
 * `high, low = ohlc.high, ohlc.low` (or `psar = close[0 : len(close)]` of such a name): a name the function last bound,
 * before it is read, to a known Series or to a slice of one. The value layer does not type the items of a tuple assignment.
 */
function boundToColumn(name: Node, ctx: RuleContext, depth = 0): boolean {
  const fn = enclosingFunction(name);
  const body = fn?.childForFieldName('body');
  if (name.type !== 'identifier' || !body || depth > 2) return false;
  // The binding in force where the name is read: the last one before it, outside any loop around the read (finta's PSAR
  // rebinds `psar = pd.Series(psar, ...)` only after its loop).
  const bindings = findDescendants(body, (n) => n.type === 'identifier' && n.text === name.text && isBindingTarget(n), isNestedScope).filter(
    (b) => b.endIndex <= name.startIndex,
  );
  const target = bindings[bindings.length - 1];
  if (
    !target ||
    findDescendants(body, (n) => (n.type === 'for_statement' || n.type === 'while_statement') && contains(n, target) && contains(n, name)).length > 0
  )
    return false;
  const pattern = target.parent;
  let value: Node | null = null;
  if (pattern?.type === 'assignment') value = pattern.childForFieldName('right');
  else if (pattern?.type === 'pattern_list' && pattern.parent?.type === 'assignment') {
    const right = pattern.parent.childForFieldName('right');
    const targets = pattern.namedChildren.filter((c): c is Node => c !== null);
    const items = right?.type === 'expression_list' ? right.namedChildren.filter((c): c is Node => c !== null) : [];
    const at = targets.findIndex((t) => t.equals(target));
    value = items.length === targets.length && at >= 0 ? items[at] : null;
  }
  if (!value) return false;
  if (values(ctx.facts).isA(value, 'series')) return true;
  // `close[0 : len(close)]`: a slice of a Series is one.
  const keys = value.type === 'subscript' ? value.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment') : [];
  const owner = value.childForFieldName('value');
  return keys.length === 1 && keys[0]!.type === 'slice' && owner?.type === 'identifier' && boundToColumn(owner, ctx, depth + 1);
}

/** `x` in `x = ...` or `x, y = ...`: the name is assigned there. */
function isBindingTarget(id: Node): boolean {
  const p = id.parent;
  if (p?.type === 'assignment') return p.childForFieldName('left')?.equals(id) ?? false;
  return p?.type === 'pattern_list' && p.parent?.type === 'assignment' && (p.parent.childForFieldName('left')?.equals(p) ?? false);
}

/**
 * `filt = c.values` with `c` a known Series or DataFrame, the function's one binding of `filt` (finta's FRAMA): the
 * ndarray behind the frame, which the value layer does not type (`.values` may also be a pandas extension array).
 */
function pandasValues(array: Node, body: Node, ctx: RuleContext): boolean {
  if (array.type !== 'identifier') return false;
  const bound = findDescendants(body, (n) => n.type === 'assignment' && n.childForFieldName('left')?.text === array.text, isNestedScope);
  const right = bound.length === 1 ? bound[0].childForFieldName('right') : null;
  return (
    right?.type === 'attribute' &&
    right.childForFieldName('attribute')?.text === 'values' &&
    values(ctx.facts).isA(right.childForFieldName('object'), 'series', 'dataframe')
  );
}

/**
 * A loop body of scalar steps over pandas or numpy elements: no call but numpy, math and the numeric builtins, no
 * strings, containers, comprehensions or nested definitions. What the loop would still be after `.to_numpy()`.
 */
function scalarSteps(body: Node, ctx: RuleContext): boolean {
  for (const n of findDescendants(body, () => true)) {
    if (n.type === 'function_definition' || n.type === 'class_definition' || DISALLOWED_EXPRESSIONS.has(n.type)) return false;
    if (n.type !== 'call') continue;
    const q = ctx.facts.calleeName(n);
    if (q) {
      if (!q.startsWith('numpy.') && !q.startsWith('math.')) return false;
      continue;
    }
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'identifier' || !ALLOWED_BUILTINS.has(fn.text) || !ctx.facts.isBuiltin(fn.text, n)) return false;
  }
  return true;
}

/** Calls whose result streams the elements of a pandas object, one Python tuple per element. */
const PANDAS_ITERATION = new Set(['iteritems', 'items', 'itertuples', 'iterrows']);

/**
 * `kama.append(kama[-1] + s * (price - kama[-1]))` in a loop over pandas or numpy data (finta's KAMA, EVWMA, SAR):
 * each value is computed from the previous one, a recurrence numpy cannot vectorise, and here it also runs through
 * Python lists and per-element pandas access. Only when the list starts as a list display before the loop, the
 * appended value is arithmetic on its last element, the loop reads a known Series or ndarray element by element (or
 * iterates one with `.items()`), and its body is scalar steps otherwise. Reported on the loop, without a fix: the loop
 * moves into a compiled function over `.to_numpy()` arrays.
 */
function listRecurrence(body: Node, name: string, ctx: RuleContext): boolean {
  // The recurrence spells `append` and the subscript `[-1]` in the function's body: without both, no loop needs a look.
  const text = body.text;
  if (!text.includes('append') || !/-\s*1/.test(text)) return false;
  for (const loop of findDescendants(body, (n) => n.type === 'for_statement', isNestedScope)) {
    const loopBody = loop.childForFieldName('body');
    if (!loopBody || findDescendants(loopBody, (n) => n.type === 'for_statement' || n.type === 'while_statement', isNestedScope).length > 0) continue;
    const grown = appendedRecurrence(loopBody, loop, body);
    if (!grown || !readsNumericData(loop, ctx) || !scalarStepsBesides(loopBody, grown, ctx)) continue;
    adviseNumba(ctx, {
      node: loop,
      message: `Each value appended to \`${grown}\` is computed from \`${grown}[-1]\`, a recurrence numpy cannot vectorise, run here one Python object at a time; run this loop of \`${name}\` over \`.to_numpy()\` arrays in a function compiled with \`@numba.njit\``,
    });
    return true;
  }
  return false;
}

/** The list `out` the loop grows with `out.append(<arithmetic reading out[-1]>)`, set to a list display before the loop; or null. */
function appendedRecurrence(loopBody: Node, loop: Node, fnBody: Node): string | null {
  for (const call of findDescendants(loopBody, (n) => n.type === 'call', isNestedScope)) {
    const fn = call.childForFieldName('function');
    const list = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    if (fn?.childForFieldName('attribute')?.text !== 'append' || list?.type !== 'identifier') continue;
    const args = call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
    // `_sar.append(sari)` after `sari = _sar[-1] + ...` in the same pass: the value is still computed from the last one.
    const value = args.length === 1 && args[0].type === 'identifier' ? computedIn(loopBody, args[0].text) : args.length === 1 ? args[0] : null;
    if (value?.type !== 'binary_operator') continue;
    const last = findDescendants(value, (n) => n.type === 'subscript').some(
      (sub) => sub.childForFieldName('value')?.text === list.text && sub.childrenForFieldName('subscript')[0]?.text.replace(/\s+/g, '') === '-1',
    );
    if (!last) continue;
    const before = findDescendants(fnBody, (n) => n.type === 'assignment' && n.endIndex <= loop.startIndex, isNestedScope);
    if (before.some((b) => b.childForFieldName('left')?.text === list.text && b.childForFieldName('right')?.type === 'list')) return list.text;
  }
  return null;
}

/** The arithmetic first assigned to `name` in the loop body (`sari = _sar[-1] + ...`), or null. */
function computedIn(loopBody: Node, name: string): Node | null {
  for (const a of findDescendants(loopBody, (n) => n.type === 'assignment', isNestedScope)) {
    if (a.childForFieldName('left')?.text === name) return a.childForFieldName('right');
  }
  return null;
}

/**
 * The loop walks numeric data: it iterates a known Series or ndarray (directly, by `.items()`, through `zip`), or
 * its body reads one by the loop's index (`low[i]`, `close.iloc[i]`).
 */
function readsNumericData(loop: Node, ctx: RuleContext): boolean {
  const layer = values(ctx.facts);
  const data = (n: Node | null | undefined) => !!n && (layer.isA(n, 'series', 'ndarray') || boundToColumn(n, ctx));
  const iterated = (n: Node): boolean => {
    if (data(n)) return true;
    if (n.type !== 'call') return false;
    const fn = n.childForFieldName('function');
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
    const method = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
    // `iteritems`, `iterrows` and `itertuples` are pandas' own; `items` is a dict's too, so it needs a known Series.
    if (PANDAS_ITERATION.has(method)) return method !== 'items' || data(fn!.childForFieldName('object'));
    if (fn?.type === 'identifier' && (fn.text === 'zip' || fn.text === 'enumerate') && ctx.facts.isBuiltin(fn.text, n)) return args.some(iterated);
    return false;
  };
  const iter = loop.childForFieldName('right');
  if (iter && iterated(iter)) return true;
  const index = nestLoop(loop)?.index;
  if (!index) return false;
  return findDescendants(loop.childForFieldName('body')!, (n) => n.type === 'subscript', isNestedScope).some((sub) => {
    const keys = sub.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
    const value = sub.childForFieldName('value');
    const owner =
      value?.type === 'attribute' && /^(iloc|iat)$/.test(value.childForFieldName('attribute')?.text ?? '') ? value.childForFieldName('object') : value;
    return keys.length === 1 && keys[0]!.text === index && data(owner);
  });
}

/** scalarSteps, with `out.append(...)` on the grown list allowed and `try`/`except` (finta's first-value fallback) too. */
function scalarStepsBesides(body: Node, grown: string, ctx: RuleContext): boolean {
  for (const n of findDescendants(body, () => true)) {
    if (n.type === 'function_definition' || n.type === 'class_definition' || DISALLOWED_EXPRESSIONS.has(n.type)) return false;
    if (n.type !== 'call') continue;
    const fn = n.childForFieldName('function');
    if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'append' && fn.childForFieldName('object')?.text === grown) continue;
    if (
      fn?.type === 'attribute' &&
      /^(notnull|notna|isnull|isna)$/.test(fn.childForFieldName('attribute')?.text ?? '') &&
      ctx.facts.calleeName(n)?.startsWith('pandas.')
    )
      continue;
    const q = ctx.facts.calleeName(n);
    if (q) {
      if (!q.startsWith('numpy.') && !q.startsWith('math.')) return false;
      continue;
    }
    if (fn?.type !== 'identifier' || !ALLOWED_BUILTINS.has(fn.text) || !ctx.facts.isBuiltin(fn.text, n)) return false;
  }
  return true;
}

/**
 * A linear recurrence is reported above the rule's hint: the blind reviews judged both such findings worth a change (jesse's
 * per-candle EMA and ATR), while the numba advice of the other forms was judged noise where numba is not wanted. The ranking
 * still drops it to a hint in tests, examples and vendored code.
 */
const LINEAR_SEVERITY = 'info' as const;

/**
 * Ta's Wilder smoothing (`trs[i] = trs[i - 1] - trs[i - 1] / w + d[i]`) and the textbook exponential average are linear
 * recurrences with constant coefficients: an IIR filter, which `scipy.signal.lfilter` (or pandas' `ewm(adjust=False)`)
 * runs in one compiled call. Saying numpy cannot vectorise them would be false, so the message names the filter.
 */
function linearMessage(loop: Recurrence): string {
  if (loop.backward) {
    const call = loop.filter ? ` (\`lfilter([1], [1, -${loop.filter.coefficient}], ${loop.filter.input}[::-1])[::-1]\`)` : '';
    return `\`${loop.array}[${loop.index}]\` is a linear recurrence of \`${loop.array}[${loop.index} + ...]\`, run from the end, with constant coefficients (a discounted sum): \`scipy.signal.lfilter\` computes it in one call on the reversed input, reversed back${call}`;
  }
  return `\`${loop.array}[${loop.index}]\` is a linear recurrence of \`${loop.array}[${loop.index} - ...]\` with constant coefficients (an exponential smoothing): \`scipy.signal.lfilter\` computes it in one call (pandas: \`ewm(alpha=..., adjust=False)\`)`;
}

/**
 * Reports advice to compile with numba, unless the project's requirement files do not name numba and the file does not
 * import it (ta and finta install numpy and pandas only). Blind reviews of review28-review32 judged 11 of 11 such
 * findings noise, none useful: adding a compiler dependency for a loop that runs once, in a test, a notebook or a
 * fallback path (mlforecast replaced numba with coreforecast) is not a change a maintainer takes from a lint finding
 * (issue 24). A linear recurrence's `lfilter` advice needs no compiler and is reported with ctx.report.
 */
function adviseNumba(ctx: RuleContext, report: Report): void {
  if (!ctx.facts.importsModule('numba') && declaresPackage('numba', ctx.filePath, ctx.files) === false) return;
  ctx.report(report);
}

/**
 * `a[i] = a[i - 1] + (terms without a)` (`a[i + 1]` run backwards), the terms in any order and as many as written
 * (soepy's `intercepts[i] = intercepts[i - 1] + d * r[i - 1] + d ** 2 * q[i - 1]`): the state carried with coefficient
 * one, a running sum of the other terms (`np.cumsum`).
 */
function runningSum(assign: Node, array: string, index: string, step: Step = '-', rest = ''): boolean {
  const right = assign.childForFieldName('right');
  if (right?.type !== 'binary_operator' || right.childForFieldName('operator')?.type !== '+') return false;
  const previous = (n: Node) => n.type === 'subscript' && n.text.replace(/\s+/g, '') === `${array}[${index}${step}1${rest}]`;
  const terms = sumTerms(right);
  const carried = terms.filter(previous);
  return carried.length === 1 && terms.every((t) => previous(t) || !mentions(t, array));
}

/** A loop in `nest` runs one column's running sum or product (see recurrenceLoop): `np.cumsum`/`np.cumprod`, no kernel. */
function columnAccumulate(nest: Node): boolean {
  for (const loop of [nest, ...findDescendants(nest, (n) => n.type === 'for_statement')]) {
    const index = nestLoop(loop)?.index;
    const loopBody = loop.childForFieldName('body');
    if (!index || !loopBody) continue;
    for (const assign of findDescendants(loopBody, (n) => n.type === 'assignment')) {
      const left = assign.childForFieldName('left');
      const array = left?.type === 'subscript' ? left.childForFieldName('value')?.text : undefined;
      const keys = left?.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment') ?? [];
      if (array && keys[0]?.text === index && columnRunning(loop, assign, array, index, keys)) return true;
    }
  }
  return false;
}

/**
 * `a[i, k] = a[i - 1, k] + ...` (or a product chosen per step, see branchedAccumulate) in `loop` over `i`, the further
 * keys fixed: one column's running sum or product. `keys` are the written subscript's, the loop index first.
 */
function columnRunning(loop: Node, assign: Node, array: string, index: string, keys: Node[]): boolean {
  const further = keys.slice(1);
  if (further.length === 0 || further.some((k) => k.type === 'slice' || mentions(k, index) || mentions(k, array))) return false;
  const rest = further.map((k) => `,${k.text.replace(/\s+/g, '')}`).join('');
  return runningSum(assign, array, index, '-', rest) || branchedAccumulate(loop, array, index, rest);
}

/** The operands of a chain of `+` (`a + b + c` parses as `(a + b) + c`): a, b and c; parentheses kept as one operand. */
function sumTerms(n: Node): Node[] {
  if (n.type !== 'binary_operator' || n.childForFieldName('operator')?.type !== '+') return [n];
  const [left, right] = [n.childForFieldName('left'), n.childForFieldName('right')];
  return left && right ? [...sumTerms(left), right] : [n];
}

/** How an expression of a recurrence's step depends on the state `a[i - k]`. */
type Term = 'constant' | 'input' | 'state' | 'other';

/** Which way the state is read: `a[i - k]` in a loop run forwards, `a[i + k]` in one run backwards. */
type Step = '-' | '+';

/** The single statement of the loop writes `array[index]` from an affine function of earlier elements with loop-invariant coefficients. */
function linearRecurrence(loop: Node, assign: Node, array: string, index: string, ctx: RuleContext): boolean {
  const statements = loop.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (statements.length !== 1 || !statements[0].namedChild(0)?.equals(assign)) return false;
  if (assign.type !== 'assignment' || loop.childForFieldName('alternative')) return false;
  const right = assign.childForFieldName('right');
  return !!right && termOf(right, array, index, ctx) === 'state';
}

/**
 * Classifies `n`: `state` is c * a[i - k] + (input) with c loop-invariant; `input` varies with the step but not with the
 * state (`x[i]`, `d[w + i]`); `constant` is the same every step (`0.9`, `self._window`, `float(w)`); `other` is anything
 * else (a product of state and input, a call on the state), which makes the recurrence non-linear or time-varying.
 */
function termOf(n: Node, array: string, index: string, ctx: RuleContext, step: Step = '-'): Term {
  switch (n.type) {
    case 'parenthesized_expression': {
      const inner = n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
      return inner.length === 1 ? termOf(inner[0], array, index, ctx, step) : 'other';
    }
    case 'unary_operator':
      return termOf(n.childForFieldName('argument')!, array, index, ctx, step);
    case 'binary_operator': {
      const op = n.childForFieldName('operator')?.type;
      const a = termOf(n.childForFieldName('left')!, array, index, ctx, step);
      const b = termOf(n.childForFieldName('right')!, array, index, ctx, step);
      if (a === 'other' || b === 'other') return 'other';
      if (op === '+' || op === '-') return a === 'state' || b === 'state' ? 'state' : a === 'input' || b === 'input' ? 'input' : 'constant';
      if (op === '*') {
        if (a === 'state' || b === 'state') return a === 'constant' || b === 'constant' ? 'state' : 'other';
        return a === 'input' || b === 'input' ? 'input' : 'constant';
      }
      if (op === '/') {
        if (b === 'state') return 'other';
        if (a === 'state') return b === 'constant' ? 'state' : 'other';
        return a === 'input' || b === 'input' ? 'input' : 'constant';
      }
      return 'other';
    }
    case 'integer':
    case 'float':
      return 'constant';
    case 'identifier':
      if (n.text === array) return 'other';
      if (n.text === index) return 'input';
      // `v[i] = v[i - 1] * x2 - v[i - 2]` with `x2 = 2 * x` an array (shenfun's Chebyshev-U recursion, review72): a coefficient
      // per element is not one filter, whatever lfilter's axis.
      return values(ctx.facts).isA(n, 'ndarray') ? 'other' : 'constant';
    case 'attribute':
      return n.text === array ? 'other' : 'constant';
    case 'subscript': {
      const value = n.childForFieldName('value');
      const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
      if (value?.text === array) {
        const key = keys.length === 1 ? keys[0]!.text.replace(/\s+/g, '') : '';
        // `a[i]` on the right is the input still stored there (the loop writes it now); `a[i - k]` the state (`a[i + k]`
        // in a loop run backwards).
        return key === index ? 'input' : new RegExp(`^${index}${step === '-' ? '-' : '\\+'}\\d+$`).test(key) ? 'state' : 'other';
      }
      if (mentions(n, array)) return 'other';
      return mentions(n, index) ? 'input' : 'constant';
    }
    case 'call': {
      if (mentions(n, array)) return 'other';
      const fn = n.childForFieldName('function');
      // `float(self._window)`: a conversion of loop-invariant values is one too. A numpy or math call of the step's
      // values is an input computed elementwise beforehand; any other call may do anything per step.
      const conversion = fn?.type === 'identifier' && (fn.text === 'float' || fn.text === 'int') && ctx.facts.isBuiltin(fn.text, n);
      if (conversion) return mentions(n, index) ? 'input' : 'constant';
      const callee = ctx.facts.calleeName(n) ?? '';
      return callee.startsWith('numpy.') || callee.startsWith('math.') ? 'input' : 'other';
    }
    default:
      return 'other';
  }
}

/** `name` occurs in `n` as an identifier (or is the text of an attribute chain such as `self._trs`). */
function mentions(n: Node, name: string): boolean {
  return [n, ...findDescendants(n, (d) => d.type === 'identifier' || d.type === 'attribute')].some(
    (d) => (d.type === 'identifier' || d.type === 'attribute') && d.text === name,
  );
}

/** `max`/`min` of two values, as builtins or numpy ufuncs: a running one is `np.maximum.accumulate` / `np.minimum.accumulate`. */
const EXTREMA = new Set(['numpy.maximum', 'numpy.minimum', 'numpy.fmax', 'numpy.fmin']);

/**
 * The loop's whole body carries `a[i - 1]` into `a[i]` by a sum, a product, a maximum or a minimum with values of
 * step `i` alone: `a[i] = a[i - 1] + x[i]`, `a[i] *= a[i - 1]`, `a[i] = max(a[i - 1], x[i])`, or
 * `if a[i] < a[i - 1]: a[i] = a[i - 1]` (a running maximum that makes bin edges monotonic). Those are ufunc
 * accumulations (`np.cumsum`, `np.cumprod`, `np.maximum.accumulate`, `np.minimum.accumulate`) that numpy runs in one
 * call, so "numpy cannot vectorise it" would be false.
 */
function runningAccumulate(loop: Node, array: string, index: string, ctx: RuleContext): boolean {
  const statements = loop.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (statements.length !== 1 || loop.childForFieldName('alternative')) return false;
  const previous = (n: Node | null | undefined) => n?.type === 'subscript' && n.text.replace(/\s+/g, '') === `${array}[${index}-1]`;
  const current = (n: Node | null | undefined) => n?.type === 'subscript' && n.text.replace(/\s+/g, '') === `${array}[${index}]`;
  // The other operand reads step i only: no element of `array` but a[i], and every subscript by the index itself.
  const ofThisStep = (n: Node) =>
    [n, ...findDescendants(n, (d) => d.type === 'subscript')].every((sub) => {
      if (sub.type !== 'subscript') return true;
      const keys = sub.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
      return keys.length === 1 && keys[0]!.text === index && (sub.childForFieldName('value')?.text !== array || current(sub));
    }) && !findDescendants(n, (d) => d.type === 'identifier' && d.text === array && d.parent?.type !== 'subscript').length;
  const pairWithPrevious = (a: Node | null | undefined, b: Node | null | undefined) =>
    !!a && !!b && ((previous(a) && ofThisStep(b)) || (previous(b) && ofThisStep(a)));
  const stmt = statements[0];
  if (stmt.type === 'if_statement') {
    // `if a[i] < a[i - 1]: a[i] = a[i - 1]` (or `>`): a[i] becomes the larger (smaller) of the two.
    const cond = stmt.childForFieldName('condition');
    const body = stmt.childForFieldName('consequence')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
    const assign = body.length === 1 ? body[0].namedChild(0) : null;
    const operands = cond?.type === 'comparison_operator' ? cond.namedChildren.filter((c): c is Node => c !== null) : [];
    const op = cond?.children.find((c) => c && !c.isNamed)?.type ?? '';
    return (
      stmt.namedChildren.filter((c) => c?.type === 'elif_clause' || c?.type === 'else_clause').length === 0 &&
      operands.length === 2 &&
      /^[<>]=?$/.test(op) &&
      ((current(operands[0]) && previous(operands[1])) || (previous(operands[0]) && current(operands[1]))) &&
      assign?.type === 'assignment' &&
      current(assign.childForFieldName('left')) &&
      previous(assign.childForFieldName('right'))
    );
  }
  const assign = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  if (!assign || !current(assign.childForFieldName('left'))) return false;
  const right = assign.childForFieldName('right');
  if (assign.type === 'augmented_assignment') {
    const op = assign.children.find((c) => c && !c.isNamed && c.type.endsWith('='))?.type;
    return (op === '+=' || op === '*=') && previous(right);
  }
  if (assign.type !== 'assignment' || !right) return false;
  if (right.type === 'binary_operator') {
    const op = right.childForFieldName('operator')?.type;
    return (op === '+' || op === '*') && pairWithPrevious(right.childForFieldName('left'), right.childForFieldName('right'));
  }
  if (right.type !== 'call') return false;
  const fn = right.childForFieldName('function');
  const args = right.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const extremum =
    (fn?.type === 'identifier' && (fn.text === 'max' || fn.text === 'min') && ctx.facts.isBuiltin(fn.text, right)) ||
    EXTREMA.has(ctx.facts.calleeName(right) ?? '');
  return extremum && args.length === 2 && pairWithPrevious(args[0], args[1]);
}

/**
 * ta's negative volume index: `if down[i]: nvi[i] = nvi[i - 1] * (1 + r[i])` / `else: nvi[i] = nvi[i - 1]`. Every write
 * of `a[i]` is `a[i - 1]` itself or `a[i - 1]` times (or plus) a value of the step, always the same operation, and
 * the state is read nowhere else: a running product (sum) of per-step factors chosen by a condition, which
 * `np.cumprod(np.where(cond, f, 1))` computes in one call. Not a numba candidate.
 */
function branchedAccumulate(loop: Node, array: string, index: string, rest = ''): boolean {
  const plain = (n: Node | null | undefined) => n?.text.replace(/\s+/g, '') ?? '';
  const current = `${array}[${index}${rest}]`;
  const previous = `${array}[${index}-1${rest}]`;
  const body = loop.childForFieldName('body');
  if (!body) return false;
  const ops = new Set<string>();
  const allowed = new Set<number>();
  for (const a of findDescendants(body, (n) => n.type === 'assignment' || n.type === 'augmented_assignment', isNestedScope)) {
    if (plain(a.childForFieldName('left')) !== current) continue;
    const right = a.childForFieldName('right');
    if (a.type !== 'assignment' || !right) return false;
    allowed.add(a.childForFieldName('left')!.id);
    if (plain(right) === previous) {
      allowed.add(right.id);
      continue;
    }
    const op = right.type === 'binary_operator' ? right.childForFieldName('operator')?.type : undefined;
    const [l, r] = [right.childForFieldName('left'), right.childForFieldName('right')];
    const state = plain(l) === previous ? l : plain(r) === previous ? r : null;
    const other = state?.equals(l!) ? r : l;
    if ((op !== '*' && op !== '+') || !state || !other || mentions(other, array)) return false;
    ops.add(op);
    allowed.add(state.id);
  }
  if (ops.size !== 1) return false;
  // The state steers nothing else: no other read of `a` anywhere in the loop.
  return findDescendants(
    body,
    (n) =>
      (n.type === 'subscript' && n.childForFieldName('value')?.text === array) ||
      (n.type === 'identifier' && n.text === array && n.parent?.type !== 'subscript'),
  ).every((n) => allowed.has(n.id));
}

/** A `for` loop the kernel search follows: its index, and the array whose elements it visits (`for n, x in enumerate(a)`). */
interface NestLoop {
  index: string;
  /** `enumerate(a)`: the element variable stands for `a[index]`. */
  element?: { name: string; array: Node };
}

/** `for i in range(..)` or `for i, x in enumerate(..)` (the element known only for a plain name or attribute); null for any other loop. */
function nestLoop(n: Node): NestLoop | null {
  if (n.type !== 'for_statement') return null;
  const left = n.childForFieldName('left');
  const right = n.childForFieldName('right');
  const fn = right?.type === 'call' ? right.childForFieldName('function')?.text : undefined;
  if (left?.type === 'identifier' && fn === 'range') return { index: left.text };
  if (fn !== 'enumerate' || (left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern')) return null;
  const names = left.namedChildren.filter((c): c is Node => c !== null);
  const args = right!.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (names.length !== 2 || names[0].type !== 'identifier' || args.length !== 1) return null;
  if (names[1].type !== 'identifier' || (args[0].type !== 'identifier' && args[0].type !== 'attribute')) return { index: names[0].text };
  return { index: names[0].text, element: { name: names[1].text, array: args[0] } };
}

/**
 * `range(i + 1, 3)` / `range(i, 3)`: a loop starting at another loop index of the nest (a `range` index, never
 * negative) and stopping at a literal of at most SMALL_LOOP: a few passes whatever the outer index is.
 */
function smallTail(loop: Node, indices: ReadonlySet<string>): boolean {
  const it = loop.childForFieldName('right');
  const args = it?.type === 'call' ? callArguments(it) : [];
  if (args.length !== 2 || args[1].type !== 'integer' || Number(args[1].text) > SMALL_LOOP) return false;
  const start = args[0].type === 'binary_operator' && args[0].childForFieldName('right')?.type === 'integer' ? args[0].childForFieldName('left') : args[0];
  return start?.type === 'identifier' && indices.has(start.text);
}

/**
 * A kernel: a loop (`range`, or `enumerate` of an array) holding at any depth another, whose body visits
 * array elements by two of the loop indices: one array read by both (`X[i, k] - X[j, k]`, `x[n + k] * x[n]`),
 * or an element written by one index from elements read by another (`out[k] += x[n] * ...`). The outermost
 * such loop and the array read, or null.
 */
function kernelLoop(body: Node, ctx: RuleContext): { node: Node; array: string } | null {
  const isNestLoop = (n: Node) => nestLoop(n) !== null;
  // Found once: a kernel needs two of them, and each outer candidate is the outermost of them.
  const nestLoops = findDescendants(body, isNestLoop);
  if (nestLoops.length < 2) return null;
  for (const outer of nestLoops) {
    if (nestLoops.some((o) => !o.equals(outer) && contains(o, outer))) continue;
    const nest = [outer, ...findDescendants(outer.childForFieldName('body')!, isNestLoop)];
    const loops = nest.map((l) => nestLoop(l)!);
    if (loops.length < 2) continue;
    const indices = new Set(loops.map((l) => l.index));
    // `for i in range(3): for j in range(i + 1, 3):` over a rotation matrix (amset's get_rotation_axis): a few passes in
    // all, which compiling would cost more than it saves.
    if (nest.every((l) => isSmallLiteralLoop(l, ctx.facts) || smallTail(l, indices))) continue;
    // The loop indices each array's elements are visited by, and the arrays written element by element.
    const visits = new Map<string, { node: Node; indices: Set<string> }>();
    const written = new Set<string>();
    const visit = (array: Node, by: Iterable<string>) => {
      const entry = visits.get(array.text) ?? { node: array, indices: new Set<string>() };
      for (const i of by) entry.indices.add(i);
      visits.set(array.text, entry);
    };
    for (const loop of loops) if (loop.element) visit(loop.element.array, [loop.index]);
    for (const read of findDescendants(outer, (n) => n.type === 'subscript')) {
      const array = read.childForFieldName('value');
      if (array?.type !== 'identifier') continue;
      const used = read
        .childrenForFieldName('subscript')
        .flatMap((k) => (k ? [k, ...k.descendantsOfType('identifier')] : []))
        .filter((k): k is Node => k !== null && k.type === 'identifier' && indices.has(k.text))
        .map((k) => k.text);
      if (used.length === 0) continue;
      visit(array, used);
      const parent = read.parent;
      if ((parent?.type === 'assignment' || parent?.type === 'augmented_assignment') && parent.childForFieldName('left')?.equals(read)) written.add(array.text);
    }
    const arrays = [...visits.entries()].filter(([, v]) => isArray(v.node, body, ctx));
    const both = arrays.find(([, v]) => v.indices.size >= 2);
    if (both) return { node: outer, array: both[0] };
    // `out[k] += x[n] * w`: each written element gathers elements read by another index.
    for (const [name, v] of arrays) {
      if (!written.has(name)) continue;
      const source = arrays.find(([other, o]) => other !== name && [...o.indices].some((i) => !v.indices.has(i)));
      if (source) return { node: outer, array: source[0] };
    }
  }
  return null;
}

/**
 * The loop nest works element by element on arrays known to be ndarrays: every subscript by a loop index of the nest
 * reads or writes one element of a known ndarray, never a slice (`image_[i * h : (i + 1) * h, ...] = tile` copies a
 * block per pair and `f[i, :, j]` works on a whole row: numpy already does the inner work), and a parameter of unknown
 * type (a tensor, a list) is not indexed. What the loop alone needs to move into a compiled function.
 */
function scalarKernel(outer: Node, ctx: RuleContext): boolean {
  const loops = [outer, ...findDescendants(outer.childForFieldName('body')!, (n) => nestLoop(n) !== null)];
  const indices = new Set(loops.map((l) => nestLoop(l)!.index));
  for (const sub of findDescendants(outer, (n) => n.type === 'subscript')) {
    const keys = sub.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
    const usesIndex = keys.some(
      (k) => (k.type === 'identifier' && indices.has(k.text)) || k.descendantsOfType('identifier').some((id) => !!id && indices.has(id.text)),
    );
    if (!usesIndex) continue;
    if (keys.some((k) => k.type === 'slice')) return false;
    if (!values(ctx.facts).isA(sub.childForFieldName('value'), 'ndarray')) return false;
  }
  return true;
}

/** Known ndarray, or a name the function treats as one (`x.shape`, `x.size`, `x.ndim`, `x.dtype`). */
function isArray(name: Node, body: Node, ctx: RuleContext): boolean {
  if (values(ctx.facts).isA(name, 'ndarray')) return true;
  if (name.type !== 'identifier') return false;
  return findDescendants(body, (n) => n.type === 'attribute').some(
    (a) => a.childForFieldName('object')?.text === name.text && /^(shape|size|ndim|dtype)$/.test(a.childForFieldName('attribute')?.text ?? ''),
  );
}

/**
 * Only scalars, arrays, numpy/math calls and simple control flow: what nopython mode compiles. With `loopOnly` (the
 * loop alone moves into a compiled function, reported without a fix), calls to functions defined at the top of this
 * file count too (they would be compiled alongside), and so do arrays read from a parameter's attributes
 * (`agg.sums[k]`, `len(agg.sums)`): the caller passes `agg.sums` to the compiled loop as an argument.
 */
function numbaFriendly(body: Node, ctx: RuleContext, loopOnly = false): boolean {
  const statements = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  // A docstring is fine.
  const first = statements[0];
  const skip = first?.type === 'expression_statement' && first.namedChild(0)?.type === 'string' ? first : null;
  for (const n of findDescendants(body, () => true)) {
    if (skip && contains(skip, n)) continue;
    if (n.parent?.type === 'block' && !ALLOWED_STATEMENTS.has(n.type)) return false;
    if (n.type === 'function_definition' || n.type === 'class_definition' || DISALLOWED_EXPRESSIONS.has(n.type)) return false;
    if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      const q = ctx.facts.calleeName(n);
      if (q) {
        if (!q.startsWith('numpy.') && !q.startsWith('math.')) return false;
        continue;
      }
      if (fn?.type === 'identifier') {
        if (loopOnly && isFileFunction(fn.text, ctx)) continue;
        if (!ALLOWED_BUILTINS.has(fn.text) || !ctx.facts.isBuiltin(fn.text, n)) return false;
        continue;
      }
      if (fn?.type === 'attribute' && ARRAY_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) continue;
      return false;
    }
    if (n.type === 'attribute') {
      if (ctx.facts.qualifiedName(n)) continue;
      // `self._trs` known to hold an ndarray (set from numpy in the class): an array like any other.
      // Other attributes of self (`self._window`) become arguments of the compiled function: fine unless known to be pandas.
      if (isSelfAttribute(n) && !(n.parent?.type === 'call' && n.parent.childForFieldName('function')?.equals(n))) {
        if (values(ctx.facts).isA(n, 'ndarray') || !values(ctx.facts).isA(n, 'dataframe', 'series')) continue;
      }
      if (loopOnly && parameterArray(n, ctx)) continue;
      const parent = n.parent;
      const isCallee = parent?.type === 'call' && parent.childForFieldName('function')?.equals(n);
      if (!isCallee && !ARRAY_ATTRIBUTES.has(n.childForFieldName('attribute')?.text ?? '')) return false;
    }
  }
  return true;
}

/**
 * `p.attr` read as an array: `p` a parameter of the enclosing function (not `self`, not a module), the attribute
 * subscripted (`p.attr[k]`) or measured (`len(p.attr)`), never called or assigned, and not known to be pandas. An
 * attribute used any other way may be any Python object, which the compiled loop could not take.
 */
function parameterArray(attr: Node, ctx: RuleContext): boolean {
  const owner = attr.childForFieldName('object');
  const fn = enclosingFunction(attr);
  if (owner?.type !== 'identifier' || owner.text === 'self' || owner.text === 'cls' || !fn || !parameterNames(fn).includes(owner.text)) return false;
  if (values(ctx.facts).isA(attr, 'dataframe', 'series')) return false;
  const parent = attr.parent;
  if (parent?.type === 'subscript' && parent.childForFieldName('value')?.equals(attr)) {
    const use = parent.parent;
    return !((use?.type === 'assignment' || use?.type === 'augmented_assignment') && use.childForFieldName('left')?.equals(parent));
  }
  const call = parent?.parent;
  return (
    parent?.type === 'argument_list' &&
    call?.type === 'call' &&
    call.childForFieldName('function')?.text === 'len' &&
    ctx.facts.isBuiltin('len', call) &&
    parent.namedChildren.filter((c) => c && c.type !== 'comment').length === 1
  );
}

/** `name` is defined once, by a `def` at the top level of this file (not imported, not rebound). */
function isFileFunction(name: string, ctx: RuleContext): boolean {
  const defs = definitionsNamed(ctx.facts, 'function_definition', name);
  return defs.length === 1 && defs[0].parent?.type === 'module' && !ctx.facts.binding(name);
}
