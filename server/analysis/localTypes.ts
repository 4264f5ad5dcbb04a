// A small, honest local type inference for the numeric rules: which names hold a numpy array,
// a pandas DataFrame or a pandas Series. A name is known only when every binding that can reach a
// use agrees: `x = np.zeros(3)`, `df = pd.read_csv(p)`, `s = df["a"]`, a parameter annotated
// `np.ndarray` / `npt.NDArray[...]` / `pd.DataFrame` / `pd.Series`, arithmetic of known values...
// Anything else (a call we do not know, a loop target, an import, `global`) is unknown, and rules
// that need the type stay silent on unknowns.
//
// Cost: nothing until a rule asks. Each scope (function or module) is indexed once, on the first
// question about a name in it, and memoised per FileFacts.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { contains, findDescendants } from './scopes';

export type ValueKind = 'ndarray' | 'dataframe' | 'series';

export interface ValueType {
  kind: ValueKind;
  /** Number of dimensions when obvious from the construction (ndarrays only). */
  ndim?: number;
}

/** A binding of a name inside one scope. `type` null = bound to something unknown. */
interface Binding {
  /** Where the binding takes effect (the statement's start). */
  at: number;
  /** The statement (or parameter) that binds. */
  node: Node;
  type: ValueType | null;
}

interface ScopeIndex {
  scope: Node;
  bindings: Map<string, Binding[]>;
  /** Names declared `global` / `nonlocal` in the scope: never known. */
  opaque: Set<string>;
}

const cache = new WeakMap<FileFacts, LocalTypes>();

/** The memoised inference for a file. */
export function localTypes(facts: FileFacts): LocalTypes {
  let lt = cache.get(facts);
  if (!lt) {
    lt = new LocalTypes(facts);
    cache.set(facts, lt);
  }
  return lt;
}

// numpy functions that always return an ndarray (given any arguments that do not raise).
const NUMPY_ARRAY_CONSTRUCTORS = new Set(
  [
    'array',
    'asarray',
    'asanyarray',
    'ascontiguousarray',
    'asfortranarray',
    'copy',
    'zeros',
    'ones',
    'empty',
    'full',
    'zeros_like',
    'ones_like',
    'empty_like',
    'full_like',
    'arange',
    'linspace',
    'logspace',
    'geomspace',
    'eye',
    'identity',
    'diag',
    'tri',
    'tril',
    'triu',
    'vander',
    'stack',
    'vstack',
    'hstack',
    'dstack',
    'column_stack',
    'row_stack',
    'concatenate',
    'fromfunction',
    'frombuffer',
    'fromiter',
    'fromstring',
    'loadtxt',
    'genfromtxt',
    'tile',
    'repeat',
    'outer',
    'cumsum',
    'cumprod',
    'diff',
    'sort',
    'argsort',
    'unique',
    'flip',
    'roll',
    'pad',
    'reshape',
    'transpose',
    'ravel',
    'atleast_1d',
    'atleast_2d',
    'atleast_3d',
    'random.rand',
    'random.randn',
    'lib.stride_tricks.sliding_window_view',
  ].map((n) => `numpy.${n}`),
);
/** Always 1-D results. */
const NUMPY_1D = new Set(['numpy.arange', 'numpy.linspace', 'numpy.logspace', 'numpy.geomspace', 'numpy.ravel', 'numpy.fromiter', 'numpy.unique']);
/** `numpy.random` draws that return an array only when given `size=` (or a shape). */
const NUMPY_RANDOM_SIZED = new Set(
  [
    'random',
    'random_sample',
    'uniform',
    'normal',
    'randint',
    'choice',
    'standard_normal',
    'integers',
    'binomial',
    'poisson',
    'beta',
    'gamma',
    'exponential',
    'permutation',
  ].map((n) => `numpy.random.${n}`),
);
/** `numpy.random.rand(d0, d1, ...)` / `randn`: an array when given at least one dimension. */
const NUMPY_RANDOM_DIMS = new Set(['numpy.random.rand', 'numpy.random.randn']);
/** Element-wise functions: the result has the kind of the (known) array-like argument. */
const NUMPY_UFUNCS = new Set(
  [
    'sqrt',
    'exp',
    'expm1',
    'log',
    'log1p',
    'log2',
    'log10',
    'abs',
    'absolute',
    'fabs',
    'sin',
    'cos',
    'tan',
    'arcsin',
    'arccos',
    'arctan',
    'sinh',
    'cosh',
    'tanh',
    'square',
    'sign',
    'floor',
    'ceil',
    'round',
    'rint',
    'clip',
    'negative',
    'reciprocal',
    'isnan',
    'isfinite',
    'isinf',
    'maximum',
    'minimum',
    'power',
    'add',
    'subtract',
    'multiply',
    'divide',
  ].map((n) => `numpy.${n}`),
);

