import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  declaresPackage,
  enclosingDef,
  importedAccessorIn,
  inTestOf,
  callArguments,
  findDescendants,
  stringLiteralValue,
  keywordValue,
  fileFunctionDef,
  localDefinition,
  onlyBranchesAndReturns,
  parameterNames,
  plainAssignments,
  positionalArguments,
  scopeOf,
  values,
} from '../../server/analysis';
import { hasCommentBetween, replaceRange } from '../../server/fixes';

/** Window reductions with a native Rolling/Expanding method of the same name. */
const REDUCTIONS = new Set(['mean', 'sum', 'max', 'min', 'median', 'std', 'var']);
/** numpy spellings of them (`np.amax` is `np.max`). */
const NUMPY: Record<string, string> = {
  'numpy.mean': 'mean',
  'numpy.sum': 'sum',
  'numpy.max': 'max',
  'numpy.amax': 'max',
  'numpy.min': 'min',
  'numpy.amin': 'min',
  'numpy.median': 'median',
  'numpy.std': 'std',
  'numpy.var': 'var',
};
/** Reductions whose native windows keep a running total (add the new value, remove the old) instead of recomputing. */
const RUNNING = new Set(['mean', 'sum', 'std', 'var']);

interface Native {
  /** The method call that replaces `.apply(...)`: `mean()`, `std(ddof=0)`. */
  call: string;
  reduction: string;
  /** The function turns the window into an array first (`np.median` does; `np.mean` calls the Series' own mean): NaN propagates. */
  onArray?: boolean;
}

/**
 * The native method the lambda's body computes on its window `x`, or null. With `raw=False` (the default) `x` is a
 * Series: its `std`/`var` use ddof=1 and skip NaN, and `np.mean(x)` calls `x.mean()`. With `raw=True` `x` is an ndarray:
 * its `std`/`var` use ddof=0, and it has no `median` method.
 */
function nativeOf(body: Node, param: string, raw: boolean, ctx: RuleContext): Native | null {
  const rank = raw ? null : lastRankOf(body, param);
  if (rank) return { call: rank, reduction: 'rank' };
  if (body.type !== 'call') return null;
  const fn = body.childForFieldName('function');
  const args = callArguments(body);
  let reduction: string | undefined;
  if (fn?.type === 'attribute' && fn.childForFieldName('object')?.text === param && fn.childForFieldName('object')?.type === 'identifier') {
    reduction = fn.childForFieldName('attribute')?.text;
    if (!reduction || !REDUCTIONS.has(reduction) || args.length !== 0) return null;
    if (raw && reduction === 'median') return null; // ndarray.median does not exist: the lambda raises
  } else {
    return args.length === 1 && args[0].type === 'identifier' && args[0].text === param ? numpyNative(ctx.facts.calleeName(body)) : null;
  }
  const ddofZero = (reduction === 'std' || reduction === 'var') && raw;
  return { call: ddofZero ? `${reduction}(ddof=0)` : `${reduction}()`, reduction };
}

/** `Series.rank` keywords `Rolling.rank` takes alike (its methods are only these three; 'dense' and 'first' are not). */
const RANK_KEYWORDS = new Set(['pct', 'ascending', 'method']);
const RANK_METHODS = new Set(['average', 'min', 'max']);

/**
 * `x.rank(pct=True).iloc[-1]`: the rank of the window's last value among the window, which `Rolling.rank(pct=True)`
 * computes for every window (pandas 1.5.3, 20,000 values, windows of 50: 0.94 s by apply, 0.0065 s natively; the same
 * values, NaN included, for every `pct`, `ascending` and `method` it takes). The native call, or null. Review55's hunt
 * found it in two of On-Chain-Trading-Alphas' percentile-rank signals (wrapped in arithmetic, so said, not rewritten).
 */
function lastRankOf(node: Node, param: string): string | null {
  if (node.type !== 'subscript') return null;
  const indexer = node.childForFieldName('value');
  const keys = node.childrenForFieldName('subscript').filter((k) => k !== null && k.type !== 'comment');
  if (
    indexer?.type !== 'attribute' ||
    indexer.childForFieldName('attribute')?.text !== 'iloc' ||
    keys.length !== 1 ||
    keys[0]!.text.replace(/\s+/g, '') !== '-1'
  )
    return null;
  const rank = indexer.childForFieldName('object');
  const fn = rank?.type === 'call' ? rank.childForFieldName('function') : null;
  const receiver = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  if (fn?.childForFieldName('attribute')?.text !== 'rank' || receiver?.type !== 'identifier' || receiver.text !== param) return null;
  const args = callArguments(rank!);
  for (const arg of args) {
    const name = arg.type === 'keyword_argument' ? arg.childForFieldName('name')?.text : undefined;
    const value = arg.childForFieldName('value');
    if (!name || !RANK_KEYWORDS.has(name) || !value) return null;
    if (name === 'method' ? !RANK_METHODS.has(stringLiteralValue(value) ?? '') : value.type !== 'true' && value.type !== 'false') return null;
  }
  return `rank(${args.map((a) => a.text).join(', ')})`;
}

/**
 * `lambda x: x.rank(pct=True).iloc[-1] * 2 - 1`: arithmetic with numbers around the window's last rank, its only use of
 * the window. The native rank call, or null.
 */
