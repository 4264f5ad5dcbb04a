"""pandas-comprehension-over-series: a list comprehension calling a datetime attribute per element vs .dt.

The rule covers both `.str` and `.dt`. For datetimes the accessor works on the underlying int64 array,
which is where the large gain is; for object-dtype strings, `.str` methods still call Python per element,
so expect little speed difference there (the accessor's benefit is then its handling of missing values).
This benchmark measures the datetime case.
"""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report

N = 200_000
ts = pd.Series(pd.date_range("2024-01-01", periods=N, freq="min"))


def comprehension():
    return pd.Series([t.month for t in ts])


def accessor():
    return ts.dt.month


assert np.array_equal(comprehension().to_numpy(), accessor().to_numpy())
report(
    metric="time",
    before=best_time(comprehension, repeat=3),
    after=best_time(accessor, repeat=3),
    size=f"{N:,} timestamps",
    before_label="[t.month for t in ts]",
    after_label="ts.dt.month",
    conditions="datetime64 column; for object-dtype strings .str is not much faster than a comprehension",
    libs=("pandas", "numpy"),
    repeat=3,
)
