"""pandas-iterrows: summing price * qty with DataFrame.iterrows() vs column arithmetic (and itertuples)."""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report

N = 100_000
rng = np.random.default_rng(0)
df = pd.DataFrame({"price": rng.random(N) * 100, "qty": rng.integers(1, 5, N)})


def with_iterrows():
    total = 0.0
    for _, row in df.iterrows():
        total += row["price"] * row["qty"]
    return total


def vectorized():
    return float((df["price"] * df["qty"]).sum())


assert np.isclose(with_iterrows(), vectorized())
report(
    metric="time",
    before=best_time(with_iterrows, repeat=3),
    after=best_time(vectorized, repeat=3),
    size=f"{N:,} rows",
    before_label="for _, row in df.iterrows(): total += row['price'] * row['qty']",
    after_label="(df['price'] * df['qty']).sum()",
    libs=("pandas", "numpy"),
    repeat=3,
)
