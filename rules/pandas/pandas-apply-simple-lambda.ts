import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindingOf,
  callArguments,
  calleeOfOnlyArgument,
  caughtAround,
  contains,
  decoratorsOf,
  enclosingFunctionDef,
  findDescendants,
  inOtherBranches,
  inTestFunction,
  inTestOf,
  isKnownScalar,
  isNestedScope,
  isNumberLiteral,
  isPureReference,
  isScalarProperty,
  isStrParameter,
  isTestFile,
  keywordValue,
  localDefinition,
  missingTestOf,
  needsParentheses,
  nodeMemo,
  numpyModuleRef,
  occurrences,
  onPathTo,
  plainAssignments,
  positionalArguments,
  quietOnSmallFrame,
  scopeOf,
  soleAssignedValue,
  stringLiteralValue,
  TEMPORAL_ONLY_MEMBERS,
  type FileFacts,
  type Vectorized,
  values,
  VECTOR_FIX_REASONS,
  vectorizeElementExpression,
  vectorizeElementValue,
} from '../../server/analysis';
import { ensureImport, hasCommentBetween, replaceNode } from '../../server/fixes';

export default defineRule({
  id: 'pandas-apply-simple-lambda',
  title: 'Series.apply / Series.map with a trivial lambda',
  category: 'pandas',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'pandas-vectorization',
  requires: ['pandas'],
  // One pass of a lambda over a column costs milliseconds at a typical frame's size: a blind review (review36-43) judged 50
  // of 56 such findings noise where they ran once (a report's table, a load's preprocessing, a web result of 100 rows), and
  // the useful ones were a transform run on every fit or save. So it is shown only in hot code (a loop over data, a training
  // step, a function called per item or a framework hook) and is a hint elsewhere.
  quietOutsideHotCode: true,
  // A helper handed a Series need not import pandas (featuretools' primitives: `values.diff().apply(lambda x:
  // x.total_seconds())`): a Timestamp/Timedelta-only member is enough to run, and in such a file only that proof counts.
  requiresText: /\b(total_seconds|day_name|month_name|dayofweek|dayofyear)\b/,
  requiresEither: true,
  severityForms: [
    {
      severity: 'hint',
      when:
        'for a string method (`.str`): on object-dtype strings, the default before pandas 3, `.str` runs the same per-element ' +
        'Python call as the lambda, so it is no faster (a `.str.split(...).str[i]` chain is slower, and is not offered as a fix)',
    },
  ],
  message: 'A lambda applied per element does what a vectorised Series operation does; use the arithmetic, `.str` or `.dt` form',
  docs: {
    why:
      '`Series.apply` and `Series.map` call the Python function once per element, boxing each value into a Python ' +
      'object. For arithmetic, string methods and datetime fields pandas has vectorised equivalents that run in ' +
      'compiled code and are typically one to two orders of magnitude faster on large columns. One pass still costs only ' +
      'milliseconds on a frame of typical size, so the finding is shown where the apply repeats (a loop over data, a training ' +
      'step, a function called per item) and is a hint elsewhere.',
    instead:
      'Operate on the column: `df["b"] + 10`, `df["name"].str.upper()`, `df["ts"].dt.month`. The `.str` and `.dt` ' +
      'accessors return NaN for missing values instead of raising. Only arithmetic and `.dt` are compiled for every column: ' +
      'on object-dtype strings `.str` loops in Python like the lambda (1M strings, pandas 1.5: `.str.upper()` 0.43 s vs ' +
      'apply 0.47 s, `.str.strip()` 0.37 s vs 0.31 s, `.str.split("_").str[1].astype(int)` 1.2 s vs 0.69 s), so a string ' +
      'method is a hint, faster only on pyarrow-backed strings (`dtype="string[pyarrow]"`). A conditional, a dict lookup or a bound has a column ' +
      'form too (`np.where(s > 3, 1, 0)`, `s.map(codes)`, `s.clip(upper=k)`): suggested, not applied, as its dtype can differ. ' +
      'A dict lookup inside a `try` that catches the `KeyError` is left alone: `s.map(codes)` gives NaN for a missing key, and the ' +
      'handler would never run. A column picked by a string parameter (`df[label].apply(lambda v: v * 3.6)`, `label: str`) is a column too. ' +
      'A missing-value test (`pd.isna(x)`, `np.isnan(x)`) is `s.isna()`. `len(x)` (lists and sets have a length too) becomes ' +
      '`.str.len()` only where the column is built from string literals in the file. A function of the file that only returns one ' +
      'expression (`def clean(x): return codes.get(x, x)`, handed to `.map(clean)`) is read as the lambda it could be, and so is a lambda given a name once (`mapper = lambda k: codes[k]`); ' +
      '`codes.get(x, x)` keeps what the dict lacks, as `s.map(codes).fillna(s)` does. A function that returns `pd.NA` for a missing ' +
      'element and `len(x)` or `str(x)[:k]` otherwise is `s.str.len()` or `s.astype(str).str[:k].where(s.notna())` (a hint: missing ' +
      'values come back as NaN rather than `pd.NA`). Tests joined by `and` / `or` / `not`, and chained comparisons, are the same ' +
      'tests joined by `&` / `|` / `~` (`x in BAD or pd.isna(x)`: `s.isin(BAD) | s.isna()`; `0 < x <= 80`: `(0 < s) & (s <= 80)`). ' +
      'A function of the file that only compares the value with constants to return a label (`if 0 < p <= 80: return "A" elif ... ' +
      'else: return "C"`) is `np.select` of its conditions on the column, suggested with the labels it returns. A timestamp rebuilt ' +
      'from its leading fields (`datetime(x.year, x.month, 1)`, `datetime(x.year, x.month, x.day, x.hour)`) is the start of its ' +
      'month (`.dt.to_period("M").dt.to_timestamp()`), day (`.dt.normalize()`) or hour (`.dt.floor("h")`). A date string parsed ' +
      'per element (`datetime.strptime(x, "%Y-%m-%d %H:%M:%S")`) is `pd.to_datetime(s, format=...)`, and epoch seconds converted per ' +
      'element (`.apply(datetime.utcfromtimestamp)`) are `pd.to_datetime(s, unit="s")` (200,000 values, pandas 1.5: 44x faster for ' +
      'an ISO format, 2.5x for a day-first one, 48x for epoch seconds); a format with a UTC offset (`%z`) is left alone.',
    example: {
      before: 'df["u"] = df["name"].apply(lambda s: s.upper())\ndf["m"] = df["ts"].apply(lambda t: t.month)',
      after: 'df["u"] = df["name"].str.upper()\ndf["m"] = df["ts"].dt.month',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use the vectorised Series operation',
    reason: 'the vectorised form can differ from the lambda on missing values and in the result dtype',
  },
  query: `
(call
  function: (attribute object: (_) @series attribute: (identifier) @method)
  arguments: (argument_list
    (lambda
      parameters: (lambda_parameters . (identifier) @param .)
      body: (_) @body)) @args
  (#any-of? @method "apply" "map")) @call

(call
  function: (attribute object: (_) @series attribute: (identifier) @method)
  arguments: (argument_list (identifier) @function) @args
  (#any-of? @method "apply" "map")) @call

(call
  function: (attribute object: (_) @series attribute: (identifier) @method)
  arguments: (argument_list (attribute attribute: (identifier)) @attributeFunction) @args
  (#any-of? @method "apply" "map")) @call`,
  check(m, ctx) {
    const series = m.need('series');
    const method = m.need('method').text;
    // The lambda (or function) must be the only argument (comments aside), but for a datetime column's `apply(f, 1)`:
    // Series.apply's second positional is `convert_dtype` (the Informer loaders pass it), which the rewrite can drop.
    const args = m.need('args').namedChildren.filter((c) => c && c.type !== 'comment');
    if (args.length !== 1 && !(args.length === 2 && method === 'apply' && convertDtypeFlag(args[1]!) && parsedByToDatetime(series, ctx.facts))) return;
    const call = m.need('call');
    // Tests of the API itself: the lambda is what is under test.
    if (inTestOf(call, method) || comparedWithSameCall(call, method) || expectedValue(call, ctx)) return;
    // The same function (or module) runs a lambda per row or per group: that dominates, and this one saves milliseconds.
    // microsoft/forecasting's feature steps (`.apply(lambda x: x.month)` beside `apply(..., axis=1)` and `groupby().apply`):
    // blind reviews judged all 14 such findings noise (issue 24, review29).
    if (besideCostlierApply(call, ctx.facts)) return;
    // radis' `if self.dataframe_type == "vaex": df[c].apply(lambda x: d.get(x))`: the frame is another library's, whose
    // `.map(d)` raises on a missing key (vaex) or does not exist (polars) (issue 24, review37).
    if (inOtherFrameBranch(call) || otherFrameLibraryReceiver(series, ctx)) return;
    const attributeFunction = m.get('attributeFunction');
    if (attributeFunction) {
      if (method === 'apply' && reportMathFunction(call, attributeFunction, series, ctx)) return;
      reportDateParse(call, attributeFunction, null, series, ctx);
      return;
    }
    if (m.get('function') && reportBuiltinCast(call, m.need('function'), series, method, ctx)) return;
    if (
      method === 'apply' &&
      reportMissingGuarded(call, m.get('function') ?? call.childForFieldName('arguments')!.namedChildren.find((c) => c?.type === 'lambda')!, series, ctx)
    )
      return;
    const named = m.get('function') ? oneExpressionFunction(m.need('function'), call) : null;
    if (m.get('function') && !named) {
      reportLabelChain(call, m.need('function'), series, method, ctx);
      return;
    }
    // `s.apply(lambda p: classify(p))`: the lambda only hands each value to a def of the file.
    const passed = m.get('body') ? calleeOfOnlyArgument(m.need('body'), m.need('param').text) : null;
    if (passed && reportLabelChain(call, passed, series, method, ctx)) return;
    const param = named ? named.param : m.need('param').text;
    const body = named ? named.body : m.need('body');
    if (!ctx.facts.importsModule('pandas') && !(method === 'apply' && readsTemporalMember(body, param) && !values(ctx.facts).valueOf(series))) return;
    if (reportMissingTest(call, body, param, series, method, ctx)) return;
    if (reportConstant(call, body, series, method, ctx)) return;
    if (reportStringEquality(call, body, param, series, method, ctx)) return;
    if (reportUfuncOfElement(call, body, param, series, method, ctx)) return;
    if (body.type === 'call' && reportDateParse(call, body, param, series, ctx)) return;
    const found = vectorizeElementExpression(body, param, series.text) ?? datetimeMembership(body, param, series.text);
    if (!found) {
      suggestColumnForm(m.need('call'), body, param, series, method, ctx);
      return;
    }
    const v = onDatetimeIndex(found, series, ctx) ?? found;
    // `len(x)` works on lists, sets and dicts as well: `.str.len()` is advice only when the column visibly holds strings.
    if (v.kind === 'str' && isLenOf(body, param) && !literalStringColumn(series, ctx)) return;
    // `frame[col].apply(lambda x: pd.Timestamp(x).date())`: the lambda parses one value, so the receiver is a
    // column (a DataFrame's apply would hand it whole columns, which pd.Timestamp rejects). Likewise a str method
    // that Series lacks (`x.split(":")[-1]`, `x.strip()`): a whole column would have raised AttributeError.
    const parsesElements =
      (((v.kind === 'dt' && !v.text.startsWith(series.text)) || (v.kind === 'str' && callsStrOnlyMethod(body, param))) &&
        columnSelection(series, ctx.facts, method)) ||
      elementsShown(body, param, series, method, ctx) ||
      // `frame[x_axis].apply(lambda x: datetime(x.year, x.month, 1))` (ecoscope's time buckets): whatever the key selects,
      // `.year` read on what apply hands over would raise on a column (a Series has no `.year`): each call gets one value.
      (v.kind === 'dt' && method === 'apply' && columnOfKnownFrame(series, ctx.facts)) ||
      (v.kind === 'dt' && method === 'apply' && parsedByToDatetime(series, ctx.facts));
    if (!parsesElements && v === found && !isSeries(series, method, ctx.facts)) return;
    if (!parsesElements && !isPureReference(series) && !keyedByStringParameter(series)) return;
    // `s.diff().apply(lambda x: x.total_seconds())` → `s.diff().dt.total_seconds()`: a call chain is kept only when the
    // whole-column form evaluates it once, as the apply did.
    if (!isPureReference(series) && v.text.split(series.text).length !== 2) return;
    const text = v.compound && needsParentheses(call) ? `(${v.text})` : v.text;
    // `pd.to_datetime(s).dt.date` does not start with the Series: show it whole. A long receiver is not repeated:
    // `.dt.floor("h")` on the Series.
    const what =
      v.kind === 'arithmetic' || !v.text.startsWith(series.text)
        ? `\`${v.text}\``
        : series.text.length <= 40
          ? `\`${series.text}${v.summary}\``
          : `\`${v.summary}\` on the Series`;
    const strings = v.kind === 'str';
    // Each `.str` step is another Python pass over an object column: a chain of them is slower than the one lambda.
    const slower = strings && v.text.split('.str').length > 2;
    ctx.report({
      node: call,
      message: strings
        ? `\`${shownCall(call)}\` calls a string method per element; ${what} does the same${STR_SPEED}`
        : `\`${shownCall(call)}\` calls Python once per element; write ${what} instead`,
      ...(strings ? { severity: 'hint' as const } : {}),
      // A named function stays defined (and may be called elsewhere): the rewrite is left to the reader.
      edits: slower || named || hasCommentBetween(ctx.facts, call.startIndex, call.endIndex) ? undefined : [replaceNode(call, text)],
      reason: VECTOR_FIX_REASONS[v.kind],
      ...quietOnSmallColumn(series, ctx),
    });
  },
});

/** `1` or `True` as Series.apply's second positional argument, `convert_dtype` (a DataFrame's would be `axis`). */
function convertDtypeFlag(arg: Node): boolean {
  return arg.text === '1' || arg.text === 'True';
}

/** Frame libraries whose columns have `.apply` but not pandas' `.map(dict)`; cuDF, modin and dask follow pandas there. */
const OTHER_FRAME_LIBRARIES = new Set(['vaex', 'polars']);

/**
 * The call is in the body of an `if`/`elif` whose condition tests that something equals (or is among) a string naming
 * another frame library: `if self.dataframe_type == "vaex":`, `elif backend in ("polars", "vaex"):`.
 */
function inOtherFrameBranch(call: Node): boolean {
  for (let n: Node | null = call; n?.parent; n = n.parent) {
    const p: Node = n.parent;
    if (p.type === 'function_definition' || p.type === 'class_definition' || p.type === 'lambda') return false;
    if (
      (p.type === 'if_statement' || p.type === 'elif_clause') &&
      p.childForFieldName('consequence')?.equals(n) &&
      namesOtherFrameLibrary(p.childForFieldName('condition'))
    )
      return true;
  }
  return false;
}

/** `x == "vaex"`, `"polars" == x`, `x in ("vaex", "pandas")`, possibly in parentheses or one operand of an `and`. */
function namesOtherFrameLibrary(condition: Node | null): boolean {
  if (!condition) return false;
  if (condition.type === 'parenthesized_expression') return namesOtherFrameLibrary(condition.namedChild(0));
  if (condition.type === 'boolean_operator')
    return (
      condition.childForFieldName('operator')?.type === 'and' &&
      [condition.childForFieldName('left'), condition.childForFieldName('right')].some(namesOtherFrameLibrary)
    );
  if (condition.type !== 'comparison_operator') return false;
  const operators = condition.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
  if (operators.length !== 1 || (operators[0] !== '==' && operators[0] !== 'in')) return false;
  return condition.namedChildren.some((side) => {
    const items = side && (side.type === 'tuple' || side.type === 'list' || side.type === 'set') ? side.namedChildren : [side];
    return items.some((item) => OTHER_FRAME_LIBRARIES.has(stringLiteralValue(item)?.toLowerCase() ?? ''));
  });
}

/**
 * In a file that imports vaex or polars, a receiver (or, for `frame[col]`, its frame) that the value layer cannot show to
 * be pandas may be the other library's.
 */
function otherFrameLibraryReceiver(series: Node, ctx: RuleContext): boolean {
  if (![...OTHER_FRAME_LIBRARIES].some((m) => ctx.facts.importsModule(m))) return false;
  const layer = values(ctx.facts);
  const owner = series.type === 'subscript' ? series.childForFieldName('value') : null;
  const kinds = [layer.valueOf(series)?.kind, owner ? layer.valueOf(owner)?.kind : undefined];
  return !kinds.some((k) => k === 'series' || k === 'dataframe' || k === 'index');
}

/**
 * `s.map(get_occ)` where the file defines `def get_occ(x): return occ_mapping.get(x, x)` (pydata-book's FEC cleanup):
 * an undecorated def of one plain parameter whose body is one `return` (after an optional docstring) is the lambda it
 * could have been written as. Its parameter and returned expression, or null for any other function.
 */
function oneExpressionFunction(name: Node, call: Node): { param: string; body: Node } | null {
  const def = localDefinition(name, call);
  if (!def) return lambdaBoundTo(name, call);
  const params = def.childForFieldName('parameters')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (params.length !== 1 || params[0].type !== 'identifier') return null;
  const statements = def.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const docstring = statements[0]?.type === 'expression_statement' && statements[0].namedChild(0)?.type === 'string';
  const rest = docstring ? statements.slice(1) : statements;
  const value = rest.length === 1 && rest[0].type === 'return_statement' ? rest[0].namedChild(0) : null;
  return value ? { param: params[0].text, body: value } : null;
}

/**
 * `age_mapper = lambda k: AGE_LOOKUP[k]` then `df.cluster.apply(age_mapper)` (cdips' catalogue merge, review60): a name
 * bound once in the scope, to a lambda of one plain parameter, is that lambda. Its parameter and body, or null.
 */
function lambdaBoundTo(name: Node, call: Node): { param: string; body: Node } | null {
  const value = soleAssignedValue(scopeOf(call), name.text);
  const params = value?.type === 'lambda' ? (value.childForFieldName('parameters')?.namedChildren.filter((c) => c !== null && c.type !== 'comment') ?? []) : [];
  const body = value?.childForFieldName('body');
  return params.length === 1 && params[0]!.type === 'identifier' && body ? { param: params[0]!.text, body } : null;
}

/** A constant a label function returns: a number, a string, True/False or None. */
function isLabel(n: Node | null): n is Node {
  return n !== null && (isConstantLiteral(n) || n.type === 'none' || (n.type === 'unary_operator' && isConstantLiteral(n.namedChild(0)!)));
}

/**
 * `def classify(p): if 0 < p <= 80: return "A" elif p <= 90: return "B" else: return "C"` (an undecorated def of the file,
 * one plain parameter): an `if` / `elif` chain, or `if ...: return` statements, each returning a constant, ending in a
 * constant for every other value. Its conditions with their labels, and the default; null for any other body.
 */
function labelChain(def: Node): { conditions: Node[]; labels: Node[]; otherwise: Node } | null {
  const statements = def.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const docstring = statements[0]?.type === 'expression_statement' && statements[0].namedChild(0)?.type === 'string';
  const rest = docstring ? statements.slice(1) : statements;
  const conditions: Node[] = [];
  const labels: Node[] = [];
  const onlyReturn = (block: Node | null) => {
    const inner = block?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
    const value = inner.length === 1 && inner[0].type === 'return_statement' ? inner[0].namedChild(0) : null;
    return isLabel(value) ? value : null;
  };
  let otherwise: Node | null = null;
  for (const [i, statement] of rest.entries()) {
    if (statement.type === 'return_statement' && i === rest.length - 1) {
      otherwise = statement.namedChild(0);
      break;
    }
    if (statement.type !== 'if_statement') return null;
    const condition = statement.childForFieldName('condition');
    const label = onlyReturn(statement.childForFieldName('consequence'));
    if (!condition || !label) return null;
    conditions.push(condition);
    labels.push(label);
    for (const alternative of statement.childrenForFieldName('alternative')) {
      if (!alternative) continue;
      const value = onlyReturn(alternative.childForFieldName('consequence') ?? alternative.childForFieldName('body'));
      if (!value) return null;
      if (alternative.type === 'else_clause') {
        if (i !== rest.length - 1) return null;
        otherwise = value;
      } else {
        const cond = alternative.childForFieldName('condition');
        if (!cond) return null;
        conditions.push(cond);
        labels.push(value);
      }
    }
  }
  return otherwise && isLabel(otherwise) && conditions.length > 0 ? { conditions, labels, otherwise } : null;
}

/**
 * `s.apply(classify)` with classify a label chain (labelChain) whose conditions compare the value with constants: one
 * Python call per element for what `np.select` of the same conditions on the column does at once (ecommercetools' ABC
 * classes of customers and products; review57's recall hunt). Advice only: `np.select` returns an ndarray, and the
 * function may be called elsewhere. True when reported.
 */
function reportLabelChain(call: Node, name: Node, series: Node, method: string, ctx: RuleContext): boolean {
  const def = localDefinition(name, call);
  const params = def?.childForFieldName('parameters')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (!def || params.length !== 1 || params[0].type !== 'identifier' || decoratorsOf(def).length > 0) return false;
  const chain = labelChain(def);
  if (!chain || !isPureReference(series)) return false;
  if (!isSeries(series, method, ctx.facts) && !columnSelection(series, ctx.facts, method)) return false;
  const np = numpyModuleRef(ctx.facts) ?? 'np';
  const conditions = chain.conditions.map((c) => vectorizeElementValue(c, params[0]!.text, series.text, np, ctx.facts));
  if (conditions.some((c) => c === null || c.kinds.some((k) => k === 'str' || k.startsWith('map')))) return false;
  const labels = chain.labels.map((l) => l.text);
  const select = `${np}.select([${conditions.map((c) => c!.text).join(', ')}], [${labels.join(', ')}], default=${chain.otherwise.text})`;
  const text = select.length <= 120 ? `\`${select}\`` : `\`${np}.select\` of its ${conditions.length} conditions on the column`;
  ctx.report({
    node: call,
    message:
      `\`${shownCall(call)}\` calls \`${name.text}\` once per element, which only compares the value with constants to pick a label; ` +
      `${text} labels the whole column at once (an array: wrap it in \`pd.Series(..., index=${series.text}.index)\` where the index matters)`,
    ...quietOnSmallColumn(series, ctx),
  });
  return true;
}

/** `pd.NA`, `np.nan`, `None`, `float("nan")`: what a per-element function returns for a missing value. */
function isMissingValue(node: Node | null | undefined, ctx: RuleContext): boolean {
  if (!node) return false;
  if (node.type === 'none') return true;
  const q = ctx.facts.qualifiedName(node);
  if (q === 'pandas.NA' || q === 'numpy.nan' || q === 'numpy.NaN') return true;
  const args = node.type === 'call' ? callArguments(node) : [];
  return node.childForFieldName('function')?.text === 'float' && args.length === 1 && stringLiteralValue(args[0])?.toLowerCase() === 'nan';
}

/**
 * A per-element function that returns a missing value for a missing element and an expression of it otherwise: a def
 * of the file (`if pd.isna(x): return pd.NA` then `return len(x)`, after an optional docstring) or a lambda or def
 * returning `len(x) if pd.notna(x) else pd.NA`. Its parameter and the expression, or null.
 */
function missingGuarded(fn: Node, call: Node, ctx: RuleContext): { param: string; expr: Node } | null {
  if (fn.type === 'lambda') {
    const params = fn.childForFieldName('parameters')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
    const body = fn.childForFieldName('body');
    if (params.length !== 1 || params[0].type !== 'identifier' || !body) return null;
    return conditionalGuard(body, params[0].text, ctx);
  }
  const def = localDefinition(fn, call);
  const params = def?.childForFieldName('parameters')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (!def || params.length !== 1 || params[0].type !== 'identifier' || def.parent?.type === 'decorated_definition') return null;
  const param = params[0].text;
  let statements = def.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (statements[0]?.type === 'expression_statement' && statements[0].namedChild(0)?.type === 'string') statements = statements.slice(1);
  if (statements.length === 1 && statements[0].type === 'return_statement') {
    const value = statements[0].namedChild(0);
    return value ? conditionalGuard(value, param, ctx) : null;
  }
  const [test, last] = statements;
  if (statements.length !== 2 || test.type !== 'if_statement' || last.type !== 'return_statement') return null;
  if (test.childrenForFieldName('alternative').length > 0 || missingTestOf(test.childForFieldName('condition'), param, ctx.facts) !== 'missing') return null;
  const early = test.childForFieldName('consequence')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (early.length !== 1 || early[0].type !== 'return_statement' || !isMissingValue(early[0].namedChild(0), ctx)) return null;
  const expr = last.namedChild(0);
  return expr ? { param, expr } : null;
}

/** `len(x) if pd.notna(x) else pd.NA` / `pd.NA if pd.isna(x) else len(x)`: the guarded expression, or null. */
function conditionalGuard(body: Node, param: string, ctx: RuleContext): { param: string; expr: Node } | null {
  if (body.type !== 'conditional_expression') return null;
  const [a, condition, b] = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  const test = missingTestOf(condition, param, ctx.facts);
  if (test === 'present' && isMissingValue(b, ctx)) return { param, expr: a };
  if (test === 'missing' && isMissingValue(a, ctx)) return { param, expr: b };
  return null;
}

/**
 * `s.apply(count_chars)` with `def count_chars(x): if pd.isna(x): return pd.NA; return len(x)` (featuretools'
 * primitives), or `lambda pc: str(pc)[0] if pd.notna(pc) else pd.NA`: the missing-value test in a condition raises on a
 * whole column or window (a Series' truth value is ambiguous), so `.apply` hands the function single elements, whatever
 * the receiver is called. `len(x)` is `.str.len()` (which measures lists and sets too), `str(x)[k]` is
 * `.astype(str).str[k]` kept missing with `.where(s.notna())`. A hint without a fix: missing values come back as NaN
 * rather than `pd.NA`, and on object columns `.str` still loops (in compiled code, without the Python call and NA test
 * per element). True when reported.
 */
function reportMissingGuarded(call: Node, fn: Node | undefined, series: Node, ctx: RuleContext): boolean {
  // In a test the guarded apply is the obvious oracle another implementation is compared with (featuretools' postal tests).
  if (!fn || !isPureReference(series) || isTestFile(ctx.filePath) || inTestFunction(call)) return false;
  const guarded = missingGuarded(fn, call, ctx);
  if (!guarded) return false;
  const { param, expr } = guarded;
  const s = series.text;
  let text: string | null = null;
  let what = '';
  if (expr.type === 'call' && expr.childForFieldName('function')?.text === 'len' && ctx.facts.isBuiltin('len', call)) {
    const args = callArguments(expr);
    if (args.length === 1 && args[0].type === 'identifier' && args[0].text === param) {
      text = `${s}.str.len()`;
      what = 'takes its length';
    }
  } else if (expr.type === 'subscript') {
    const inner = expr.childForFieldName('value');
    const keys = expr.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
    const args = inner?.type === 'call' && inner.childForFieldName('function')?.text === 'str' ? callArguments(inner) : [];
    const literalKey = keys.length === 1 && (isIntegerKey(keys[0]) || (keys[0].type === 'slice' && keys[0].namedChildren.every((c) => !c || isIntegerKey(c))));
    if (args.length === 1 && args[0].type === 'identifier' && args[0].text === param && literalKey && ctx.facts.isBuiltin('str', call)) {
      text = `${s}.astype(str).str[${keys[0].text}].where(${s}.notna())`;
      what = 'slices its text';
    }
  }
  if (!text) return false;
  const shown = text.length <= 80 ? `\`${text}\`` : 'the `.str` form on the column';
  ctx.report({
    node: call,
    severity: 'hint',
    message:
      `\`${shownCall(call)}\` tests each element for a missing value and ${what} in Python; ${shown} does the same in one pass ` +
      '(missing values come back as NaN rather than `pd.NA`; on object-dtype strings `.str` still visits each element, without the Python call)',
    ...quietOnSmallColumn(series, ctx),
  });
  return true;
}

/** An integer literal, possibly negative: a position in a string. */
function isIntegerKey(node: Node): boolean {
  return node.type === 'integer' || (node.type === 'unary_operator' && node.childForFieldName('argument')?.type === 'integer');
}

/** The call hands `apply` / `map` a named function rather than a lambda. */
function passesFunction(call: Node): boolean {
  return callArguments(call)[0]?.type === 'identifier';
}

/** `.map(lambda ...)` / `.map(get_occ)`: the call as the messages name it. */
function shownCall(call: Node): string {
  const method = call.childForFieldName('function')?.childForFieldName('attribute')?.text ?? 'apply';
  const arg = callArguments(call)[0];
  return `.${method}(${arg?.type === 'identifier' || (arg?.type === 'attribute' && arg.text.length <= 40) ? arg.text : 'lambda ...'})`;
}

/**
 * `x.weekday() in (5, 6)` (auto_ml's weekend flag, after `pd.to_datetime`; review39's recall hunt, F1-09): a datetime field of
 * the element tested against number literals, which is `s.dt.weekday.isin((5, 6))` on the whole column (`~...` for `not in`).
 * A missing element gives NaN there, which neither the literals nor isin match, as the lambda's NaN did not.
 */
function datetimeMembership(body: Node, param: string, series: string): Vectorized | null {
  if (body.type !== 'comparison_operator') return null;
  const ops = body.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
  const [item, container] = body.namedChildren.filter((c): c is Node => c !== null);
  if (ops.length !== 1 || (ops[0] !== 'in' && ops[0] !== 'not in') || !item || !container) return null;
  const numbers = container.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (!/^(set|list|tuple)$/.test(container.type) || numbers.length === 0 || !numbers.every((c) => c.type === 'integer')) return null;
  const field = vectorizeElementExpression(item, param, series);
  if (field?.kind !== 'dt' || field.compound || !field.text.startsWith(`${series}.dt.`)) return null;
  const negated = ops[0] === 'not in';
  const text = `${negated ? '~' : ''}${field.text}.isin(${container.text})`;
  return { text, kind: 'dt', compound: negated, summary: `${field.summary}.isin(${container.text})` };
}

/** `math` functions of one number and the NumPy ufunc that computes them for a whole array. */
const MATH_UFUNCS = new Map([
  ...['cos', 'sin', 'tan', 'cosh', 'sinh', 'tanh', 'exp', 'expm1', 'log10', 'log2', 'log1p', 'sqrt', 'fabs', 'degrees', 'radians'].map((f) => [f, f] as const),
  ['acos', 'arccos'],
  ['asin', 'arcsin'],
  ['atan', 'arctan'],
  ['acosh', 'arccosh'],
  ['asinh', 'arcsinh'],
  ['atanh', 'arctanh'],
  ['log', 'log'],
]);

const MATH_REASON =
  'on an object column (Python ints, Decimals) the ufunc looks for a method of that name on each element and raises, and where ' +
  '`math` raises ValueError on a value outside its domain (`math.sqrt(-1)`, `math.log(0)`) NumPy gives NaN or -inf with a warning';

/**
 * `(2 * math.pi * pos).apply(math.cos)` (FLAML's Fourier features; review38's recall hunt, F1-20): a Python call per element
 * of what the NumPy ufunc computes on the whole column at once, index and name kept. The call itself shows a Series: on a
 * DataFrame `apply` hands `math.cos` whole columns, which it cannot convert to a float (TypeError). A receiver the value
 * layer knows as something other than a Series is left alone. (`apply(np.cos)`, the ufunc, pandas already runs on the
 * whole array.)
 */
function reportMathFunction(call: Node, fn: Node, series: Node, ctx: RuleContext): boolean {
  const name = fn.childForFieldName('attribute')!.text;
  const ufunc = MATH_UFUNCS.get(name);
  if (!ufunc || ctx.facts.qualifiedName(fn) !== `math.${name}`) return false;
  const known = values(ctx.facts).valueOf(series);
  if (known && known.kind !== 'series') return true;
  const np = ensureImport(ctx.facts, 'numpy');
  const inner = series.type === 'parenthesized_expression' ? (series.namedChild(0) ?? series) : series;
  const text = `${np.ref}.${ufunc}(${inner.text})`;
  ctx.report({
    node: call,
    message: `\`.apply(math.${name})\` calls Python once per element; \`${text.length <= 60 ? text : `${np.ref}.${ufunc}(...)`}\` computes the whole column at once`,
    edits: hasCommentBetween(ctx.facts, call.startIndex, call.endIndex) ? undefined : [...np.edits, replaceNode(call, text)],
    reason: MATH_REASON,
    ...quietOnSmallColumn(series, ctx),
  });
  return true;
}

const DATE_PARSE_REASON =
  '`pd.to_datetime` gives NaT for a missing value where the lambda raised TypeError, raises OutOfBoundsDatetime for a date ' +
  'past the year 2262 where the lambda gave an object column of datetimes, and for offsets that differ between rows ' +
  '(`%z`) gives an object column (pandas 1.5) or raises (pandas 2)';

/**
 * `s.apply(lambda x: datetime.strptime(x, "%Y-%m-%d_%H"))` (t-route's forcing files) and `(ms / 1000).apply(datetime.utcfromtimestamp)`
 * (libcomcat's event times; review67's recall hunt): the standard library parses or converts one value per Python call,
 * where `pd.to_datetime(s, format=...)` / `pd.to_datetime(s, unit="s")` convert the column in compiled code (200,000
 * values, pandas 1.5.3: an ISO format 44x, a day-first format 2.5x, epoch seconds 48x faster; same datetime64 column).
 * `fn` is the function handed to `apply` (then `param` is null) or the lambda's body, a call of `param`. `fromtimestamp`
 * (local time) has no column form that matches it. True when reported.
 */
function reportDateParse(call: Node, fn: Node, param: string | null, series: Node, ctx: RuleContext): boolean {
  const callee = param === null ? ctx.facts.qualifiedName(fn) : ctx.facts.calleeName(fn);
  if (callee !== 'datetime.datetime.strptime' && callee !== 'datetime.datetime.utcfromtimestamp') return false;
  const parse = callee.endsWith('strptime');
  let format: string | null = null;
  if (param !== null) {
    const args = callArguments(fn);
    if (args.length !== positionalArguments(fn).length || args.length !== (parse ? 2 : 1)) return false;
    if (args[0]!.type !== 'identifier' || args[0]!.text !== param) return false;
    if (parse) {
      const fmt = args[1]!;
      const literal = stringLiteralValue(fmt);
      // A literal format without a UTC offset, or a constant of the module: per-row offsets are where the two differ most.
      if (literal === null ? !isPureReference(fmt) || occurrences(fmt, param).length > 0 : /%[zZ]/.test(literal)) return false;
      format = fmt.text;
    }
  } else if (parse) return false;
  // A DataFrame's apply would hand the function whole columns, which neither accepts: the call shows a Series.
  const known = values(ctx.facts).valueOf(series);
  if (known && known.kind !== 'series') return false;
  const pd = ensureImport(ctx.facts, 'pandas');
  const inner = series.type === 'parenthesized_expression' ? (series.namedChild(0) ?? series) : series;
  const text = `${pd.ref}.to_datetime(${inner.text}, ${format === null ? 'unit="s"' : `format=${format}`})`;
  const shown = text.length <= 70 ? text : `${pd.ref}.to_datetime(..., ${format === null ? 'unit="s"' : 'format=...'})`;
  ctx.report({
    node: call,
    message:
      `\`${shownCall(call)}\` ${parse ? 'parses one date string' : 'converts one timestamp'} per Python call; ` +
      `\`${shown}\` converts the whole column in compiled code`,
    edits: hasCommentBetween(ctx.facts, call.startIndex, call.endIndex) ? undefined : [...pd.edits, replaceNode(call, text)],
    reason: DATE_PARSE_REASON,
    ...quietOnSmallColumn(series, ctx),
  });
  return true;
}

/** NumPy ufuncs of one array: called on a Series they return a Series with its index and name, computed at once. */
const SERIES_UFUNCS = new Set(
  'abs absolute fabs sqrt cbrt square exp exp2 expm1 log log2 log10 log1p sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh sign floor ceil trunc rint negative degrees radians deg2rad rad2deg'.split(
    ' ',
  ),
);

const UFUNC_REASON =
  'on an object column the ufunc keeps object dtype where the apply inferred a numeric one, and (except `abs`) looks for a ' +
  'method of its name on each element, which Python numbers lack (TypeError)';

/**
 * `s.apply(lambda x: np.abs(x))`, `s.map(lambda v: np.log(v + 1))` (issue 24's recall hunt): a NumPy ufunc called once per
 * element, where the ufunc on the Series (`np.abs(s)`) computes the whole column in one call, index and name kept. The
 * argument is the element, or arithmetic of it with number literals and known scalars. Only on a receiver shown to be a
 * Series: on a DataFrame `np.abs(df)` is the frame's own ufunc too, but `DataFrame.apply` hands the lambda whole columns.
 */
function reportUfuncOfElement(call: Node, body: Node, param: string, series: Node, method: string, ctx: RuleContext): boolean {
  const q = body.type === 'call' ? ctx.facts.calleeName(body) : null;
  if (!q?.startsWith('numpy.') || !SERIES_UFUNCS.has(q.slice('numpy.'.length))) return false;
  const args = callArguments(body);
  if (args.length !== 1 || positionalArguments(body).length !== 1) return false;
  const arg = args[0];
  const isParam = (n: Node) => n.type === 'identifier' && n.text === param;
  const uses = isParam(arg) ? [arg] : findDescendants(arg, isParam);
  if (uses.length === 0 || !(isParam(arg) || (arg.type === 'binary_operator' && scalarOperands(arg, param, ctx.facts)))) return false;
  if (!isPureReference(series) || !isSeries(series, method, ctx.facts)) return false;
  const fn = body.childForFieldName('function')!.text;
  let inner = arg.text;
  for (const use of [...uses].reverse()) {
    const at = use.startIndex - arg.startIndex;
    inner = inner.slice(0, at) + series.text + inner.slice(at + use.text.length);
  }
  const text = `${fn}(${inner})`;
  ctx.report({
    node: call,
    message: `\`${shownCall(call)}\` calls Python once per element; write \`${text.length <= 60 ? text : `${fn}(...)`}\` instead: the ufunc takes the whole Series`,
    edits: hasCommentBetween(ctx.facts, call.startIndex, call.endIndex) ? undefined : [replaceNode(call, text)],
    reason: UFUNC_REASON,
    ...quietOnSmallColumn(series, ctx),
  });
  return true;
}

/** A literal that is the same value for every element: a number, a plain string, a boolean or None. */
function isConstantLiteral(n: Node): boolean {
  if (n.type === 'unary_operator') return /^(integer|float)$/.test(n.childForFieldName('argument')?.type ?? '');
  return /^(true|false|none|integer|float|string)$/.test(n.type) && !(n.type === 'string' && n.namedChildren.some((c) => c?.type === 'interpolation'));
}

/**
 * `df[new_col] = df[from_col].apply(lambda x: "us")` (covidcast's nation geocode): a Python call per element to return
 * one constant. Assigning the constant (`df[new_col] = "us"`) broadcasts it over the index at once. Only on a receiver the
 * code shows to be a Series (a column of a known frame); said without a rewrite, as the empty column's dtype differs.
 */
function reportConstant(call: Node, body: Node, series: Node, method: string, ctx: RuleContext): boolean {
  if (!isConstantLiteral(body) || !isSeries(series, method, ctx.facts)) return false;
  ctx.report({
    node: call,
    message: `\`${shownCall(call)}\` calls Python once per element to return the constant \`${body.text.length <= 30 ? body.text : 'value'}\`; assign the constant (it broadcasts over the index) or build \`pd.Series(value, index=...)\``,
    ...quietOnSmallColumn(series, ctx),
  });
  return true;
}

/**
 * `obs["assay"].apply(lambda a: a == ASSAY)` (cellxgene's schema check, issue 24, review45): the element compared with
 * `==` / `!=` to a string literal, or to a module name every binding of which is one. The column comparison gives the
 * same booleans in one compiled pass (a missing element is unequal either way). True when reported.
 */
function reportStringEquality(call: Node, body: Node, param: string, series: Node, method: string, ctx: RuleContext): boolean {
  if (body.type !== 'comparison_operator') return false;
  const ops = body.children.filter((c) => c && !c.isNamed);
  const operands = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (ops.length !== 1 || (ops[0]!.type !== '==' && ops[0]!.type !== '!=') || operands.length !== 2) return false;
  const [l, r] = operands;
  const other = l.type === 'identifier' && l.text === param ? r : r.type === 'identifier' && r.text === param ? l : null;
  if (!other || !(isStringConstant(other, ctx) && isSeries(series, method, ctx.facts) && isPureReference(series))) return false;
  const text = `${series.text} ${ops[0]!.type} ${other.text}`;
  ctx.report({
    node: call,
    message: `\`${shownCall(call)}\` calls Python once per element to compare it with a string; write \`${text.length <= 90 ? text : 'the comparison on the whole column'}\` instead`,
    edits: hasCommentBetween(ctx.facts, call.startIndex, call.endIndex) ? undefined : [replaceNode(call, needsParentheses(call) ? `(${text})` : text)],
    reason: 'an element that is not a plain scalar (a list, an array) compares whole in the lambda and item by item in the column form',
    ...quietOnSmallColumn(series, ctx),
  });
  return true;
}

/** A string literal, or a module-level name every assignment of which (at least one) is a string literal. */
function isStringConstant(node: Node, ctx: RuleContext): boolean {
  if (stringLiteralValue(node) !== null) return true;
  if (node.type !== 'identifier') return false;
  // Not bound in the lambda or a function around it: the name is the module's.
  for (let scope = scopeOf(node); scope.parent; scope = scopeOf(scope)) if (occurrences(scope, node.text).some((id) => bindingOf(id) !== null)) return false;
  const root = ctx.facts.root;
  const bound = occurrences(root, node.text).filter((id) => bindingOf(id) !== null);
  const assigned = plainAssignments(root, node.text);
  return bound.length > 0 && assigned.length === bound.length && assigned.every(({ value }) => stringLiteralValue(value) !== null);
}

/** Scalar missing-value tests whose per-element answer `Series.isna()` gives for the whole column. */
const MISSING_TESTS = new Set(['numpy.isnan', 'math.isnan', 'pandas.isna', 'pandas.isnull']);

/**
 * `s.apply(lambda x: bool(np.isnan(x)))`, `s.apply(lambda x: pd.isna(x))`, `not math.isnan(x)`: a missing-value test per
 * element, which `s.isna()` / `s.notna()` answer for the whole Series in one compiled pass. (`s.apply(np.isnan)`, the
 * ufunc itself, pandas already runs on the whole array.) True when reported.
 */
function reportMissingTest(call: Node, body: Node, param: string, series: Node, method: string, ctx: RuleContext): boolean {
  let test = body;
  const negated = test.type === 'not_operator';
  if (negated) test = test.childForFieldName('argument') ?? test;
  if (
    test.type === 'call' &&
    test.childForFieldName('function')?.type === 'identifier' &&
    test.childForFieldName('function')!.text === 'bool' &&
    ctx.facts.isBuiltin('bool', call)
  ) {
    const inner = positionalArguments(test);
    if (inner.length !== 1 || callArguments(test).length !== 1) return false;
    test = inner[0];
  }
  if (test.type !== 'call' || !MISSING_TESTS.has(ctx.facts.calleeName(test) ?? '')) return false;
  const args = callArguments(test);
  if (args.length !== 1 || args[0].type !== 'identifier' || args[0].text !== param) return false;
  if (!isSeries(series, method, ctx.facts)) return false;
  const text = `${series.text}.${negated ? 'notna' : 'isna'}()`;
  const fixable = isPureReference(series) && !passesFunction(call) && !hasCommentBetween(ctx.facts, call.startIndex, call.endIndex);
  const pandasTest = (ctx.facts.calleeName(test) ?? '').startsWith('pandas.');
  ctx.report({
    node: call,
    message: `\`${shownCall(call)}\` tests each element for a missing value in Python; write \`${text.length <= 60 ? text : `.${negated ? 'notna' : 'isna'}()`}\` instead`,
    edits: fixable ? [replaceNode(call, text)] : undefined,
    reason: pandasTest ? ISNA_REASON : `${ISNAN_REASON}; ${ISNA_REASON}`,
    ...quietOnSmallColumn(series, ctx),
  });
  return true;
}

const ISNAN_REASON = '`isnan` raises on None, strings and timestamps, which `isna()` reports as missing (None, NaT) or present';
const ISNA_REASON = 'on an empty Series the apply keeps its dtype (float64) where `isna()` gives bool';

/** Why a `.str` form is only a hint: measured in docs.instead. */
const STR_SPEED = ', but on object-dtype strings `.str` is a Python loop too: faster only on pyarrow-backed strings';

/**
 * `idx.map(lambda t: t.hour * 60 + t.minute)` on an Index (pyfolio's trade-time histogram): a DatetimeIndex has the
 * `.dt` fields and methods itself (`idx.hour`), and an Index whose elements have `.hour` is one. Null for anything
 * else, or when a part would still need `.dt` (`pd.to_datetime(x).dt.date`).
 */
function onDatetimeIndex(v: Vectorized, series: Node, ctx: RuleContext): Vectorized | null {
  if (v.kind !== 'dt' || !isPureReference(series) || values(ctx.facts).valueOf(series)?.kind !== 'index') return null;
  const text = v.text.split(`${series.text}.dt.`).join(`${series.text}.`);
  if (text.includes('.dt.')) return null;
  return { ...v, text, summary: text.slice(series.text.length) };
}

/**
 * `assert_eq(ddf.a.map(lambda x: x + 1), df.a.map(lambda x: x + 1))`: another argument of the
 * enclosing call makes the same `.method(<lambda>)` call, the parity check of a pandas-like API
 * against pandas. Rewriting one side would stop it exercising the method.
 */
function comparedWithSameCall(call: Node, method: string): boolean {
  let arg: Node = call;
  while (arg.parent && arg.parent.type !== 'argument_list') {
    if (arg.parent.type.endsWith('statement') || arg.parent.type === 'block') return false;
    arg = arg.parent;
  }
  const list = arg.parent;
  if (!list) return false;
  const lambda = sameText(call.childForFieldName('arguments')!.text);
  const isSameCall = (n: Node) =>
    n.type === 'call' &&
    n.childForFieldName('function')?.childForFieldName('attribute')?.text === method &&
    sameText(n.childForFieldName('arguments')?.text ?? '') === lambda;
  return list.namedChildren.some((other) => other !== null && !other.equals(arg) && (isSameCall(other) || findDescendants(other, isSameCall).length > 0));
}

/**
 * `pd.testing.assert_series_equal(df["a"].vbt.filter(f), df["a"].map(lambda x: x if x > 2 else np.nan))` in a test: the
 * apply is the oracle another implementation is checked against, written the obvious way on purpose.
 */
function expectedValue(call: Node, ctx: RuleContext): boolean {
  if (!isTestFile(ctx.filePath) && !inTestFunction(call)) return false;
  for (let n = call.parent; n && !n.type.endsWith('statement') && n.type !== 'block'; n = n.parent) {
    if (n.type === 'call' && /(^|\.)assert\w*$/.test(n.childForFieldName('function')?.text ?? '')) return true;
  }
  return false;
}

function sameText(code: string): string {
  return code.replace(/\s+/g, '');
}

/**
 * `frame[key]` with a literal or a name as key, on a frame not known to be anything but a DataFrame; for `.map`, which
 * datasets and tf.data objects also have (`ds["train"].map(...)`), on a frame known to be a DataFrame.
 */
function columnSelection(receiver: Node, facts: Parameters<typeof values>[0], method: string): boolean {
  if (receiver.type !== 'subscript') return false;
  const keys = receiver.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  const owner = receiver.childForFieldName('value');
  if (keys.length !== 1 || !owner || !isPureReference(owner) || !(namedKey(keys[0]!) || stringLiteralValue(keys[0]) !== null)) return false;
  const ot = values(facts).valueOf(owner);
  return method === 'map' ? ot?.kind === 'dataframe' : !ot || ot.kind === 'dataframe';
}

/**
 * `frame[key]` on a frame the value layer knows to be a DataFrame (a parameter annotated `pd.DataFrame`, a reader's
 * result), with a named or literal key. Not a class's own `self[key]` (P2Bldg's Timeseries wraps its frame).
 */
function columnOfKnownFrame(receiver: Node, facts: FileFacts): boolean {
  const owner = receiver.type === 'subscript' ? receiver.childForFieldName('value') : null;
  return !!owner && columnSelection(receiver, facts, 'apply') && values(facts).valueOf(owner)?.kind === 'dataframe';
}

/** A column key held by a name or an attribute (`df[COL]`, `df[self.col_item]`). */
function namedKey(key: Node): boolean {
  // `df[defaults["order_id"]]` (pyBKT's configured column names, review67's recall hunt): an entry read by a literal key.
  return key.type === 'identifier' || ((key.type === 'attribute' || key.type === 'subscript') && isPureReference(key));
}

/**
 * `values.diff().apply(lambda x: x.total_seconds())` on a value the layer cannot name (a parameter, a chain on one): a
 * Timestamp or Timedelta member (or a str method) read on the lambda's parameter shows that `.apply` hands it single
 * elements, which only a Series does (a frame, a group or a window would have raised AttributeError), and the `.dt` (`.str`)
 * form exists for them all.
 */
function elementsShown(body: Node, param: string, series: Node, method: string, ctx: RuleContext): boolean {
  if (method !== 'apply' || values(ctx.facts).valueOf(series)) return false;
  // A str method a Series lacks (`x.split(":")[-1]`) shows the same: the element is one string.
  return callsStrOnlyMethod(body, param) || readsTemporalMember(body, param);
}

/** The lambda reads a Timestamp/Timedelta-only member (`x.total_seconds()`, `t.dayofweek`) on its parameter. */
function readsTemporalMember(body: Node, param: string): boolean {
  return [body, ...findDescendants(body, (n) => n.type === 'attribute')].some((n) => {
    const obj = n.type === 'attribute' ? n.childForFieldName('object') : null;
    return obj?.type === 'identifier' && obj.text === param && TEMPORAL_ONLY_MEMBERS.has(n.childForFieldName('attribute')?.text ?? '');
  });
}

/** str methods a pandas Series does not have: calling one on the lambda's parameter shows it is one element. */
const STR_ONLY_METHODS = new Set([
  'split',
  'rsplit',
  'strip',
  'lstrip',
  'rstrip',
  'lower',
  'upper',
  'title',
  'capitalize',
  'swapcase',
  'casefold',
  'startswith',
  'endswith',
  'find',
  'rfind',
  'zfill',
  'center',
  'ljust',
  'rjust',
  'isalpha',
  'isdigit',
  'isalnum',
  'isspace',
  'islower',
  'isupper',
  'istitle',
  'isnumeric',
  'isdecimal',
]);

function callsStrOnlyMethod(body: Node, param: string): boolean {
  return [body, ...findDescendants(body, (n) => n.type === 'call')].some((call) => {
    const fn = call.type === 'call' ? call.childForFieldName('function') : null;
    const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
    return obj?.type === 'identifier' && obj.text === param && STR_ONLY_METHODS.has(fn!.childForFieldName('attribute')?.text ?? '');
  });
}

/**
 * The lambda is a conditional (`1 if x > 3 else 0`), a lookup in a dict (`user_map[x]`), `min(x, k)`, `float(x > 0)`,
 * `round(x / k)` or `x in values`: each has a column form (`np.where`, `.map`, `.clip`, `.astype`, `.round`, `.isin`), but one that can return
 * an ndarray or other dtypes where apply returned a Series of Python objects, so it is suggested, not applied. Each
 * form also fails on a whole column (a Series' truth value is ambiguous, a Series is unhashable), so a column
 * selection `frame[name]`, or the receiver of an `.apply` the value layer cannot name, is shown to be a Series by the lambda itself.
 */
/**
 * A suggestion repeats the receiver, so it must read the same column each time: a pure reference, or a column of one picked
 * by a name (`df[COL]`, `df[defaults["order_id"]]`).
 */
function repeatableReceiver(series: Node): boolean {
  if (isPureReference(series)) return true;
  const keys = series.type === 'subscript' ? series.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment') : [];
  return keys.length === 1 && namedKey(keys[0]!) && isPureReference(series.childForFieldName('value')!);
}

function suggestColumnForm(call: Node, body: Node, param: string, series: Node, method: string, ctx: RuleContext): void {
  if (!repeatableReceiver(series)) return;
  const np = numpyModuleRef(ctx.facts) ?? 'np';
  const v = vectorizeElementValue(body, param, series.text, np, ctx.facts);
  if (!v) return;
  if (v.kinds.every((k) => k === 'arithmetic')) {
    suggestScalarArithmetic(call, body, param, series, method, v.text, ctx);
    return;
  }
  if (v.kinds.every((k) => k === 'arithmetic' || k === 'str')) return;
  // `.round()` raises on an object column where the built-in rounded each number: a transposed frame is one.
  if (v.kinds.includes('round') && transposedFrame(series)) return;
  // round() also takes a whole Series: only the other forms show that `frame[name]` is a column.
  // str() takes a whole Series as well (its repr): only the other forms show that `frame[name]` is a column.
  const proves = v.kinds.some((k) => k !== 'arithmetic' && k !== 'str' && k !== 'round' && k !== 'astype-str');
  // An `.apply` on a value the layer cannot name (a parameter) is shown to hand the lambda elements the same way.
  const shownByLambda =
    proves &&
    (columnSelection(series, ctx.facts, method) ||
      (method === 'apply' && !values(ctx.facts).valueOf(series) && !v.kinds.includes('str') && raisesOnColumn(body, param, ctx)));
  if (!isSeries(series, method, ctx.facts) && !shownByLambda && !elementsShown(body, param, series, method, ctx)) return;
  const text = v.text.length <= 90 ? `\`${v.text}\`` : 'the column expression';
  const condition = v.assumptions.length > 0 ? `if ${v.assumptions.join(' and ')}, ` : '';
  // `int(x.split("_")[1])` → `.str.split("_").str[1].astype(int)`: the string steps keep the per-element Python cost.
  if (v.kinds.includes('str')) {
    ctx.report({
      node: call,
      severity: 'hint',
      message: `\`${shownCall(call)}\` calls string methods per element; ${condition}${text} does the same${STR_SPEED}`,
      ...quietOnSmallColumn(series, ctx),
    });
    return;
  }
  // `m[x]` raises KeyError for a key the dict lacks; `.map(m)` gives NaN there: the suggestion must say so.
  // ...and where the code catches that KeyError (polyfun's `_align_alleles` re-raises it with advice on which option the
  // user forgot), `.map(m)` would give NaN instead and leave the handler dead: judged wrong in review62.
  if ((v.kinds.includes('map') || v.kinds.includes('map-loc')) && caughtAround(call, MISSING_KEY)) return;
  const lookup = v.kinds.includes('map')
    ? '; a key missing from the dict gives NaN instead of KeyError'
    : v.kinds.includes('map-loc')
      ? '; a label missing from the index gives NaN instead of KeyError, and a repeated label raises'
      : '';
  // `np.where` returns a bare array: a result later aligned with another frame by index would misalign without it.
  const index = v.kinds.includes('np.where')
    ? `; it returns an array, so wrap it in \`pd.Series(..., index=${series.text}.index)\` where the index matters`
    : '';
  ctx.report({
    node: call,
    message: `\`${shownCall(call)}\` calls Python once per element; ${condition}write ${text} instead (check the result's dtype${lookup}${index})`,
    ...quietOnSmallColumn(series, ctx),
  });
}

/**
 * `df[col].apply(int)` / `.map(float)` (pyBKT's order ids and answers, review67's recall hunt): the built-in cast of each
 * element is the column's `astype` (both truncate floats toward zero, parse numeric strings and raise on NaN). int() and
 * float() of a whole column raise, so a call that works shows its receiver hands them elements. Suggested, not applied:
 * the result's dtype can differ. True when the function is such a cast (reported or not).
 */
function reportBuiltinCast(call: Node, fn: Node, series: Node, method: string, ctx: RuleContext): boolean {
  if ((fn.text !== 'int' && fn.text !== 'float') || !ctx.facts.isBuiltin(fn.text, fn)) return false;
  const column = scaledColumn(series) ?? series;
  if (!repeatableReceiver(column)) return true;
  if (!isSeries(column, method, ctx.facts) && !columnSelection(column, ctx.facts, method)) return true;
  ctx.report({
    node: call,
    message: `\`${shownCall(call)}\` calls Python once per element; write \`${series.text}.astype(${fn.text})\` instead (check the result's dtype)`,
    ...quietOnSmallColumn(series, ctx),
  });
  return true;
}

/**
 * The column inside `(frame["net_value"] * 100)` (serenata-de-amor's cents, review68's recall hunt): arithmetic of a column
 * with a number literal is a Series too, and `.astype` is called on the whole parenthesised expression, evaluated once as
 * the apply's receiver was.
 */
function scaledColumn(series: Node): Node | null {
  if (series.type !== 'parenthesized_expression') return null;
  const inner = series.namedChildren.filter((c) => c && c.type !== 'comment');
  const op = inner.length === 1 && inner[0]!.type === 'binary_operator' ? inner[0]! : null;
  const left = op?.childForFieldName('left');
  const right = op?.childForFieldName('right');
  if (!op || !left || !right || !/^[-+*/]$/.test(op.childForFieldName('operator')?.text ?? '')) return null;
  if (isNumberLiteral(right)) return left;
  return isNumberLiteral(left) ? right : null;
}

/** Handlers that catch a missing key: `except KeyError`, `except LookupError`, `except Exception`, a bare `except:`. */
const MISSING_KEY = /^except\s*:|\b(?:KeyError|LookupError|Exception|BaseException)\b/;

/**
 * The column is of a frame every assignment of which is a transpose (`pd.DataFrame([names, values], index=[...]).T`):
 * the columns then mix the rows' types into object dtype, where `Series.round` raises TypeError (shapash's
 * `selected_contrib["feature_contrib"].apply(lambda x: round(x, 4))`, judged wrong in review41).
 */
function transposedFrame(series: Node): boolean {
  const frame = series.type === 'subscript' ? series.childForFieldName('value') : null;
  if (frame?.type !== 'identifier') return false;
  const assigned = plainAssignments(scopeOf(frame), frame.text).filter((a) => a.value.startIndex < series.startIndex);
  return assigned.length > 0 && assigned.every(({ value }) => isTranspose(value));
}

function isTranspose(value: Node): boolean {
  if (value.type === 'attribute') return value.childForFieldName('attribute')?.text === 'T';
  const fn = value.type === 'call' ? value.childForFieldName('function') : null;
  return fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'transpose';
}

/** Builtins that raise on a whole Series: its truth value (`min` compares) or its conversion to one number is ambiguous. */
const SCALAR_ONLY_CALLS = new Set(['int', 'float', 'bool', 'min', 'max']);

/**
 * Every use of the lambda's parameter would raise on a whole column: it is compared (`x > 3`, `x in codes`) or tested
 * for truth, used as a dict key, or passed to int/float/min/max, possibly after arithmetic (`x * 2 > 3`). `len(g) > 3`,
 * `g is None` or `isinstance(g, str)` work on a group or a frame as well, so they prove nothing.
 */
function raisesOnColumn(body: Node, param: string, ctx: RuleContext): boolean {
  const uses = [body, ...findDescendants(body, (n) => n.type === 'identifier')].filter((n) => n.type === 'identifier' && n.text === param);
  return (
    uses.length > 0 &&
    uses.every((use) => {
      let n = use;
      while (n.parent && (n.parent.type === 'binary_operator' || n.parent.type === 'unary_operator' || n.parent.type === 'parenthesized_expression'))
        n = n.parent;
      const p = n.parent;
      if (!p) return false;
      if (p.type === 'comparison_operator') return !p.children.some((c) => c?.type === 'is' || c?.type === 'is not');
      if (p.type === 'boolean_operator' || p.type === 'not_operator') return true;
      if (p.type === 'conditional_expression') return p.namedChildren[1]?.equals(n) === true;
      if (p.type === 'subscript') return p.childrenForFieldName('subscript').some((k) => k?.equals(n));
      const call = p.type === 'argument_list' ? p.parent : null;
      const fn = call?.childForFieldName('function');
      return fn?.type === 'identifier' && SCALAR_ONLY_CALLS.has(fn.text) && ctx.facts.isBuiltin(fn.text, call!);
    })
  );
}

/**
 * The receiver is a Series: known from the value layer, or (for `.apply`, which only pandas objects
 * have) a column selection `frame["name"]` on something the layer does not know to be anything else
 * (a polars or dask frame, a dict of arrays).
 */
function isSeries(receiver: Node, method: string, facts: Parameters<typeof values>[0]): boolean {
  const layer = values(facts);
  const t = layer.valueOf(receiver);
  if (t) return t.kind === 'series';
  if (method === 'apply' && parsedByToDatetime(receiver, facts)) return true;
  if (method !== 'apply' || receiver.type !== 'subscript') return false;
  const keys = receiver.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  if (keys.length !== 1 || (stringLiteralValue(keys[0]) === null && !isStrParameter(keys[0]!, true))) return false;
  const owner = receiver.childForFieldName('value');
  const ot = layer.valueOf(owner);
  return !ot || ot.kind === 'dataframe';
}

/**
 * `frame[label]`, with `label` a parameter the function never rebinds, declared a string (`label_speed: str = SPEED`) or
 * defaulting to a string literal (`col="speed"`): the same one column each time it is read, as with a literal key (PyMove's
 * unit conversions, `move_data[label_speed].apply(lambda row: row * 3.6)`, over every point of a trajectory table).
 */
function keyedByStringParameter(series: Node): boolean {
  const keys = series.type === 'subscript' ? series.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment') : [];
  const owner = series.childForFieldName('value');
  return keys.length === 1 && !!owner && isPureReference(owner) && isStrParameter(keys[0]!, true);
}

/**
 * `col_data = pd.to_datetime(col_data)` then `col_data.apply(lambda x: x.hour * 60 + x.minute)` (auto_ml's date features):
 * `pd.to_datetime` returns a Series, a DatetimeIndex or a Timestamp, and of those only the Series has `.apply`, so the
 * receiver is a datetime Series (its elements Timestamps, whose fields `.dt` has). Every assignment of the name in the
 * function is such a call, one of them a statement of the function's own body before the apply; the function's parameter
 * (the raw column it parses) may be the other binding. `errors="ignore"` can hand the input back unparsed: not counted.
 */
function parsedByToDatetime(receiver: Node, facts: Parameters<typeof values>[0]): boolean {
  if (receiver.type === 'call') return isToDatetime(receiver, facts);
  if (receiver.type === 'subscript' || receiver.type === 'attribute') return columnParsedByToDatetime(receiver, facts);
  if (receiver.type !== 'identifier') return false;
  const scope = scopeOf(receiver);
  const body = scope.type === 'function_definition' ? scope.childForFieldName('body') : null;
  const params = scope.childForFieldName('parameters');
  if (!body || !params) return false;
  let parsedBefore = false;
  for (const id of occurrences(scope, receiver.text)) {
    const binder = bindingOf(id);
    if (!binder) continue;
    if (contains(params, id)) continue;
    const value = binder.type === 'assignment' && binder.childForFieldName('left')?.equals(id) ? binder.childForFieldName('right') : null;
    if (value?.type !== 'call' || !isToDatetime(value, facts)) return false;
    if (runsBefore(binder, receiver, body)) parsedBefore = true;
  }
  return parsedBefore;
}

/**
 * `frame.date` or `frame["date"]` after the function's own `frame["date"] = pd.to_datetime(frame.date)` (the Informer
 * family of time-series loaders, copied into many forecasting repositories, then `frame.date.apply(lambda row: row.month, 1)`):
 * the column holds Timestamps, so what `.dt` has is read per element. Every assignment of that column in the function
 * is such a call, one of them a statement of the body before the apply, and the frame's name is not bound again after it.
 */
function columnParsedByToDatetime(column: Node, facts: Parameters<typeof values>[0]): boolean {
  const key = columnKey(column);
  const frame = column.type === 'subscript' ? column.childForFieldName('value') : column.childForFieldName('object');
  if (key === null || frame?.type !== 'identifier') return false;
  const scope = scopeOf(column);
  const body = scope.type === 'function_definition' ? scope.childForFieldName('body') : null;
  if (!body) return false;
  let parsedAt = -1;
  for (const id of occurrences(scope, frame.text)) {
    const target = id.parent;
    if (
      !target ||
      (target.type !== 'subscript' && target.type !== 'attribute') ||
      !target.childForFieldName(target.type === 'subscript' ? 'value' : 'object')?.equals(id)
    )
      continue;
    const assignment = target.parent;
    if (assignment?.type !== 'assignment' && assignment?.type !== 'augmented_assignment') continue;
    if (!assignment.childForFieldName('left')?.equals(target) || columnKey(target) !== key) continue;
    const value = assignment.childForFieldName('right');
    if (assignment.type !== 'assignment' || value?.type !== 'call' || !isToDatetime(value, facts)) return false;
    if (runsBefore(assignment, column, body)) parsedAt = assignment.endIndex;
  }
  if (parsedAt < 0) return false;
  // `frame = other_frame` between the parse and the apply: the column read is another frame's.
  return !occurrences(scope, frame.text).some((id) => id.startIndex > parsedAt && id.startIndex < column.startIndex && bindingOf(id) !== null);
}

/**
 * The assignment is a statement of the function's body, or of a block inside it, that comes before `node` in the same
 * block (ProbTS's `if multivariate:` loader parses the column, then reads it under `if timeenc == 0:`): whatever reaches
 * `node` has run it (the analysis layer's onPathTo).
 */
function runsBefore(assignment: Node, node: Node, body: Node): boolean {
  const value = assignment.childForFieldName('right');
  return !!value && onPathTo(value, node) && contains(body, assignment) && assignment.endIndex <= node.startIndex;
}

/** The column a `frame["name"]` or `frame.name` selects, or null for any other key. */
function columnKey(column: Node): string | null {
  if (column.type === 'attribute') return column.childForFieldName('attribute')?.text ?? null;
  const keys = column.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  return keys.length === 1 ? stringLiteralValue(keys[0]) : null;
}

/** `pd.to_datetime(...)` without `errors="ignore"`. */
function isToDatetime(call: Node, facts: Parameters<typeof values>[0]): boolean {
  return facts.calleeName(call) === 'pandas.to_datetime' && stringLiteralValue(keywordValue(call, 'errors')) !== 'ignore';
}

/**
 * A column of a table shipped beside the code, or of a frame the code built from a list it filled item by item in Python
 * (lm-evaluation-harness' model comparator: one row per task): an apply over it costs about what making the rows did, so
 * the finding matters only where it repeats (engine: hot-code-only advice).
 */
function quietOnSmallColumn(series: Node, ctx: RuleContext): { quietOutsideHotCode?: true; quietReason?: string } {
  const frame = series.type === 'subscript' ? series.childForFieldName('value') : series.type === 'attribute' ? series.childForFieldName('object') : series;
  return quietOnSmallFrame(series, ctx.facts, frame ?? series);
}

/**
 * `idx.map(lambda ts: ts + n * self.freq)` on a Series or Index (darts' TimeSeries.shift): arithmetic of the element
 * and other values. The whole-column form broadcasts those values, which gives the lambda's result only when each is
 * one scalar: a number, a parameter annotated `int`, a property annotated `pd.DateOffset | int` (a list or an array
 * would be added element-wise instead). Suggested, not applied: the result's dtype or frequency can differ.
 */
function suggestScalarArithmetic(call: Node, body: Node, param: string, series: Node, method: string, text: string, ctx: RuleContext): void {
  const kind = values(ctx.facts).valueOf(series)?.kind;
  // `frame["time"].apply(...)` on a frame the layer cannot name is a column too (isSeries).
  const column = kind === 'series' || kind === 'index' || (!kind && isSeries(series, method, ctx.facts));
  const reference = isPureReference(series) || keyedByStringParameter(series);
  if (body.type !== 'binary_operator' || !reference || !column || !scalarOperands(body, param, ctx.facts)) return;
  ctx.report({
    node: call,
    message: `\`${shownCall(call)}\` calls Python once per element; write \`${text.length <= 90 ? text : 'the arithmetic on the whole column'}\` instead (check the result's dtype)`,
    ...quietOnSmallColumn(series, ctx),
  });
}

/** Every operand of the arithmetic body is the element or a known scalar. */
function scalarOperands(node: Node, param: string, facts: RuleContext['facts']): boolean {
  if (node.type === 'identifier' && node.text === param) return true;
  if (node.type === 'binary_operator')
    return scalarOperands(node.childForFieldName('left')!, param, facts) && scalarOperands(node.childForFieldName('right')!, param, facts);
  if (node.type === 'parenthesized_expression' && node.namedChildCount === 1) return scalarOperands(node.namedChild(0)!, param, facts);
  if (node.type === 'integer' || node.type === 'float') return true;
  return node.type === 'identifier' ? isKnownScalar(node, facts) : isScalarProperty(node);
}

/** The lambda's body is `len(param)`: nothing in it shows the element is a string (mlxtend's frozenset itemsets). */
function isLenOf(body: Node, param: string): boolean {
  const args = body.type === 'call' && body.childForFieldName('function')?.text === 'len' ? callArguments(body) : [];
  return args.length === 1 && args[0]!.type === 'identifier' && args[0]!.text === param;
}

/** `df["name"]` where the file builds a frame from a dict whose `"name"` entry is a list (or tuple) of string literals. */
function literalStringColumn(series: Node, ctx: RuleContext): boolean {
  const key = series.type === 'subscript' ? series.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment') : [];
  const name = key.length === 1 ? stringLiteralValue(key[0]) : null;
  if (!name || !/^\w+$/.test(name)) return false;
  return ctx.facts.wordOffsets(name).some((at) => {
    const pair = ctx.facts.root.descendantForIndex(at, at + name.length)?.parent?.parent;
    const value = pair?.type === 'pair' && stringLiteralValue(pair.childForFieldName('key')) === name ? pair.childForFieldName('value') : null;
    const items = value && (value.type === 'list' || value.type === 'tuple') ? value.namedChildren.filter((c) => c && c.type !== 'comment') : [];
    return items.length > 0 && items.every((c) => c!.type === 'string' && stringLiteralValue(c) !== null);
  });
}

/**
 * The function around the call (the module, outside any def) also runs a Python function per row (`df.apply(f, axis=1)`)
 * or per group (`df.groupby(k).apply(f)`). Searched only when a finding is about to be reported.
 */
function besideCostlierApply(call: Node, facts: FileFacts): boolean {
  const scope = enclosingFunctionDef(call) ?? facts.root;
  // One in another branch of an `if` around the call never runs with it: a script's `if step == 1: ... elif step == 3:`
  // (KazukiOnodera's Home-Credit features, review45) builds each table in its own branch.
  return costlierAppliesIn(scope, facts).some((n) => !inOtherBranches(n, call));
}

const costlierApplies = nodeMemo<Node[]>();

/**
 * The costlier applies of a scope, found once per lint: a feature script's module (kaggle-HomeDepot's
 * feature_extraction1.py, 92 simple applies in 1,753 lines) was walked once per finding, 11 s for the file.
 */
function costlierAppliesIn(scope: Node, facts: FileFacts): Node[] {
  return costlierApplies(facts, scope, () => findDescendants(scope, isCostlierApply, (n) => !n.equals(scope) && isNestedScope(n)));
}

/** `x.apply(f, axis=1)` (or `axis="columns"`), or `x.groupby(...).apply(f)`. */
function isCostlierApply(n: Node): boolean {
  const fn = n.type === 'call' ? n.childForFieldName('function') : null;
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'apply') return false;
  const axis = keywordValue(n, 'axis')?.text.replace(/['"]/g, '');
  if (axis === '1' || axis === 'columns') return true;
  const receiver = fn.childForFieldName('object');
  const grouped = receiver?.type === 'call' ? receiver.childForFieldName('function') : null;
  return grouped?.type === 'attribute' && grouped.childForFieldName('attribute')?.text === 'groupby';
}
