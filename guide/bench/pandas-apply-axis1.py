"""pandas-apply-axis1: row-wise DataFrame.apply(..., axis=1) for column arithmetic vs whole columns."""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report

N = 100_000
rng = np.random.default_rng(0)
df = pd.DataFrame({"price": rng.random(N) * 100, "qty": rng.integers(1, 5, N), "discount": rng.random(N) * 0.2})


def row_wise():
    return df.apply(lambda r: r["price"] * r["qty"] * (1 - r["discount"]), axis=1)


def columns():
    return df["price"] * df["qty"] * (1 - df["discount"])


assert np.allclose(row_wise().to_numpy(), columns().to_numpy())
report(
    metric="time",
    before=best_time(row_wise, repeat=3),
    after=best_time(columns, repeat=3),
    size=f"{N:,} rows, 3 columns",
    before_label="df.apply(lambda r: r.price * r.qty * (1 - r.discount), axis=1)",
    after_label="df['price'] * df['qty'] * (1 - df['discount'])",
    libs=("pandas", "numpy"),
    repeat=3,
)