function rankInArithmetic(body: Node, param: string): string | null {
  const ranks = findDescendants(body, (n) => n.type === 'subscript' && lastRankOf(n, param) !== null);
  if (ranks.length !== 1) return null;
  const inside = (n: Node) => n.startIndex >= ranks[0].startIndex && n.endIndex <= ranks[0].endIndex;
  if (findDescendants(body, (n) => n.type === 'identifier' && n.text === param).some((n) => !inside(n))) return null;
  const arithmetic = (n: Node): boolean => {
    if (n.equals(ranks[0])) return true;
    if (n.type === 'integer' || n.type === 'float') return true;
    if (n.type === 'binary_operator')
      return (
        ['+', '-', '*', '/'].includes(n.childForFieldName('operator')?.type ?? '') &&
        arithmetic(n.childForFieldName('left')!) &&
        arithmetic(n.childForFieldName('right')!)
      );
    if (n.type === 'unary_operator') return arithmetic(n.childForFieldName('argument')!);
    if (n.type === 'parenthesized_expression') return n.namedChildCount === 1 && arithmetic(n.namedChild(0)!);
    return false;
  };
  return body.type !== 'subscript' && arithmetic(body) ? lastRankOf(ranks[0], param) : null;
}

/**
 * `lambda x: x.autocorr(lag=k)` (k a literal, 1 by default): the correlation of the window's values with themselves k
 * steps earlier, that is of the n - k pairs (s[j], s[j - k]) ending at each position, which is what
 * `s.rolling(n - k).corr(s.shift(k))` computes in one pass (pandas 1.5.3, 20,000 values, windows of 10 to 50, lags 1
 * to 5: 2.5-4 s by apply, 2-11 ms natively; equal to 1e-9, NaN included; a constant window is NaN natively, where `autocorr` can return 1.0 from rounding residues). The lag, or null. Review55's hunt found it in
 * the serial-correlation features of de Prado's exercises (mlfinlab's `get_autocorr`, a notebook's three lags).
 */
function autocorrLagOf(body: Node, param: string): number | null {
  if (body.type !== 'call') return null;
  const fn = body.childForFieldName('function');
  const receiver = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
  if (fn?.childForFieldName('attribute')?.text !== 'autocorr' || receiver?.type !== 'identifier' || receiver.text !== param) return null;
  const args = callArguments(body);
  if (args.length > 1) return null;
  const lag = args.length === 0 ? null : args[0].type === 'keyword_argument' ? keywordValue(body, 'lag') : args[0];
  if (args.length === 1 && lag?.type !== 'integer') return null;
  const k = lag ? Number(lag.text) : 1;
  return Number.isInteger(k) && k >= 1 ? k : null;
}

/**
 * The rewrite of `recv.rolling(n).apply(lambda x: x.autocorr(lag=k))` as `recv.rolling(n - k).corr(recv.shift(k))`, or
 * null when it cannot be written: the window must be `.rolling(n)` with nothing else (a `min_periods`, `center` or
 * `win_type` would need its own translation), on a receiver that reads a value without side effects (it is written twice).
 */
function autocorrRewrite(windowCall: Node, lag: number): string | null {
  const fn = windowCall.childForFieldName('function');
  const receiver = fn?.childForFieldName('object');
  const args = callArguments(windowCall);
  if (fn?.childForFieldName('attribute')?.text !== 'rolling' || !receiver || args.length !== 1 || args[0].type === 'keyword_argument') return null;
  if (findDescendants(receiver, (n) => n.type === 'call').length > 0 || !/^(identifier|attribute|subscript)$/.test(receiver.type)) return null;
  const window = args[0];
  const pairs =
    window.type === 'integer'
      ? String(Number(window.text) - lag)
      : `${/^(identifier|attribute)$/.test(window.type) ? window.text : `(${window.text})`} - ${lag}`;
  if (window.type === 'integer' && Number(window.text) - lag < 2) return null;
  return `${receiver.text}.rolling(${pairs}).corr(${receiver.text}.shift(${lag}))`;
}

/**
 * A NumPy reduction applied to each window, as `lambda x: np.mean(x)` or passed itself (`.apply(np.mean)`): the native
 * method of that name, with ddof=0 for `np.std` / `np.var`.
 */
function numpyNative(qualified: string | null): Native | null {
  const reduction = NUMPY[qualified ?? ''];
  if (!reduction) return null;
  return { call: reduction === 'std' || reduction === 'var' ? `${reduction}(ddof=0)` : `${reduction}()`, reduction, onArray: reduction === 'median' };
}

/** Why the native method can differ from the lambda for this call; null when it computes the same values. */
function unsafeReason(native: Native, raw: boolean, windowCall: Node): string | null {
  if (native.reduction === 'rank')
    return 'windows have a `rank` method from pandas 1.4 (January 2022) on: on an older pandas the native call raises AttributeError';
  if (native.reduction === 'std' || native.reduction === 'var')
    return `the native \`${native.reduction}\` updates running sums as the window slides: results differ in the last digits, and a constant window gives exactly 0 where the lambda left a rounding residue such as 1e-17`;
  if (RUNNING.has(native.reduction))
    return `the native \`${native.reduction}\` updates a running total as the window slides, so results can differ from the per-window computation in the last digits (more for values of very different magnitude)`;
  if (raw || native.onArray) {
    // With an integer window and no min_periods, a window holding NaN never has enough observations: NaN either way.
    const window = windowArgument(windowCall);
    const fixedWindow = windowCall.childForFieldName('function')?.childForFieldName('attribute')?.text === 'rolling' && window?.type === 'integer';
    if (!fixedWindow || keywordValue(windowCall, 'min_periods'))
      return raw
        ? 'with `raw=True` the lambda saw NaN inside a window and returned NaN, where the native method skips missing values'
        : '`np.median` turns each window into an array and returned NaN for a window holding NaN, where the native method skips missing values';
  }
  return null;
}

