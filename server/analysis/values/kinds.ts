// What a value is, as the value-inference layer answers it (values/index.ts is the front door).
// A Value is plain data: it never holds a tree node, so answers about other modules can be cached
// after their trees are freed, and hovers can show `why` as it is.

/** The kinds of data/ML values the rules care about. Anything else is an honest unknown (null). */
export type ValueKind =
  // pandas
  | 'dataframe'
  | 'series'
  | 'index'
  | 'groupby'
  | 'rolling'
  // NumPy
  | 'ndarray'
  // PyTorch
  | 'tensor'
  | 'module'
  | 'dataset'
  | 'dataloader'
  | 'device'
  // TensorFlow / Keras
  | 'tf-dataset'
  | 'tf-tensor'
  | 'keras-model'
  // Frames of other libraries: recognised so that no pandas rule ever takes them for pandas.
  | 'polars-frame'
  | 'polars-series'
  | 'xarray'
  | 'dask-frame'
  | 'cudf-frame'
  // Models of other libraries that also have `.predict`: recognised so that no Keras rule takes them for Keras.
  | 'thinc-model';

/** Where a tensor lives or a device points: `accelerator` = whatever `torch.accelerator` picks at run time. */
export type DeviceKind = 'cuda' | 'cpu' | 'mps' | 'accelerator' | 'unknown';

/** How a torch Dataset produces samples. */
export type DatasetStyle = 'in-memory' | 'io' | 'iterable';

export interface Value {
  kind: ValueKind;
  /** ndarray / tensor: number of dimensions, when obvious from the construction. */
  ndim?: number;
  /** ndarray / tensor: the element type as the library spells it (`float32`, `int64`), when known. */
  dtype?: string;
  /** tensor, device, nn.Module: where it lives, when known. */
  device?: DeviceKind;
  /** dataset: map-style in memory, map-style doing I/O or decoding, or iterable. */
  style?: DatasetStyle;
  /** groupby / rolling: what it was made from (`df.groupby(k)` → dataframe, `df.groupby(k)["c"]` → series). */
  of?: 'dataframe' | 'series';
  /**
   * Why the layer believes it, for hovers and messages: "`pd.read_csv` returns a DataFrame",
   * "returned by `load()` in features/io.py". Filled by the source that answered.
   */
  why?: string;
}

/** The pandas kinds (DataFrame, Series): what the pandas rules act on. */
export const PANDAS_KINDS: ReadonlySet<ValueKind> = new Set(['dataframe', 'series']);

/** True when the layer knows the value and it is not a pandas DataFrame or Series (a dask or polars frame, an ndarray...). */
export function knownNotPandas(v: Value | null | undefined): boolean {
  return !!v && !PANDAS_KINDS.has(v.kind);
}

/** True when both describe the same kind (and, for groupby/rolling, the same origin). */
export function sameKind(a: Value | null | undefined, b: Value | null | undefined): boolean {
  return !!a && !!b && a.kind === b.kind && a.of === b.of;
}

/**
 * What two agreeing answers have in common: the kind, and each detail only where both agree.
 * Null when the kinds differ. The `why` of the first is kept.
 */
export function commonValue(a: Value, b: Value): Value | null {
  if (!sameKind(a, b)) return null;
  const out: Value = { kind: a.kind };
  if (a.ndim !== undefined && a.ndim === b.ndim) out.ndim = a.ndim;
  if (a.dtype !== undefined && a.dtype === b.dtype) out.dtype = a.dtype;
  if (a.device !== undefined && a.device === b.device) out.device = a.device;
  if (a.style !== undefined && a.style === b.style) out.style = a.style;
  if (a.of !== undefined) out.of = a.of;
  if (a.why !== undefined) out.why = a.why;
  return out;
}

/** The value with its reason replaced (the table's or source's own wording). */
export function because(value: Value, why: string): Value {
  return { ...value, why };
}
