// Frames of libraries other than pandas (polars, xarray, dask, cuDF). They share method names with pandas
// (`apply`, `iterrows` on dask, `.loc`), so the layer must know them for what they are: no pandas rule
// applies to them, and a name holding one is never taken for a DataFrame.
import { all, type LibraryTable } from './table';

const POLARS_FRAME_METHODS = ['filter', 'select', 'with_columns', 'sort', 'group_by', 'join', 'head', 'tail', 'drop', 'rename', 'collect', 'fill_null'];

export const FRAMES_TABLE: LibraryTable = {
  calls: {
    ...all(['DataFrame', 'read_csv', 'read_parquet', 'read_json', 'read_ipc', 'from_pandas', 'concat'], 'polars-frame', 'polars.'),
    'polars.Series': 'polars-series',
    'polars.LazyFrame': 'polars-frame',
    'polars.scan_csv': 'polars-frame',
    'polars.scan_parquet': 'polars-frame',
    ...all(['open_dataset', 'open_dataarray', 'open_mfdataset', 'Dataset', 'DataArray'], 'xarray', 'xarray.'),
    ...all(['read_csv', 'read_parquet', 'from_pandas', 'DataFrame'], 'dask-frame', 'dask.dataframe.'),
    // cuDF mirrors pandas' API on the GPU but not its copy semantics: `df["c"].clip(..., inplace=True)` changes the frame.
    ...all(['read_csv', 'read_parquet', 'read_orc', 'read_json', 'read_feather', 'from_pandas', 'DataFrame', 'concat', 'merge'], 'cudf-frame', 'cudf.'),
    ...all(['read_csv', 'read_parquet', 'from_cudf', 'concat'], 'cudf-frame', 'dask_cudf.'),
  },
  methods: {
    // `to_numpy()` leaves polars: a plain ndarray, which the NumPy rules judge like any other.
    'polars-frame': { ...all(POLARS_FRAME_METHODS, 'same'), to_numpy: { kind: 'ndarray', ndim: 2 } },
    'polars-series': { to_numpy: { kind: 'ndarray', ndim: 1 } },
    'dask-frame': all(['dropna', 'fillna', 'merge', 'persist', 'repartition', 'assign', 'rename', 'drop', 'set_index', 'reset_index'], 'same'),
    'cudf-frame': all(['dropna', 'fillna', 'merge', 'assign', 'rename', 'drop', 'set_index', 'reset_index', 'sort_values', 'query'], 'same'),
    xarray: all(['sel', 'isel', 'where', 'mean', 'sum', 'load', 'transpose', 'rename'], 'same'),
  },
};