export default defineRule({
  id: 'pandas-rolling-apply',
  title: 'rolling(...).apply with a lambda that has a native method',
  category: 'pandas',
  severity: 'warning',
  severityForms: [
    {
      severity: 'info',
      when:
        'when the function is a SciPy statistic of the window (`scipy.stats.kurtosis`, `skew`, ...), passed itself or as the one use of the window in a lambda: ' +
        'the native `.kurt()` / `.skew()` when it computes the same, else `raw=True`',
    },
    { severity: 'hint', when: 'when the function has no native equivalent: `raw=True` or `engine="numba"` is suggested instead' },
  ],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pandas-vectorization#rolling-windows-native-methods-instead-of-apply',
  requires: ['pandas'],
  message: '`rolling(...).apply` calls a Python function for every window; use the native window method',
  docs: {
    why:
      '`Rolling.apply` and `Expanding.apply` call the function once per window, and by default (`raw=False`) build a new Series ' +
      'for each window first. The native methods (`.mean()`, `.sum()`, `.std()`, `.max()`, `.median()` ...) compute all ' +
      "windows in one compiled pass, one to three orders of magnitude faster. A function of the code's own that only does NumPy " +
      'arithmetic on its window (a weighted sum, a mean absolute deviation, an argmax) is reported too: `engine="numba"` compiles ' +
      'it (10 to 30 times faster on 200,000 rows), and most have a native composition. The window apply of an imported ' +
      "package's accessor (`df.swifter.rolling(n).apply`) and one inside a test named for `apply` are left alone.",
    instead:
      'Call the method on the window object: `s.rolling(20).mean()`, `s.expanding().max()`. Note that `np.std(x)` is `.std(ddof=0)`. ' +
      "The rank of each window's last value (`x.rank(pct=True).iloc[-1]`) is `.rank(pct=True)`, the same values about 150 times faster " +
      '(pandas 1.4 or later; `method` "average", "min" or "max"). ' +
      "Each window's lag-k autocorrelation (`x.autocorr(lag=k)` over windows of n) is the correlation of the n - k pairs of values k " +
      'apart, `s.rolling(n - k).corr(s.shift(k))`: the same values to the last digits, several hundred times faster. ' +
      'For a function with no native method, `apply(f, raw=True)` passes NumPy arrays instead of Series, and `engine="numba"` compiles it: ' +
      'define that function once at module level, since pandas keeps the compiled code per function object and compiles a lambda made ' +
      'on every call again each time. Without numba, `np.lib.stride_tricks.sliding_window_view(values, n)` gives every window as a row ' +
      'of one array view, so `axis=1` reductions compute them all in one call (NumPy 1.20 or later); a window of a time span ' +
      '(`rolling("7D")`) holds a varying number of rows, which no such view spells, so there it is left alone. A function that reads the ' +
      "window's labels (`x.index[-1]`, `x.loc`) or another member an array lacks needs the Series: `raw=True` would make it raise, and it is left alone.",
    example: {
      before: 'ma = df["close"].rolling(20).apply(lambda x: x.mean())\nhi = df["close"].rolling(20).apply(lambda w: np.max(w))',
      after: 'ma = df["close"].rolling(20).mean()\nhi = df["close"].rolling(20).max()',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Use the native window method',
    forms: [
      {
        safety: 'unsafe',
        when: 'for mean, sum, std and var, and with `raw=True` or `np.median` where a window can hold NaN and still count',
        reason:
          'the native mean, sum, std and var keep a running total as the window slides (last-digit differences); with `raw=True` ' +
          'or `np.median` the lambda returned NaN for a window holding NaN where the native method skips it',
      },
      {
        safety: 'unsafe',
        when: "for the window's last rank (`.rank()`)",
        reason: 'windows have a `rank` method from pandas 1.4 (January 2022) on: an older pandas raises AttributeError',
      },
      {
        safety: 'unsafe',
        when: "for the window's autocorrelation (`x.autocorr(lag=k)` becomes `s.rolling(n - k).corr(s.shift(k))`)",
        reason:
          'the native correlation updates running sums as the window slides: values differ from the per-window `autocorr` in the last digits, and a constant window gives NaN (no variance) where `autocorr` could return a rounding artefact such as 1.0',
      },
    ],
  },
  calls: { names: ['apply'] },
  query: `
(call
  function: (attribute
    object: (call function: (attribute attribute: (identifier) @window)) @windowCall
    attribute: (identifier) @apply)
  arguments: (argument_list) @args
  (#any-of? @window "rolling" "expanding")
  (#eq? @apply "apply")) @call

(call
  function: (attribute
    object: (identifier) @windowVar
    attribute: (identifier) @apply)
  arguments: (argument_list) @args
  (#eq? @apply "apply")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const windowCall = m.get('windowCall') ?? heldWindow(m.get('windowVar'), ctx);
    if (!windowCall) return;
    // `df.swifter.rolling(1).apply(f)`: the apply of a package's accessor (swifter, imported by the file), which runs `f`
    // its own way; and inside a test named for `apply` the window apply is the behaviour tested, or the baseline another
    // library's result is compared with (swifter's tests).
    if (importedAccessorIn(ctx.facts, windowCall) !== null || inTestOf(call, 'apply')) return;
    const args = callArguments(call);
    const fn = args[0];
    if (!fn || fn.type === 'keyword_argument') return;
    // Only `raw` may come with the function (by keyword, or second by position): engine=, args=, kwargs= change what runs.
    const others = args.slice(1);
    const rawPositional = others[0] && others[0].type !== 'keyword_argument' ? others[0] : null;
    if (rawPositional && rawPositional.type !== 'true' && rawPositional.type !== 'false') return;
    if (others.slice(rawPositional ? 1 : 0).some((a) => a.type !== 'keyword_argument' || a.childForFieldName('name')?.text !== 'raw')) return;
    const rawValue = rawPositional ?? keywordValue(call, 'raw');
    if (rawValue && rawValue.type !== 'true' && rawValue.type !== 'false') return;
    const raw = rawValue?.type === 'true';
    const apply = m.need('apply');

    const params = fn.type === 'lambda' ? fn.childForFieldName('parameters')?.namedChildren.filter((c): c is Node => c !== null) : null;
    const body = fn.type === 'lambda' ? fn.childForFieldName('body') : null;
    const native =
      params?.length === 1 && params[0].type === 'identifier' && body
        ? nativeOf(body, params[0].text, raw, ctx)
        : fn.type === 'identifier' || fn.type === 'attribute'
          ? numpyNative(ctx.facts.qualifiedName(fn))
          : null;
    const lag = !raw && params?.length === 1 && params[0].type === 'identifier' && body ? autocorrLagOf(body, params[0].text) : null;
    if (lag !== null) {
      reportAutocorr(lag, windowCall, apply, call, ctx);
      return;
    }
    if (!native) {
      const numeric = numericWindowFunction(fn, call, ctx);
      if (numeric) {
        reportNumericWindow(numeric, fn, apply, windowCall, ctx);
        return;
      }
      // No native method: the per-window Series is the avoidable part.
      if (raw) return;
      // `.apply(stats.kurtosis)`: a SciPy statistic takes the window as an array.
      const statistic = fn.type === 'identifier' || fn.type === 'attribute' ? scipyStatistic(ctx.facts.qualifiedName(fn)) : null;
      if (statistic) {
        reportStatistic(statistic, null, fn, apply, ctx);
        return;
      }
      if (fn.type === 'identifier') {
        reportNamedWindowFunction(fn, apply, ctx);
        return;
      }
      if (fn.type !== 'lambda' || !params || params.length !== 1 || params[0].type !== 'identifier' || !body) return;
      // `lambda x: x.rank(pct=True).iloc[-1] * 2 - 1`: the native rank, with the arithmetic moved onto its result.
      const rank = raw ? null : rankInArithmetic(body, params[0].text);
      if (rank) {
        ctx.report({
          node: apply,
          message: `This lambda ranks each window's last value; \`.${rank}\` ranks every window natively, and the arithmetic around it applies to that result`,
        });
        return;
      }
      // `lambda x: np.std(x) if is_bear.loc[x.index[-1]] else np.nan`: the lambda reads the window's labels (or another
      // member an ndarray lacks), so `raw=True` would make it raise. Silent: a blind review judged that advice wrong.
      const uses = windowUses(body, params[0].text, call, 0, ctx);
      if (!uses || uses.length > 0) return;
      // `lambda x: stats.kurtosis(x, bias=False)`: a SciPy statistic of the window, its one use (gs-quant's report
      // measures, judged useful at hint level, which the default output never showed).
      const inLambda = statisticOfWindow(body, params[0].text, ctx);
      if (inLambda) {
        reportStatistic(inLambda.statistic, inLambda.call, fn, apply, ctx);
        return;
      }
      // A lambda written inside a def is a new function object on every call, which numba would compile again each time.
      const numba = enclosingDef(fn) !== null ? 'or, defined once at module level, `engine="numba"` with it' : 'or `engine="numba"` with it';
      ctx.report({
        node: apply,
        severity: 'hint',
        message: `\`.apply\` builds a Series for every window; pass \`raw=True\` if the function works on NumPy arrays (${numba})`,
      });
      return;
    }
    const what = fn.type === 'lambda' ? 'This lambda' : `\`${fn.text}\``;
    const computes = native.reduction === 'rank' ? "ranks each window's last value" : `computes the window's ${native.reduction}`;
    const message = `${what} ${computes}; \`.${native.call}\` does it natively for all windows`;
    if (hasCommentBetween(ctx.facts, apply.startIndex, call.endIndex)) {
      ctx.report({ node: apply, message });
      return;
    }
    const reason = unsafeReason(native, raw, windowCall);
    ctx.report({
      node: apply,
      message,
      edits: [replaceRange(apply.startIndex, call.endIndex, native.call)],
      fixTitle: `Use .${native.call}`,
      ...(reason ? { safety: 'unsafe' as const, reason } : {}),
    });
  },
});

