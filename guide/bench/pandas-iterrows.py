"""pandas-iterrows: a column built by an iterrows() loop vs the column expression the quick fix writes.

Before: spend = []; for _, row in df.iterrows(): spend.append(row["price"] * row["qty"]); df["spend"] = spend
After:  df["spend"] = df["price"] * df["qty"]

Measured at 10,000 rows (both forms timed whole) and at 1,000,000 rows. At 1,000,000 rows the column
expression is timed whole, but the loop is timed on the first 100,000 rows and multiplied by 10: iterrows()
costs the same for every row (it builds one Series per row), so its time grows linearly, and timing it whole
would take minutes per run on the shared benchmark machine. Both forms are checked to give the same column.
"""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report, same

SMALL = 10_000
LARGE = 1_000_000
SAMPLE = 100_000

rng = np.random.default_rng(0)


def frame(n):
    return pd.DataFrame({"price": rng.random(n) * 100, "qty": rng.integers(1, 5, n).astype(float)})


def with_iterrows(df):
    spend = []
    for _, row in df.iterrows():
        spend.append(row["price"] * row["qty"])
    df["spend"] = spend


def vectorized(df):
    df["spend"] = df["price"] * df["qty"]


def timed(fn, df, repeat):
    """Best time of fn on a fresh copy of df (copied outside the timed region)."""
    work = {}

    def setup():
        work["df"] = df.copy()

    return best_time(lambda: fn(work["df"]), repeat=repeat, setup=setup)


def column_of(fn, df):
    d = df.copy()
    fn(d)
    return d["spend"].tolist()


small = frame(SMALL)
same(column_of(with_iterrows, small), column_of(vectorized, small), "columns")
large = frame(LARGE)
sample = large.iloc[:SAMPLE].copy()
same(column_of(with_iterrows, sample), column_of(vectorized, sample), "columns")

report(
    metric="time",
    before=timed(with_iterrows, small, repeat=3),
    after=timed(vectorized, small, repeat=3),
    size=f"{SMALL:,} rows",
    before_label='for _, row in df.iterrows(): spend.append(row["price"] * row["qty"])',
    after_label='df["spend"] = df["price"] * df["qty"]',
    libs=("pandas", "numpy"),
    repeat=3,
    scales=[
        {
            "size": f"{LARGE:,} rows",
            "before": timed(with_iterrows, sample, repeat=1) * (LARGE / SAMPLE),
            "after": timed(vectorized, large, repeat=3),
            "note": f"the loop timed on a {SAMPLE:,}-row sample and scaled ×{LARGE // SAMPLE}",
        }
    ],
)
