"""pandas-row-loop-indexing: `for i in range(len(df))` with .at per row vs a column expression."""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report

N = 50_000
rng = np.random.default_rng(0)
base = pd.DataFrame({"price": rng.random(N) * 100, "qty": rng.integers(1, 5, N).astype(float)})


def row_loop():
    df = base.copy()
    df["revenue"] = 0.0
    for i in range(len(df)):
        df.at[i, "revenue"] = df.at[i, "price"] * df.at[i, "qty"]
    return df["revenue"]


def columns():
    df = base.copy()
    df["revenue"] = df["price"] * df["qty"]
    return df["revenue"]


pd.testing.assert_series_equal(row_loop(), columns())
report(
    metric="time",
    before=best_time(row_loop, repeat=3),
    after=best_time(columns, repeat=3),
    size=f"{N:,} rows",
    before_label="for i in range(len(df)): df.at[i, 'revenue'] = df.at[i, 'price'] * df.at[i, 'qty']",
    after_label="df['revenue'] = df['price'] * df['qty']",
    conditions="default RangeIndex; .at is the fastest scalar accessor, .loc per row is slower still",
    libs=("pandas", "numpy"),
    repeat=3,
)