/**
 * The window's autocorrelation at a fixed lag: a rolling correlation with the shifted series, rewritten where the window
 * call is written here (not held in a variable) and plain. Unsafe: the native correlation keeps running sums as the
 * window slides, so values differ in the last digits.
 */
function reportAutocorr(lag: number, windowCall: Node, apply: Node, call: Node, ctx: RuleContext): void {
  const rewrite = autocorrRewrite(windowCall, lag);
  const receiver = windowCall.childForFieldName('function')?.childForFieldName('object')?.text ?? 's';
  const advice = rewrite ? `\`${rewrite}\`` : `\`${receiver}.rolling(window - ${lag}).corr(${receiver}.shift(${lag}))\``;
  const message = `This lambda computes each window's lag-${lag} autocorrelation, building a Series per window; ${advice} computes the same correlation for all windows in one pass`;
  const held = !call.childForFieldName('function')?.childForFieldName('object')?.equals(windowCall);
  if (!rewrite || held || hasCommentBetween(ctx.facts, windowCall.startIndex, call.endIndex)) {
    ctx.report({ node: apply, message });
    return;
  }
  ctx.report({
    node: apply,
    message,
    edits: [replaceRange(windowCall.startIndex, call.endIndex, rewrite)],
    fixTitle: 'Use a rolling correlation with the shifted series',
    safety: 'unsafe',
    reason:
      'the native correlation updates running sums as the window slides: values differ from the per-window `autocorr` in the last digits, and a constant window gives NaN (no variance) where `autocorr` could return a rounding artefact such as 1.0',
  });
}

