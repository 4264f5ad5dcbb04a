// pandas' return table: constructors and readers, methods by receiver kind, attributes. Data only,
// read by the layer (localTypes.ts); add an entry here to teach the layer a new pandas API.
import type { Node } from '../../../syntax/parser';
import type { Value } from '../kinds';
import { all, type CallView, type LibraryTable } from './table';

export const PANDAS_FRAME_READERS = new Set(
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
export const READER_ITERATOR_KWARGS = new Set(['chunksize', 'iterator']);

/** Methods both a DataFrame and a Series have that return the same kind as their receiver. */
const SHAPE_KEEPERS = ['rename_axis', 'nlargest', 'nsmallest', 'droplevel', 'swaplevel', 'truncate', 'explode'];

/** Methods returning the same kind as their receiver (unless `inplace=` is passed). */
export const SAME_KIND_METHODS: Record<'ndarray' | 'dataframe' | 'series', Set<string>> = {
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
    'filter',
    ...SHAPE_KEEPERS,
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
    ...SHAPE_KEEPERS,
  ]),
};

const REDUCTIONS = ['sum', 'mean', 'median', 'min', 'max', 'std', 'var', 'sem', 'prod', 'count', 'nunique', 'first', 'last', 'quantile', 'skew'];
const GROUPBY_RESULTS = [
  ...REDUCTIONS,
  'agg',
  'aggregate',
  'transform',
  'cumsum',
  'cumprod',
  'cummax',
  'cummin',
  'shift',
  'diff',
  'rank',
  'ffill',
  'bfill',
  'fillna',
  'head',
  'tail',
  'nth',
];
const WINDOW_RESULTS = [...REDUCTIONS, 'agg', 'aggregate', 'apply', 'corr', 'cov', 'kurt'];

/**
 * `pd.concat([...])`: a DataFrame side by side (`axis=1`), whatever the pieces (pandas accepts only Series and DataFrames,
 * and puts Series side by side as columns); along the index, a DataFrame when a known DataFrame is among the pieces, a
 * Series when all are known Series.
 */
function concatResult(call: CallView): Value | null {
  const axis = call.keywords.get('axis')?.text;
  if (axis === '1' || axis === '"columns"' || axis === "'columns'") return { kind: 'dataframe' };
  const pieces = call.positional[0] ?? call.keywords.get('objs');
  if (!pieces || (pieces.type !== 'list' && pieces.type !== 'tuple')) return null;
  const kinds = pieces.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').map((c) => call.valueOf(c)?.kind);
  if (kinds.length === 0) return null;
  if (kinds.includes('dataframe') && kinds.every((k) => k === 'dataframe' || k === 'series')) return { kind: 'dataframe' };
  if (kinds.every((k) => k === 'series') && (axis === undefined || axis === '0' || axis === '"index"' || axis === "'index'")) return { kind: 'series' };
  return null;
}

/** A reader returns a DataFrame unless asked for an iterator of chunks (or, read_excel, several sheets). */
function readerResult(call: CallView): Value | null {
  for (const k of call.keywords.keys()) if (READER_ITERATOR_KWARGS.has(k)) return null;
  if (call.keywords.has('typ') || call.keywords.has('sheet_name')) return null;
  return { kind: 'dataframe' };
}

/** `pd.to_datetime(s)` / `pd.to_numeric(s)`: a Series for a known Series, else unknown (a scalar or an Index). */
function sameAsFirstArgument(call: CallView): Value | null {
  const first = call.positional[0];
  const v = first ? call.valueOf(first) : null;
  return v?.kind === 'series' ? { kind: 'series' } : null;
}

/** A frame reduction (`df.sum()`, `df.mean(axis=1)`): a Series, except `axis=None`, a scalar. */
function frameReduction(call: CallView): Value | null {
  return call.keywords.get('axis')?.type === 'none' ? null : { kind: 'series' };
}

export const PANDAS_TABLE: LibraryTable = {
  calls: {
    ...all(
      [...PANDAS_FRAME_READERS].map((q) => q.slice('pandas.'.length)),
      readerResult,
      'pandas.',
    ),
    'pandas.read_excel': readerResult,
    'pandas.read_pickle': () => null,
    'pandas.DataFrame': 'dataframe',
    'pandas.DataFrame.from_dict': 'dataframe',
    'pandas.DataFrame.from_records': 'dataframe',
    'pandas.Series': 'series',
    'pandas.Index': 'index',
    'pandas.DatetimeIndex': 'index',
    'pandas.date_range': 'index',
    'pandas.concat': concatResult,
    'pandas.merge': 'dataframe',
    'pandas.merge_asof': 'dataframe',
    'pandas.get_dummies': 'dataframe',
    'pandas.pivot_table': 'dataframe',
    'pandas.crosstab': 'dataframe',
    'pandas.to_datetime': sameAsFirstArgument,
    'pandas.to_numeric': sameAsFirstArgument,
    // Readers of other libraries that always return a pandas DataFrame.
    'pandas_datareader.data.DataReader': 'dataframe',
    'pandas_datareader.DataReader': 'dataframe',
    'yfinance.download': 'dataframe',
  },
  methods: {
    dataframe: {
      ...all([...SAME_KIND_METHODS.dataframe], 'same'),
      ...all(REDUCTIONS, frameReduction),
      groupby: { kind: 'groupby', of: 'dataframe' },
      resample: { kind: 'groupby', of: 'dataframe' },
      rolling: { kind: 'rolling', of: 'dataframe' },
      expanding: { kind: 'rolling', of: 'dataframe' },
      ewm: { kind: 'rolling', of: 'dataframe' },
      pivot: 'dataframe',
      pivot_table: 'dataframe',
      melt: 'dataframe',
      describe: 'dataframe',
      corr: 'dataframe',
      cov: 'dataframe',
      isna: 'dataframe',
      notna: 'dataframe',
      isnull: 'dataframe',
      notnull: 'dataframe',
      applymap: 'dataframe',
      map: 'dataframe',
      stack: () => null,
      to_numpy: { kind: 'ndarray', ndim: 2 },
    },
    series: {
      ...all([...SAME_KIND_METHODS.series], 'same'),
      groupby: { kind: 'groupby', of: 'series' },
      resample: { kind: 'groupby', of: 'series' },
      rolling: { kind: 'rolling', of: 'series' },
      expanding: { kind: 'rolling', of: 'series' },
      ewm: { kind: 'rolling', of: 'series' },
      value_counts: 'series',
      to_frame: 'dataframe',
      to_numpy: { kind: 'ndarray', ndim: 1 },
    },
    groupby: all(GROUPBY_RESULTS, 'of'),
    rolling: all(WINDOW_RESULTS, 'of'),
  },
  attributes: {
    dataframe: { index: 'index', columns: 'index', T: 'dataframe', values: { kind: 'ndarray', ndim: 2 } },
    series: { index: 'index' },
  },
};