const PANDAS_FRAME_READERS = new Set(
  [
    'read_csv',
    'read_table',
    'read_parquet',
    'read_feather',
    'read_json',
    'read_sql',
    'read_sql_query',
    'read_sql_table',
    'read_orc',
    'read_stata',
    'read_fwf',
    'DataFrame',
  ].map((n) => `pandas.${n}`),
);
/** Keyword arguments that turn a reader's result into an iterator instead of a DataFrame. */
const READER_ITERATOR_KWARGS = new Set(['chunksize', 'iterator']);

/** Methods returning the same kind as their receiver (unless `inplace=` is passed). */
const SAME_KIND_METHODS: Record<ValueKind, Set<string>> = {
  ndarray: new Set(['copy', 'astype', 'reshape', 'ravel', 'flatten', 'transpose', 'squeeze', 'clip', 'round', 'cumsum', 'cumprod', 'swapaxes', 'view']),
  dataframe: new Set([
    'copy',
    'astype',
    'dropna',
    'fillna',
    'sort_values',
    'sort_index',
    'reset_index',
    'set_index',
    'head',
    'tail',
    'drop',
    'drop_duplicates',
    'rename',
    'replace',
    'abs',
    'round',
    'clip',
    'query',
    'assign',
    'merge',
    'join',
    'sample',
    'where',
    'mask',
    'ffill',
    'bfill',
    'interpolate',
    'shift',
    'diff',
    'cumsum',
    'cumprod',
    'rank',
    'pct_change',
    'select_dtypes',
    'reindex',
    'add_prefix',
    'add_suffix',
    'convert_dtypes',
    'infer_objects',
  ]),
  series: new Set([
    'copy',
    'astype',
    'dropna',
    'fillna',
    'sort_values',
    'sort_index',
    'head',
    'tail',
    'drop',
    'drop_duplicates',
    'replace',
    'abs',
    'round',
    'clip',
    'sample',
    'where',
    'mask',
    'ffill',
    'bfill',
    'interpolate',
    'shift',
    'diff',
    'cumsum',
    'cumprod',
    'rank',
    'pct_change',
    'isna',
    'notna',
    'isnull',
    'notnull',
    'isin',
    'between',
    'map',
    'reindex',
    'convert_dtypes',
  ]),
};

/** Attributes and methods of DataFrame / Series (pandas 1.5 and 2.x): `df.<name>` is not a column. */
export const FRAME_ATTRIBUTES: ReadonlySet<string> = new Set(
  (
    'T abs add add_prefix add_suffix agg aggregate align all any append apply applymap argmax argmin argsort array asfreq ' +
    'asof assign astype at at_time attrs autocorr axes backfill between between_time bfill bool boxplot cat clip columns ' +
    'combine combine_first compare convert_dtypes copy corr corrwith count cov cummax cummin cumprod cumsum describe diff ' +
    'div divide divmod dot drop drop_duplicates droplevel dropna dt dtype dtypes duplicated empty eq equals eval ewm ' +
    'expanding explode factorize ffill fillna filter first first_valid_index flags floordiv from_dict from_records ge get ' +
    'groupby gt hasnans head hist iat idxmax idxmin iloc index infer_objects info insert interpolate is_monotonic ' +
    'is_monotonic_decreasing is_monotonic_increasing is_unique isetitem isin isna isnull item items iteritems iterrows ' +
    'itertuples join keys kurt kurtosis last last_valid_index le loc lookup lt mad map mask max mean median melt ' +
    'memory_usage merge min mod mode mul multiply name nbytes ndim ne nlargest notna notnull nsmallest nunique pad ' +
    'pct_change pipe pivot pivot_table plot pop pow prod product quantile query radd rank ravel rdiv rdivmod reindex ' +
    'reindex_like rename rename_axis reorder_levels repeat replace resample reset_index rfloordiv rmod rmul rolling round ' +
    'rpow rsub rtruediv sample searchsorted select_dtypes sem set_axis set_flags set_index shape shift size skew ' +
    'slice_shift sort_index sort_values sparse squeeze stack std str style sub subtract sum swapaxes swaplevel tail take ' +
    'to_clipboard to_csv to_dict to_excel to_feather to_frame to_gbq to_hdf to_html to_json to_latex to_list to_markdown ' +
    'to_numpy to_orc to_parquet to_period to_pickle to_records to_sql to_stata to_string to_timestamp to_xarray to_xml ' +
    'tolist transform transpose truediv truncate tshift tz_convert tz_localize unique unstack update value_counts values ' +
    'var view where xs map case_when list struct'
  ).split(' '),
);