/**
 * A window function that only does NumPy arithmetic: `engine="numba"` compiles it, with two caveats that decide whether
 * that advice is worth following. pandas keeps the compiled function per function object, so a lambda or a def made
 * inside a function is compiled again on every call (slower than the Python apply for short series): it must move to
 * module level first. And a project whose requirement files do not name numba would add a heavy dependency for it (a
 * blind review judged that advice wrong for qlib's argmax lambdas): there the advice is NumPy's own sliding windows,
 * which compute every window in one call (`sliding_window_view(v, n).argmax(axis=1)`).
 */
function reportNumericWindow(numeric: NumericWindow, fn: Node, apply: Node, windowCall: Node, ctx: RuleContext): void {
  const withoutNumba = !ctx.facts.importsModule('numba') && declaresPackage('numba', ctx.filePath, ctx.files) === false;
  const madePerCall = fn.type === 'lambda' ? enclosingDef(fn) !== null : localDefinitionIsNested(fn, apply);
  // An expanding window has no fixed length to slide: its NumPy form is a cumulative one.
  const expanding = windowCall.childForFieldName('function')?.childForFieldName('attribute')?.text === 'expanding';
  // `rolling("7D")`: a window of a time span holds a varying number of rows, which no fixed-length sliding view spells
  // (Finance-Python's unique count per 7 days, judged wrong in review63). Without numba nothing is left to advise.
  const window = expanding ? null : windowArgument(windowCall);
  if (withoutNumba && window && isTimeSpan(window)) return;
  const numpyForm = expanding
    ? 'compute it from cumulative NumPy operations over the whole column (`np.cumsum`, `np.maximum.accumulate`)'
    : 'compute every window in one call on `np.lib.stride_tricks.sliding_window_view(values, n)` with `axis=1` reductions';
  const compile = withoutNumba
    ? `${numpyForm} (numba's \`engine="numba"\` is not among this project's dependencies)`
    : madePerCall
      ? 'define it once at module level and pass `engine="numba"` (with `raw=True`; pandas compiles a function made on every call again each time)'
      : 'pass `engine="numba"` (with `raw=True`) to compile it';
  // `if n == 0: s.expanding().apply(f) else: s.rolling(n).apply(f)` (qlib's window operators): one function, two
  // branches. The rolling branch's finding carries the advice, which fits a fixed window; the expanding one is the
  // special case of the same operator, and a cumulative form of an arbitrary window function (an argmax, a mean absolute
  // deviation) rarely exists. Blind reviews judged all four such expanding branches noise or wrong, their rolling
  // siblings worth a change.
  const sibling = expanding ? rollingSibling(fn, windowCall) : false;
  // An argmax (qlib's IdxMax) or a product has no native window method to compose from: advising one would send the
  // reader looking for a rewrite that does not exist (a blind review judged that advice wrong).
  const unmatched = withoutWindowMethod(numeric.body);
  const alternative = unmatched
    ? `; pandas has no native window method for its \`${unmatched}\``
    : ', or build it from native window methods of a transformed column (`(s ** 2).rolling(n).sum()`)';
  ctx.report({
    node: apply,
    ...(sibling ? { lowImpact: `the rolling-window branch beside it applies \`${fn.text}\` too, and its finding carries the advice` } : {}),
    message: `\`.apply\` runs ${numeric.name} in Python once per window, and it only does NumPy arithmetic on the window: ${compile}${alternative}`,
  });
}

/** The window a `rolling(...)` call is given: its first argument or `window=`. */
function windowArgument(windowCall: Node): Node | undefined {
  return positionalArguments(windowCall)[0] ?? keywordValue(windowCall, 'window');
}

/** `"7D"`, `"30min"`, `pd.Timedelta(...)`, `timedelta(days=7)`, `pd.offsets.Day(7)`: a window measured in time, not rows. */
function isTimeSpan(window: Node): boolean {
  if (window.type === 'string' || window.type === 'concatenated_string') return true;
  const callee = window.type === 'call' ? (window.childForFieldName('function')?.text ?? '') : '';
  return /(?:^|\.)(?:Timedelta|timedelta|to_timedelta)$|\.offsets\./.test(callee);
}

/** Series members with an exact NumPy spelling on the window's values: a named function using them could be rewritten for `raw=True`. */
const SERIES_REWRITES: Record<string, string> = {
  cummax: '`np.maximum.accumulate`',
  cummin: '`np.minimum.accumulate`',
  iloc: 'plain indexing',
};

/**
 * How a window function uses its window `param` within `body`: null when some use needs the Series itself (its labels
 * `x.index`, `x.loc[...]`, `x.name`, or any member an ndarray lacks), else the Series-only members it uses that have a
 * NumPy spelling (empty when it uses the window only as an array would). A window handed whole to a def of the file is
 * followed into it (two levels); handed to anything else (`stats.kurtosis(x)`), it counts as array-like.
 */
