"""pandas-groupby-apply-transform: a per-group lambda through apply vs the groupby transform the quick fix writes.

Before: df.groupby("k")["v"].apply(lambda g: g - g.mean())
After:  df["v"] - df.groupby("k")["v"].transform("mean")

Groups of 100 rows on average (10,000 rows: 100 groups; 1,000,000 rows: 10,000 groups), keys in random order.
Both sizes are timed whole. Both forms are checked to give the same values on the same index.
"""
# requires: pandas, numpy
import warnings

import numpy as np
import pandas as pd

from _bench import best_time, report, same

warnings.simplefilter("ignore")  # pandas 1.5 warns that apply will add the group keys in the future

SMALL = 10_000
LARGE = 1_000_000
ROWS_PER_GROUP = 100

rng = np.random.default_rng(0)


def frame(n):
    return pd.DataFrame({"k": rng.integers(0, n // ROWS_PER_GROUP, n), "v": rng.random(n)})


def with_apply(df):
    return df.groupby("k")["v"].apply(lambda g: g - g.mean())


def with_transform(df):
    return df["v"] - df.groupby("k")["v"].transform("mean")


def checked(df):
    before, after = with_apply(df), with_transform(df)
    same(before.index.tolist(), after.index.tolist(), "index")
    same(np.allclose(before.to_numpy(), after.to_numpy()), True, "values")


small, large = frame(SMALL), frame(LARGE)
checked(small)
checked(large)

report(
    metric="time",
    before=best_time(lambda: with_apply(small), repeat=3),
    after=best_time(lambda: with_transform(small), repeat=3),
    size=f"{SMALL:,} rows, {SMALL // ROWS_PER_GROUP:,} groups",
    before_label='df.groupby("k")["v"].apply(lambda g: g - g.mean())',
    after_label='df["v"] - df.groupby("k")["v"].transform("mean")',
    libs=("pandas", "numpy"),
    repeat=3,
    scales=[
        {
            "size": f"{LARGE:,} rows, {LARGE // ROWS_PER_GROUP:,} groups",
            "before": best_time(lambda: with_apply(large), repeat=1),
            "after": best_time(lambda: with_transform(large), repeat=3),
        }
    ],
)
