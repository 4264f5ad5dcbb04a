"""pandas-row-loop-indexing: `for i in range(len(df))` with .at per row vs a column expression.

Measured at 10,000 rows (both forms timed whole) and at 1,000,000 rows. At 1,000,000 rows the column
expression is timed whole and the loop on the first 100,000 rows, multiplied by 10: each .at read and write
costs the same for every row, so the loop's time grows linearly, and timing it whole would take minutes.
"""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report

SMALL = 10_000
LARGE = 1_000_000
SAMPLE = 100_000
rng = np.random.default_rng(0)


def frame(n):
    return pd.DataFrame({"price": rng.random(n) * 100, "qty": rng.integers(1, 5, n).astype(float)})


def row_loop(base):
    df = base.copy()
    df["revenue"] = 0.0
    for i in range(len(df)):
        df.at[i, "revenue"] = df.at[i, "price"] * df.at[i, "qty"]
    return df["revenue"]


def columns(base):
    df = base.copy()
    df["revenue"] = df["price"] * df["qty"]
    return df["revenue"]


small = frame(SMALL)
large = frame(LARGE)
sample = large.iloc[:SAMPLE].copy()
pd.testing.assert_series_equal(row_loop(small), columns(small))
pd.testing.assert_series_equal(row_loop(sample), columns(sample))
report(
    metric="time",
    before=best_time(lambda: row_loop(small), repeat=3),
    after=best_time(lambda: columns(small), repeat=3),
    size=f"{SMALL:,} rows",
    before_label="for i in range(len(df)): df.at[i, 'revenue'] = df.at[i, 'price'] * df.at[i, 'qty']",
    after_label="df['revenue'] = df['price'] * df['qty']",
    conditions="default RangeIndex; .at is the fastest scalar accessor, .loc per row is slower still",
    libs=("pandas", "numpy"),
    repeat=3,
    scales=[
        {
            "size": f"{LARGE:,} rows",
            "before": best_time(lambda: row_loop(sample), repeat=1) * (LARGE // SAMPLE),
            "after": best_time(lambda: columns(large), repeat=3),
            "note": f"the loop timed on a {SAMPLE:,}-row sample and scaled ×{LARGE // SAMPLE}",
        }
    ],
)