function windowUses(body: Node, param: string, at: Node, depth: number, ctx: RuleContext): string[] | null {
  const found: string[] = [];
  const ids = body.type === 'identifier' ? [body] : body.descendantsOfType('identifier');
  for (const id of ids) {
    if (!id || id.text !== param) continue;
    const parent = id.parent;
    if (parent?.type === 'attribute') {
      if (parent.childForFieldName('attribute')?.equals(id)) continue;
      const member = parent.childForFieldName('attribute')?.text ?? '';
      if (NDARRAY_MEMBERS.has(member)) continue;
      if (!SERIES_REWRITES[member]) return null;
      if (!found.includes(member)) found.push(member);
      continue;
    }
    // `helper(x)`: the window handed whole to a def of the file, which may read its labels.
    const list = parent?.type === 'keyword_argument' ? parent.parent : parent;
    const call = list?.type === 'argument_list' ? list.parent : null;
    const callee = call?.type === 'call' ? call.childForFieldName('function') : null;
    if (!callee) continue;
    const def = callee.type === 'identifier' ? fileFunctionDef(callee, at) : null;
    if (!def) {
      // Handed to a function the code does not show (an import of another package, a method, a parameter): it may
      // read the labels, so `raw=True` is not advised. NumPy and SciPy functions and numeric builtins take arrays.
      if (takesArrays(call!, ctx)) continue;
      return null;
    }
    if (parent?.type !== 'argument_list') return null;
    const names = parameterNames(def);
    const index = parent!.namedChildren.filter((c) => c !== null && c.type !== 'comment').findIndex((c) => c!.equals(id));
    const defBody = def.childForFieldName('body');
    if (depth >= 2 || index < 0 || index >= names.length || !defBody) return null;
    const inner = windowUses(defBody, names[index]!, at, depth + 1, ctx);
    if (!inner) return null;
    for (const m of inner) if (!found.includes(m)) found.push(m);
  }
  return found;
}

/**
 * `s.rolling(w).apply(_zscore)` (or with `raw=False`): a def of the file with one parameter, doing more than NumPy
 * arithmetic (a scipy call, a Series method). When it uses the window only as an array would, `raw=True` saves building a
 * Series per window; when it also calls `cummax` / `cummin` (a drawdown), their NumPy accumulations would let it take
 * `raw=True`. A hint either way; silent when it reads the window's labels or another Series-only member.
 */
function reportNamedWindowFunction(fn: Node, apply: Node, ctx: RuleContext): void {
  const def = fileFunctionDef(fn, apply);
  const params = def?.childForFieldName('parameters')?.namedChildren.filter((c) => c !== null && c.type !== 'comment') ?? [];
  const body = def?.childForFieldName('body');
  if (!def || !body || params.length !== 1 || params[0]!.type !== 'identifier') return;
  const uses = windowUses(body, params[0]!.text, apply, 1, ctx);
  if (!uses) return;
  if (uses.length === 0) {
    ctx.report({
      node: apply,
      severity: 'hint',
      message: `\`.apply\` builds a Series for every window; \`${fn.text}\` reads no labels of it: pass \`raw=True\` if it works on NumPy arrays`,
    });
    return;
  }
  // `x.iloc[-1]` alone (the last value) is no per-window work worth a rewrite: only the accumulations are.
  if (!uses.some((m) => m === 'cummax' || m === 'cummin')) return;
  ctx.report({
    node: apply,
    severity: 'hint',
    message:
      `\`.apply\` builds a Series for every window and \`${fn.text}\` runs Series methods on it; rewritten for NumPy arrays ` +
      `(${uses.map((m) => `${SERIES_REWRITES[m]} for \`${m}\``).join(', ')}) it could take \`raw=True\` ` +
      '(the NumPy accumulations propagate NaN where the Series methods skip it)',
  });
}

/** Whether the named window function is a def inside another def (remade on every call of it). */
function localDefinitionIsNested(fn: Node, at: Node): boolean {
  if (fn.type !== 'identifier' && fn.type !== 'call') return false;
  const def = localDefinition(fn, at);
  return def !== null && enclosingDef(def) !== null;
}

/**
 * `r = s.rolling(20)` then `r.apply(f)`: the window call the name holds (its one assignment in the scope, which the value
 * layer also knows to be a Rolling or Expanding object), or null.
 */
function heldWindow(name: Node | undefined, ctx: RuleContext): Node | null {
  if (!name || values(ctx.facts).valueOf(name)?.kind !== 'rolling') return null;
  const assigned = plainAssignments(scopeOf(name), name.text);
  const value = assigned.length === 1 ? assigned[0].value : null;
  const method = value?.type === 'call' ? value.childForFieldName('function') : null;
  return method?.type === 'attribute' && ['rolling', 'expanding'].includes(method.childForFieldName('attribute')?.text ?? '') ? value : null;
}

/** Methods of an ndarray (or a window Series) that numba compiles and that keep the work in compiled code. */
const ARRAY_METHODS = new Set(['mean', 'sum', 'max', 'min', 'std', 'var', 'argmax', 'argmin', 'prod', 'cumsum', 'cumprod', 'all', 'any']);
/**
 * Members of the window that an ndarray has too, so that the function still runs when `raw=True` hands it one. A Series
 * has each of them; some differ in detail (`std` is ddof=1 on a Series, 0 on an array), which the advice leaves to the
 * reader ("if the function works on NumPy arrays").
 */
