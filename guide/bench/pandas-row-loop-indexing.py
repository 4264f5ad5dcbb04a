"""pandas-row-loop-indexing: `for i in range(len(df))` with .at per row vs a column expression.

Measured at 10,000 rows (both forms timed whole) and at 1,000,000 rows. At 1,000,000 rows the column
expression is timed whole and the loop on the first 100,000 rows, multiplied by 10: each .at read and write
costs the same for every row, so the loop's time grows linearly, and timing it whole would take minutes.

The quick fix's rewrites of the other loop shapes are measured the same way, each at both sizes (a labelled scale
each): a list built from positional column reads (`df["price"].iloc[i]`) and assigned back as a column, the same
from whole-row reads (`df.iloc[i]["price"]`, which builds a Series per row), a running total of cells to
`.sum(skipna=False)`, and a conditional between two literals to `np.where`. Each pair is checked to compute the
same column (the total to ten significant digits: NumPy adds pairwise, the loop in order).
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


def iloc_loop(df):
    revenue = []
    for i in range(len(df)):
        revenue.append(df["price"].iloc[i] * df["qty"].iloc[i])
    df["revenue"] = revenue


def row_iloc_loop(df):
    revenue = []
    for i in range(len(df)):
        revenue.append(df.iloc[i]["price"] * df.iloc[i]["qty"])
    df["revenue"] = revenue


def vectorized(df):
    df["revenue"] = df["price"] * df["qty"]


def sum_loop(df):
    total = 0
    for i in range(len(df)):
        total += df["price"].iloc[i] * df["qty"].iloc[i]
    return total


def sum_column(df):
    return (df["price"] * df["qty"]).sum(skipna=False)


def where_loop(df):
    revenue = []
    for i in range(len(df)):
        revenue.append(1 if df["qty"].iloc[i] > 2 else 0)
    df["revenue"] = revenue


def where_column(df):
    df["revenue"] = np.where(df["qty"] > 2, 1, 0)


REWRITES = [
    (iloc_loop, vectorized, 'for i in range(len(df)): revenue.append(df["price"].iloc[i] * df["qty"].iloc[i])', 'df["revenue"] = df["price"] * df["qty"]'),
    (row_iloc_loop, vectorized, 'for i in range(len(df)): revenue.append(df.iloc[i]["price"] * df.iloc[i]["qty"])', 'df["revenue"] = df["price"] * df["qty"]'),
    (sum_loop, sum_column, 'total = 0; for i in range(len(df)): total += df["price"].iloc[i] * df["qty"].iloc[i]', 'total = (df["price"] * df["qty"]).sum(skipna=False)'),
    (where_loop, where_column, 'for i in range(len(df)): revenue.append(1 if df["qty"].iloc[i] > 2 else 0)', 'df["revenue"] = np.where(df["qty"] > 2, 1, 0)'),
]


def result_of(fn, base):
    """What fn computes: the total it returns, to ten significant digits, or else the column it writes."""
    df = base.copy()
    total = fn(df)
    return float(f"{total:.10g}") if total is not None else df["revenue"].tolist()


def timed(fn, base, repeat):
    return best_time(lambda: fn(base.copy()), repeat=repeat)


small = frame(SMALL)
large = frame(LARGE)
sample = large.iloc[:SAMPLE].copy()
pd.testing.assert_series_equal(row_loop(small), columns(small))
pd.testing.assert_series_equal(row_loop(sample), columns(sample))
for before_fn, after_fn, _, _ in REWRITES:
    same(result_of(before_fn, small), result_of(after_fn, small), before_fn.__name__)
    same(result_of(before_fn, sample), result_of(after_fn, sample), before_fn.__name__)
rewrite_scales = []
for before_fn, after_fn, before_label, after_label in REWRITES:
    labels = {"before_label": before_label, "after_label": after_label}
    rewrite_scales.append({"size": f"{SMALL:,} rows", "before": timed(before_fn, small, 3), "after": timed(after_fn, small, 3), **labels})
    rewrite_scales.append(
        {
            "size": f"{LARGE:,} rows",
            "before": timed(before_fn, sample, 1) * (LARGE // SAMPLE),
            "after": timed(after_fn, large, 3),
            "note": f"the loop timed on a {SAMPLE:,}-row sample and scaled ×{LARGE // SAMPLE}",
            **labels,
        }
    )
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
        },
        *rewrite_scales,
    ],
)