const ARITHMETIC = new Set(['+', '-', '*', '/', '//', '%', '**', '@', '&', '|', '^']);
const COMPARISON = new Set(['<', '>', '<=', '>=', '==', '!=']);

const NESTED_SCOPES = new Set(['function_definition', 'class_definition', 'lambda']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

export class LocalTypes {
  private readonly scopes = new Map<number, ScopeIndex>();

  constructor(private readonly facts: FileFacts) {}

  /** The type of an expression, or null when unknown. */
  typeOf(expr: Node | null | undefined): ValueType | null {
    return expr ? this.evaluate(expr, 0) : null;
  }

  /** True when expr is known to hold a value of this kind. */
  is(expr: Node | null | undefined, kind: ValueKind): boolean {
    return this.typeOf(expr)?.kind === kind;
  }

  /** True when expr is known to be a pandas DataFrame or Series. */
  isPandas(expr: Node | null | undefined): boolean {
    const k = this.typeOf(expr)?.kind;
    return k === 'dataframe' || k === 'series';
  }

  /** The type of `name` as read at node `at`, or null when unknown. */
  typeOfName(name: string, at: Node): ValueType | null {
    return this.resolveName(name, at);
  }

  /** The type an annotation denotes (`np.ndarray`, `npt.NDArray[np.float32]`, `"pd.DataFrame"`), or null. */
  annotationType(annotation: Node | null | undefined): ValueType | null {
    let node = annotation ?? null;
    if (node?.type === 'type') node = node.namedChild(0);
    if (!node) return null;
    if (node.type === 'string') {
      const text = node.text.replace(/^['"]+|['"]+$/g, '').trim();
      return this.annotationFromText(text);
    }
    if (node.type === 'subscript' || node.type === 'generic_type') {
      const base = node.type === 'subscript' ? node.childForFieldName('value') : node.namedChild(0);
      const q = this.facts.qualifiedName(base);
      if (q === 'numpy.typing.NDArray' || q === 'numpy.ndarray') return { kind: 'ndarray' };
      return null;
    }
    return this.kindOfQualified(this.facts.qualifiedName(node));
  }

  private annotationFromText(text: string): ValueType | null {
    const m = /^([A-Za-z_][\w.]*)(\[.*\])?$/.exec(text);
    if (!m) return null;
    const parts = m[1].split('.');
    const binding = this.facts.binding(parts[0]);
    if (!binding) return null;
    const q = [binding.target, ...parts.slice(1)].join('.');
    if (m[2]) return q === 'numpy.typing.NDArray' || q === 'numpy.ndarray' ? { kind: 'ndarray' } : null;
    return this.kindOfQualified(q);
  }

  private kindOfQualified(q: string | null): ValueType | null {
    switch (q) {
      case 'numpy.ndarray':
      case 'numpy.typing.NDArray':
        return { kind: 'ndarray' };
      case 'pandas.DataFrame':
      case 'pandas.core.frame.DataFrame':
        return { kind: 'dataframe' };
      case 'pandas.Series':
      case 'pandas.core.series.Series':
        return { kind: 'series' };
      default:
        return null;
    }
  }

  // ---- expressions ----

  private evaluate(expr: Node, depth: number): ValueType | null {
    if (depth > 12) return null;
    switch (expr.type) {
      case 'identifier':
        return this.resolveName(expr.text, expr);
      case 'parenthesized_expression': {
        const inner = expr.namedChild(0);
        return inner && inner.type !== 'comment' ? this.evaluate(inner, depth + 1) : null;
      }
      case 'call':
        return this.evaluateCall(expr, depth);
      case 'binary_operator':
        return this.evaluateBinary(expr, depth);
      case 'comparison_operator': {
        const ops = expr.children.filter((c) => c && !c.isNamed).map((c) => c!.type);
        if (ops.length !== 1 || !COMPARISON.has(ops[0])) return null;
        const operands = expr.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
        return this.combine(operands[0], operands[1], depth);
      }
      case 'unary_operator': {
        const op = expr.childForFieldName('operator')?.type;
        const arg = expr.childForFieldName('argument');
        if ((op === '-' || op === '~' || op === '+') && arg) return this.evaluate(arg, depth + 1);
        return null;
      }
      case 'subscript':
        return this.evaluateSubscript(expr, depth);
      case 'attribute':
        return this.evaluateAttribute(expr, depth);
      default:
        return null;
    }
  }

  private evaluateCall(call: Node, depth: number): ValueType | null {
    const fn = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (!fn || !args || args.type !== 'argument_list') return null;
    const positional = args.namedChildren.filter((a): a is Node => a !== null && a.type !== 'keyword_argument' && a.type !== 'comment');
    const keywords = new Map<string, Node>();
    for (const a of args.namedChildren) {
      if (a?.type === 'keyword_argument') {
        const name = a.childForFieldName('name')?.text;
        const value = a.childForFieldName('value');
        if (name && value) keywords.set(name, value);
      }
    }
    if (positional.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat')) return null;

    const q = this.facts.qualifiedName(fn);
    if (q) {
      if (NUMPY_RANDOM_DIMS.has(q)) return positional.length > 0 ? { kind: 'ndarray', ndim: positional.length } : null;
      if (NUMPY_ARRAY_CONSTRUCTORS.has(q)) return { kind: 'ndarray', ndim: this.constructorNdim(q, positional) };
      if (NUMPY_RANDOM_SIZED.has(q)) {
        const size = keywords.get('size');
        if (size && size.type !== 'none') return { kind: 'ndarray', ndim: shapeNdim(size) };
        return null;
      }
      if (NUMPY_UFUNCS.has(q)) {
        if (positional.length === 0) return null;
        let result: ValueType | null = null;
        for (const a of positional) {
          const t = this.evaluate(a, depth + 1);
          if (!t) {
            if (isNumberLiteral(a)) continue;
            return null;
          }
          result = result ? mergeOperand(result, t) : t;
          if (!result) return null;
        }
        return result;
      }
      if (PANDAS_FRAME_READERS.has(q)) {
        for (const k of keywords.keys()) if (READER_ITERATOR_KWARGS.has(k)) return null;
        if (q === 'pandas.read_json' && keywords.has('typ')) return null;
        if (q === 'pandas.read_sql' || q === 'pandas.read_sql_query' || q === 'pandas.read_sql_table') {
          if (keywords.has('chunksize')) return null;
        }
        return { kind: 'dataframe' };
      }
      if (q === 'pandas.Series') return { kind: 'series' };
      return null;
    }

    // Methods of a known receiver.
    if (fn.type !== 'attribute') return null;
    const receiver = fn.childForFieldName('object');
    const method = fn.childForFieldName('attribute')?.text;
    if (!receiver || !method) return null;
    const rt = this.evaluate(receiver, depth + 1);
    if (!rt) {
      // `s.str.lower()` / `s.dt.floor(...)`: accessor methods on a known Series give a Series.
      if (receiver.type === 'attribute' && /^(str|dt)$/.test(receiver.childForFieldName('attribute')?.text ?? '')) {
        const owner = receiver.childForFieldName('object');
        if (this.evaluate(owner!, depth + 1)?.kind === 'series' && method !== 'split' && method !== 'partition') return { kind: 'series' };
      }
      return null;
    }
    if (keywords.has('inplace')) return null;
    if (rt.kind === 'series' && method === 'reset_index') return null;
    if (rt.kind !== 'ndarray' && method === 'to_numpy') return { kind: 'ndarray', ndim: rt.kind === 'series' ? 1 : 2 };
    if (SAME_KIND_METHODS[rt.kind].has(method)) {
      const keepsNdim = rt.kind === 'ndarray' && !/^(reshape|ravel|flatten|squeeze)$/.test(method);
      if (rt.kind === 'ndarray' && (method === 'ravel' || method === 'flatten')) return { kind: 'ndarray', ndim: 1 };
      return keepsNdim ? rt : { kind: rt.kind };
    }
    return null;
  }

  private constructorNdim(q: string, positional: Node[]): number | undefined {
    if (NUMPY_1D.has(q)) return 1;
    const first = positional[0];
    if (!first) return undefined;
    if (q === 'numpy.zeros' || q === 'numpy.ones' || q === 'numpy.empty' || q === 'numpy.full') {
      // `np.zeros(len(x))`, `np.zeros(x.shape[0])`: one dimension; `np.zeros(x.shape)`: x's.
      if (first.type === 'call' && first.childForFieldName('function')?.text === 'len' && this.facts.isBuiltin('len', first)) return 1;
      if (first.type === 'subscript' && first.childForFieldName('value')?.type === 'attribute' && /\.shape$/.test(first.childForFieldName('value')!.text)) {
        const keys = first.childrenForFieldName('subscript');
        if (keys.length === 1 && keys[0]?.type === 'integer') return 1;
      }
      if (first.type === 'attribute' && first.childForFieldName('attribute')?.text === 'shape') {
        return this.evaluate(first.childForFieldName('object')!, 1)?.ndim;
      }
      return shapeNdim(first);
    }
    if (/^numpy\.(zeros_like|ones_like|empty_like|full_like|copy|asarray|ascontiguousarray)$/.test(q)) {
      const t = this.evaluate(first, 1);
      if (t?.kind === 'ndarray' && t.ndim !== undefined) return t.ndim;
      if (q !== 'numpy.asarray') return undefined;
    }
    if (q === 'numpy.eye' || q === 'numpy.identity') return 2;
    if (q === 'numpy.array' || q === 'numpy.asarray') {
      if (first.type === 'list' || first.type === 'tuple') {
        const items = first.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
        if (items.length > 0 && items.every((i) => isNumberLiteral(i))) return 1;
        if (items.length > 0 && items.every((i) => i.type === 'list' && i.namedChildren.every((c) => c && isNumberLiteral(c)))) return 2;
      }
    }
    return undefined;
  }

  private evaluateBinary(expr: Node, depth: number): ValueType | null {
    const op = expr.childForFieldName('operator')?.type;
    if (!op || !ARITHMETIC.has(op)) return null;
    const left = expr.childForFieldName('left');
    const right = expr.childForFieldName('right');
    if (!left || !right) return null;
    if (op === '@') {
      const l = this.evaluate(left, depth + 1);
      const r = this.evaluate(right, depth + 1);
      // 1-D @ 1-D is a scalar; only claim an array when both sides are known to be at least 2-D.
      if (l?.kind === 'ndarray' && r?.kind === 'ndarray' && (l.ndim ?? 0) >= 2 && (r.ndim ?? 0) >= 2) return { kind: 'ndarray' };
      return null;
    }
    return this.combine(left, right, depth);
  }

  /** Element-wise combination of two operands: known array op (known array | number literal). */
  private combine(left: Node | undefined, right: Node | undefined, depth: number): ValueType | null {
    if (!left || !right) return null;
    const l = this.evaluate(left, depth + 1);
    const r = this.evaluate(right, depth + 1);
    if (l && r) return mergeOperand(l, r);
    if (l && isNumberLiteral(right)) return l;
    if (r && isNumberLiteral(left)) return r;
    return null;
  }

  private evaluateSubscript(expr: Node, depth: number): ValueType | null {
    const value = expr.childForFieldName('value');
    const keys = expr.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
    if (!value || keys.length === 0) return null;
    const vt = this.evaluate(value, depth + 1);
    if (!vt) return null;
    if (vt.kind === 'dataframe') {
      if (keys.length !== 1) return null;
      const key = keys[0];
      if (key.type === 'string' && !key.text.startsWith('f') && !key.text.startsWith('F')) return { kind: 'series' };
      if (key.type === 'list') return { kind: 'dataframe' };
      const kt = this.evaluate(key, depth + 1);
      if (kt?.kind === 'series') return { kind: 'dataframe' };
      return null;
    }
    if (vt.kind === 'series') {
      if (keys.length !== 1) return null;
      const key = keys[0];
      if (key.type === 'slice') return { kind: 'series' };
      const kt = this.evaluate(key, depth + 1);
      if (kt?.kind === 'series') return { kind: 'series' };
      return null;
    }
    // ndarray: a slice anywhere keeps an array; a boolean mask array gives a 1-D array.
    if (keys.some((k) => k.type === 'slice' || k.type === 'ellipsis')) {
      if (vt.ndim !== undefined) {
        const dropped = keys.filter((k) => k.type !== 'slice' && k.type !== 'ellipsis').length;
        if (!keys.some((k) => k.type === 'ellipsis') && keys.every((k) => k.type === 'slice' || isIntegerLike(k))) {
          return { kind: 'ndarray', ndim: vt.ndim - dropped };
        }
      }
      return { kind: 'ndarray' };
    }
    if (keys.length === 1) {
      const kt = this.evaluate(keys[0], depth + 1);
      if (kt?.kind === 'ndarray') return { kind: 'ndarray' };
      if (vt.ndim !== undefined && vt.ndim >= 2 && isIntegerLike(keys[0])) return { kind: 'ndarray', ndim: vt.ndim - 1 };
    }
    return null;
  }

  private evaluateAttribute(expr: Node, depth: number): ValueType | null {
    const object = expr.childForFieldName('object');
    const attr = expr.childForFieldName('attribute')?.text;
    if (!object || !attr) return null;
    // A call's callee (`df.head` in `df.head()`) is not a value of its own.
    if (expr.parent?.type === 'call' && expr.parent.childForFieldName('function')?.equals(expr)) return null;
    const ot = this.evaluate(object, depth + 1);
    if (!ot) return null;
    if (ot.kind === 'ndarray') return attr === 'T' ? { kind: 'ndarray', ndim: ot.ndim } : null;
    if (attr === 'T' && ot.kind === 'dataframe') return { kind: 'dataframe' };
    if (ot.kind === 'dataframe' && !FRAME_ATTRIBUTES.has(attr) && !attr.startsWith('_')) return { kind: 'series' };
    return null;
  }

  // ---- names ----

  private resolveName(name: string, at: Node): ValueType | null {
    if (this.facts.binding(name)) {
      // An imported name is only "known" if the file does not rebind it; imports are never arrays.
      return null;
    }
    // Comprehension and lambda variables shadow the name: their values are not tracked.
    let scopeNode: Node | null = null;
    for (let n = at.parent; n; n = n.parent) {
      if (n.type === 'lambda') {
        const params = n.childForFieldName('parameters');
        if (params && params.descendantsOfType('identifier').some((id) => id?.text === name)) return null;
        continue;
      }
      if (COMPREHENSIONS.has(n.type)) {
        for (const clause of n.namedChildren) {
          if (clause?.type !== 'for_in_clause') continue;
          const left = clause.childForFieldName('left');
          if (left && (left.text === name || left.descendantsOfType('identifier').some((id) => id?.text === name))) return null;
        }
        continue;
      }
      if (n.type === 'function_definition' || n.type === 'module') {
        scopeNode = n;
        break;
      }
      // Class bodies have their own namespace; their names are not tracked.
      if (n.type === 'class_definition' && !n.childForFieldName('name')?.equals(at)) return null;
    }
    if (!scopeNode) return null;
    // Walk outward: the first scope that binds the name decides (class bodies are skipped, as in Python).
    let first = true;
    for (let s: Node | null = scopeNode; s; s = enclosingScope(s)) {
      const index = this.indexOf(s);
      if (index.opaque.has(name)) return null;
      const bindings = index.bindings.get(name);
      if (bindings && bindings.length > 0) {
        return first ? this.reaching(bindings, at, index) : agreed(bindings);
      }
      first = false;
    }
    return null;
  }

  /**
   * The type reaching `at`: all bindings agree, or walking back from the use through the bindings
   * before it, every one agrees until one that dominates the use (its block contains the use).
   */
  private reaching(bindings: Binding[], at: Node, index: ScopeIndex): ValueType | null {
    const all = agreed(bindings);
    if (all) return all;
    const before = bindings.filter((b) => b.at <= at.startIndex);
    if (before.length === 0) return null;
    let result: ValueType | null = null;
    let dominator: Binding | null = null;
    for (let i = before.length - 1; i >= 0; i--) {
      const b = before[i];
      if (!b.type || (result && !sameType(result, b.type))) return null;
      result = result ? (result.ndim === b.type.ndim ? result : { kind: result.kind }) : b.type;
      const block = b.node.parent;
      if (isParameter(b.node) || (block && (block.type === 'block' || block.type === 'module') && contains(block, at))) {
        dominator = b;
        break;
      }
    }
    if (!dominator || !result) return null;
    // A loop around the use but not around the dominating binding carries bindings from later iterations.
    for (let n = at.parent; n && !n.equals(index.scope); n = n.parent) {
      if (n.type !== 'for_statement' && n.type !== 'while_statement') continue;
      if (contains(n, dominator.node)) break;
      for (const b of bindings) if (contains(n, b.node) && !sameType(b.type, result)) return null;
    }
    return result;
  }

  private indexOf(scope: Node): ScopeIndex {
    let index = this.scopes.get(scope.id);
    if (!index) {
      index = this.buildIndex(scope);
      this.scopes.set(scope.id, index);
    }
    return index;
  }

  /**
   * The bindings of one scope: its parameters, then every binding statement of its body (nested
   * scopes bind their own name here, nothing else), then the types of plain-name assignments.
   */
  private buildIndex(scope: Node): ScopeIndex {
    const bindings = new Map<string, Binding[]>();
    const opaque = new Set<string>();
    if (scope.type === 'function_definition') this.addParameters(scope, bindings);
    const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
    if (!body) return { scope, bindings, opaque };

    // Type evaluation of right-hand sides is deferred: it may ask about names in this same scope.
    const pending: PendingBinding[] = [];
    for (const n of findDescendants(
      body,
      () => true,
      (x) => NESTED_SCOPES.has(x.type),
    )) {
      if (NESTED_SCOPES.has(n.type)) {
        if (n.type !== 'lambda') addBindingsOf(n, bindings, opaque, pending);
        continue;
      }
      // Names bound in comprehension bodies by walrus leak to the scope; other comprehension names do not.
      addBindingsOf(n, bindings, opaque, pending);
    }
    const index: ScopeIndex = { scope, bindings, opaque };
    this.evaluatePending(index, pending);
    return index;
  }

  /** A def's parameters, bound at the def's start, typed by their annotations. */
  private addParameters(scope: Node, bindings: Map<string, Binding[]>): void {
    const params = scope.childForFieldName('parameters');
    for (const p of params?.namedChildren ?? []) {
      if (!p) continue;
      const nameNode = p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier') ?? null);
      if (!nameNode) continue;
      const ann = p.type === 'typed_parameter' || p.type === 'typed_default_parameter' ? this.annotationType(p.childForFieldName('type')) : null;
      addBinding(bindings, nameNode.text, p, ann, scope.startIndex);
    }
  }

  /**
   * Types the plain-name assignments of a scope being indexed. The index is registered first, with
   * those bindings as unknown, so that evaluating a value that reads the scope's names (`x = x + 1`)
   * finds them instead of indexing the scope again.
   */
  private evaluatePending(index: ScopeIndex, pending: readonly PendingBinding[]): void {
    const { bindings } = index;
    const placeholders: Binding[] = pending.map((p) => {
      const b: Binding = { at: p.node.endIndex, node: p.node, type: null };
      const list = bindings.get(p.name);
      if (list) list.push(b);
      else bindings.set(p.name, [b]);
      return b;
    });
    this.scopes.set(index.scope.id, index);
    // Evaluate in source order so that `y = x * 2` after `x = np.zeros(3)` resolves.
    for (const list of bindings.values()) list.sort((a, b) => a.at - b.at);
    const order = pending.map((_, i) => i).sort((a, b) => pending[a].node.startIndex - pending[b].node.startIndex);
    for (const i of order) {
      const p = pending[i];
      const fromAnnotation = p.annotation ? this.annotationType(p.annotation) : null;
      placeholders[i].type = fromAnnotation ?? this.evaluateAt(p.value);
    }
  }

  /** Evaluates a binding's value; guards against re-entrance while the scope is being indexed. */
  private evaluateAt(value: Node): ValueType | null {
    return this.evaluate(value, 1);
  }
}

/** An assignment to a plain name: typed once the scope's other bindings are known (evaluatePending). */
interface PendingBinding {
  name: string;
  node: Node;
  value: Node;
  annotation: Node | null;
}

/** Records a binding of `name` by `node`; `at`: where the name becomes bound (after the right-hand side, at the loop body, ...). */
function addBinding(bindings: Map<string, Binding[]>, name: string, node: Node, type: ValueType | null, at = node.endIndex): void {
  const list = bindings.get(name);
  const b = { at, node, type };
  if (list) list.push(b);
  else bindings.set(name, [b]);
}

/** The names an assignment target (a name, a tuple or list of them, a star target) binds, untyped. */
function addTargets(bindings: Map<string, Binding[]>, target: Node, stmt: Node, at = target.endIndex): void {
  if (target.type === 'identifier') addBinding(bindings, target.text, stmt, null, at);
  else
    for (const id of findDescendants(target, (n) => n.type === 'identifier')) {
      // `a.b = ...` / `a[i] = ...` do not bind `a`.
      const p = id.parent;
      if (p?.type === 'attribute' || p?.type === 'subscript') continue;
      addBinding(bindings, id.text, stmt, null, at);
    }
}

/** What node `n` of a scope's body binds in that scope (assignments to plain names go to `pending`, to be typed). */
function addBindingsOf(n: Node, bindings: Map<string, Binding[]>, opaque: Set<string>, pending: PendingBinding[]): void {
  switch (n.type) {
    case 'assignment':
      addAssignment(n, bindings, pending);
      break;
    case 'augmented_assignment':
      break;
    case 'named_expression': {
      const name = n.childForFieldName('name');
      // Walrus bindings are conditional more often than not: never typed.
      if (name) addBinding(bindings, name.text, statementOf(n), null, n.endIndex);
      break;
    }
    case 'for_statement': {
      const left = n.childForFieldName('left');
      if (left) addTargets(bindings, left, n);
      break;
    }
    case 'for_in_clause':
      break;
    case 'as_pattern_target':
      addTargets(bindings, n, statementOf(n), n.endIndex);
      break;
    case 'case_pattern':
      for (const id of n.descendantsOfType('identifier')) if (id) addBinding(bindings, id.text, statementOf(n), null, n.endIndex);
      break;
    case 'import_statement':
    case 'import_from_statement':
      addImportedNames(n, bindings);
      break;
    case 'global_statement':
    case 'nonlocal_statement':
      for (const id of n.namedChildren) if (id?.type === 'identifier') opaque.add(id.text);
      break;
    case 'function_definition':
    case 'class_definition': {
      const name = n.childForFieldName('name');
      if (name) addBinding(bindings, name.text, n, null);
      break;
    }
    case 'delete_statement':
      break;
    default:
      break;
  }
}

/** `x = value` (typed later: pending), `a, b = ...` (untyped); a bare annotation binds nothing. */
function addAssignment(n: Node, bindings: Map<string, Binding[]>, pending: PendingBinding[]): void {
  const left = n.childForFieldName('left');
  let right = n.childForFieldName('right');
  const annotation = n.childForFieldName('type');
  // Chained `a = b = value`: every target gets the final value.
  while (right?.type === 'assignment') right = right.childForFieldName('right');
  if (left?.type === 'identifier') {
    if (right) pending.push({ name: left.text, node: statementOf(n), value: right, annotation });
    else if (annotation) {
      /* bare annotation: not a binding */
    }
  } else if (left) addTargets(bindings, left, statementOf(n));
}

/** The names an import binds: an alias, or the first part of a dotted module name (`import os.path` binds `os`). */
function addImportedNames(n: Node, bindings: Map<string, Binding[]>): void {
  for (const id of n.descendantsOfType(['identifier', 'dotted_name'])) {
    if (!id) continue;
    if (id.parent?.type === 'aliased_import' && id.parent.childForFieldName('alias')?.equals(id)) addBinding(bindings, id.text, n, null);
    else if (id.type === 'dotted_name' && id.parent?.type !== 'aliased_import' && !id.parent?.childForFieldName('module_name')?.equals(id)) {
      addBinding(bindings, id.text.split('.')[0], n, null);
    }
  }
}

function statementOf(n: Node): Node {
  let s = n;
  while (s.parent && s.parent.type !== 'block' && s.parent.type !== 'module') s = s.parent;
  return s;
}

function enclosingScope(scope: Node): Node | null {
  for (let n = scope.parent; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'module') return n;
  }
  return null;
}

function agreed(bindings: Binding[]): ValueType | null {
  const first = bindings[0]?.type;
  if (!first) return null;
  for (const b of bindings) if (!sameType(b.type, first)) return null;
  if (bindings.every((b) => b.type!.ndim === first.ndim)) return first;
  return { kind: first.kind };
}

function sameType(a: ValueType | null, b: ValueType | null): boolean {
  return !!a && !!b && a.kind === b.kind;
}

function isParameter(n: Node): boolean {
  return n.parent?.type === 'parameters';
}

function mergeOperand(a: ValueType, b: ValueType): ValueType | null {
  if (a.kind === b.kind) {
    if (a.kind === 'ndarray') return a.ndim !== undefined && a.ndim === b.ndim ? a : { kind: 'ndarray' };
    return { kind: a.kind };
  }
  // Series op ndarray → Series; DataFrame op anything pandas → unclear.
  if ((a.kind === 'series' && b.kind === 'ndarray') || (a.kind === 'ndarray' && b.kind === 'series')) return { kind: 'series' };
  return null;
}

export function isNumberLiteral(n: Node): boolean {
  if (n.type === 'integer' || n.type === 'float') return true;
  if (n.type === 'unary_operator') {
    const arg = n.childForFieldName('argument');
    return !!arg && (arg.type === 'integer' || arg.type === 'float');
  }
  if (n.type === 'parenthesized_expression') {
    const inner = n.namedChild(0);
    return !!inner && isNumberLiteral(inner);
  }
  return false;
}

function isIntegerLike(n: Node): boolean {
  return n.type === 'integer' || (n.type === 'unary_operator' && n.childForFieldName('argument')?.type === 'integer');
}

/** Number of dimensions a shape argument describes: `(3, 4)` → 2, `n` or `5` → 1 (unknown for names). */
function shapeNdim(shape: Node): number | undefined {
  if (shape.type === 'tuple' || shape.type === 'list') return shape.namedChildren.filter((c) => c && c.type !== 'comment').length;
  if (shape.type === 'integer') return 1;
  return undefined;
}