const NDARRAY_MEMBERS = new Set([
  ...ARRAY_METHODS,
  'shape',
  'size',
  'ndim',
  'T',
  'dtype',
  'astype',
  'copy',
  'round',
  'clip',
  'reshape',
  'ravel',
  'flatten',
  'tolist',
  'item',
  'dot',
  'nonzero',
  'argsort',
  'squeeze',
  'transpose',
]);
/** Builtins of scalar or array arithmetic. */
const NUMERIC_BUILTINS = new Set(['abs', 'min', 'max', 'len', 'float', 'int', 'sum', 'round']);
const EXPRESSION_TYPES = new Set([
  'identifier',
  'integer',
  'float',
  'true',
  'false',
  'binary_operator',
  'comparison_operator',
  'boolean_operator',
  'not_operator',
  'unary_operator',
  'parenthesized_expression',
  'conditional_expression',
  'subscript',
  'slice',
  'attribute',
  'keyword_argument',
  'argument_list',
]);

/**
 * The window function as a message names it (\`_mad\`, "this lambda"), when it is one the code shows and it only does
 * NumPy arithmetic on its one argument: a lambda, a def of the file, or the inner def a factory of the file returns
 * (ta's `weighted_average(w)`), whose statements only assign names, branch and return, and whose calls are NumPy
 * functions, numeric builtins or array reductions. Such a function compiles with `engine="numba"` (10-30x on 200,000
 * rows, tested) and usually has a native composition; anything else (a model fit, a scipy call) is not reported.
 */
function numericWindowFunction(fn: Node, at: Node, ctx: RuleContext): NumericWindow | null {
  if (fn.type === 'lambda') {
    const params = fn.childForFieldName('parameters')?.namedChildren.filter((c) => c !== null) ?? [];
    const body = fn.childForFieldName('body');
    return params.length === 1 && params[0]!.type === 'identifier' && body && numericExpression(body, params[0]!.text, ctx)
      ? { name: 'this lambda', body }
      : null;
  }
  const def = localDefinition(fn, at);
  const body = def?.childForFieldName('body');
  if (!def || !body || parameterNames(def).length !== 1 || def.childForFieldName('parameters')?.namedChildren[0]?.type !== 'identifier') return null;
  return numericBlock(body, parameterNames(def)[0]!, ctx) ? { name: `\`${def.childForFieldName('name')!.text}\``, body } : null;
}

interface NumericWindow {
  /** As the message names it: "this lambda", \`_mad\`. */
  name: string;
  /** The lambda's expression or the def's block. */
  body: Node;
}

/** Operations on the window with no native Rolling/Expanding method, nor a composition of them (positions, products). */
const WITHOUT_WINDOW_METHOD = new Set(['argmax', 'argmin', 'nanargmax', 'nanargmin', 'argsort', 'cumsum', 'cumprod', 'prod', 'nanprod']);

/**
 * The first call in the window function (already known to be small NumPy arithmetic) to an operation no native window
 * method composes, by its method or NumPy name (`x.argmax()`, `np.argmax(x)`), or null.
 */
function withoutWindowMethod(body: Node): string | null {
  for (const call of body.type === 'call' ? [body, ...body.descendantsOfType('call')] : body.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    if (name && WITHOUT_WINDOW_METHOD.has(name)) return name;
  }
  return null;
}

/** A window function's body: branches and returns of numeric expressions, with plain assignments of them. */
function numericBlock(body: Node, param: string, ctx: RuleContext): boolean {
  const numeric = (e: Node) => numericExpression(e, param, ctx);
  return onlyBranchesAndReturns(body, numeric, (s) => {
    const e = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const value = e?.type === 'assignment' ? e.childForFieldName('right') : null;
    return e?.type === 'assignment' && e.childForFieldName('left')?.type === 'identifier' && !!value && numeric(value);
  });
}

/** Attributes of the window an ndarray has too: the pandas-only ones (`.iloc`, `.index`) would not compile. */
const ARRAY_ATTRIBUTES = new Set(['shape', 'size', 'ndim', 'T']);

function numericExpression(node: Node, param: string, ctx: RuleContext): boolean {
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments');
    if (!fn || args?.type !== 'argument_list' || !args.namedChildren.every((a) => !a || a.type === 'comment' || numericExpression(a, param, ctx))) return false;
    const qualified = ctx.facts.calleeName(node) ?? '';
    if (qualified.startsWith('numpy.') && !qualified.startsWith('numpy.random.')) return true;
    if (fn.type === 'identifier') return NUMERIC_BUILTINS.has(fn.text) && ctx.facts.isBuiltin(fn.text, node);
    return (
      fn.type === 'attribute' &&
      ARRAY_METHODS.has(fn.childForFieldName('attribute')?.text ?? '') &&
      numericExpression(fn.childForFieldName('object')!, param, ctx)
    );
  }
  if (!EXPRESSION_TYPES.has(node.type)) return false;
  if (node.type === 'keyword_argument') return numericExpression(node.childForFieldName('value')!, param, ctx);
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object')!;
    if (object.type === 'identifier' && object.text === param) return ARRAY_ATTRIBUTES.has(node.childForFieldName('attribute')?.text ?? '');
    return numericExpression(object, param, ctx);
  }
  return node.namedChildren.every((c) => !c || c.type === 'comment' || numericExpression(c, param, ctx));
}

/**
 * The conditional around an expanding window's apply has another branch applying the same function (by its text) to a
 * rolling window: `if self.N == 0: ...expanding(...).apply(f) else: ...rolling(self.N, ...).apply(f)`.
 */
function rollingSibling(fn: Node, windowCall: Node): boolean {
  let branch: Node | null = null;
  for (let n = windowCall.parent; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return false;
    if (n.type === 'if_statement') {
      branch = n;
      break;
    }
  }
  if (!branch) return false;
  return branch.descendantsOfType('call').some((call) => {
    const method = call?.childForFieldName('function');
    const window = method?.type === 'attribute' && method.childForFieldName('attribute')?.text === 'apply' ? method.childForFieldName('object') : null;
    const windowMethod = window?.type === 'call' ? window.childForFieldName('function') : null;
    if (windowMethod?.type !== 'attribute' || windowMethod.childForFieldName('attribute')?.text !== 'rolling') return false;
    const first = call!.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'comment');
    return first?.text === fn.text;
  });
}

/** Builtins that take a window as a sequence of numbers, as they would an ndarray. */
const ARRAY_BUILTINS = new Set(['len', 'sorted', 'list', 'tuple', 'min', 'max', 'sum', 'abs', 'float', 'int', 'any', 'all']);

/** A call that takes the window as an array: a NumPy (not `numpy.random`) or SciPy function, or a numeric builtin. */
function takesArrays(call: Node, ctx: RuleContext): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier' && ARRAY_BUILTINS.has(fn.text) && ctx.facts.isBuiltin(fn.text, call)) return true;
  const qualified = ctx.facts.calleeName(call) ?? '';
  return (qualified.startsWith('numpy.') && !qualified.startsWith('numpy.random.')) || qualified.startsWith('scipy.');
}

interface Statistic {
  /** `scipy.stats.kurtosis`. */
  qualified: string;
  /** The native window method computing the same statistic with its bias correction, when there is one: `kurt`, `skew`. */
  native?: 'kurt' | 'skew';
}

/** A `scipy.stats` function of one sample: it takes the window as an array, as `raw=True` passes it. */
function scipyStatistic(qualified: string | null): Statistic | null {
  if (!qualified || !/^scipy\.stats\.[a-z_]+$/.test(qualified)) return null;
  const name = qualified.slice('scipy.stats.'.length);
  if (name === 'kurtosis') return { qualified, native: 'kurt' };
  if (name === 'skew') return { qualified, native: 'skew' };
  return { qualified };
}

/**
 * The lambda's body is one call of a `scipy.stats` function with the window as its first argument, and the window is
 * used nowhere else (windowUses has already checked every use): `stats.kurtosis(x, fisher=True, bias=False)`.
 */
function statisticOfWindow(body: Node, param: string, ctx: RuleContext): { statistic: Statistic; call: Node } | null {
  if (body.type !== 'call') return null;
  const statistic = scipyStatistic(ctx.facts.calleeName(body));
  const first = positionalArguments(body)[0];
  if (!statistic || first?.type !== 'identifier' || first.text !== param) return null;
  const reads = body.descendantsOfType('identifier').filter((id) => id?.text === param);
  return reads.length === 1 ? { statistic, call: body } : null;
}

/**
 * Whether the call computes what pandas' native window method does: `.kurt()` is `kurtosis(x, fisher=True, bias=False)`
 * and `.skew()` is `skew(x, bias=False)` (both bias-corrected), with no other argument (`axis`, `nan_policy`).
 */
function sameAsNative(statistic: Statistic, call: Node | null): boolean {
  if (!statistic.native || !call) return false;
  const args = callArguments(call);
  if (positionalArguments(call).length !== 1) return false;
  const allowed = statistic.native === 'kurt' ? ['bias', 'fisher'] : ['bias'];
  if (args.some((a) => a.type === 'keyword_argument' && !allowed.includes(a.childForFieldName('name')?.text ?? ''))) return false;
  const bias = keywordValue(call, 'bias');
  const fisher = keywordValue(call, 'fisher');
  return bias?.type === 'false' && (fisher === null || fisher === undefined || fisher.type === 'true');
}

/**
 * A SciPy statistic applied to each window: an array function, so the per-window Series is pure overhead. The native
 * window method when it computes the same (an O(n) pass instead of a Python call per window), else `raw=True`. Info,
 * not a hint: the function is known to take arrays, which is what the hint's "if it works on NumPy arrays" leaves open.
 */
function reportStatistic(statistic: Statistic, call: Node | null, fn: Node, apply: Node, ctx: RuleContext): void {
  const short = statistic.qualified.slice('scipy.'.length);
  if (sameAsNative(statistic, call)) {
    ctx.report({
      node: apply,
      severity: 'info',
      message:
        `This lambda computes the window's bias-corrected ${statistic.native === 'kurt' ? 'kurtosis' : 'skewness'} with \`${short}\`; ` +
        `\`.${statistic.native}()\` computes it natively for all windows in one pass (from running sums: last-digit differences; it skips NaN, where SciPy returns NaN)`,
    });
    return;
  }
  const native = statistic.native
    ? ` (or \`.${statistic.native}()\`, pandas' native window ${statistic.native === 'kurt' ? 'kurtosis' : 'skewness'}, which is the \`bias=False\` form)`
    : '';
  const what = fn.type === 'lambda' ? `this lambda only hands it to \`${short}\`, which` : `\`${short}\``;
  ctx.report({
    node: apply,
    severity: 'info',
    message: `\`.apply\` builds a Series for every window, and ${what} takes NumPy arrays: pass \`raw=True\`${native}`,
  });
}
