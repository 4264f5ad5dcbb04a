"""pandas-filter-per-key-loop: one boolean-mask selection per key in a loop vs one groupby split."""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report, same

N, K = 200_000, 2_000
rng = np.random.default_rng(0)
trades = pd.DataFrame({"pair": rng.integers(0, K, N), "profit": rng.random(N)})
keys = list(range(K))


def per_key():
    return [trades[trades["pair"] == k]["profit"].sum() for k in keys]


def grouped():
    parts = dict(tuple(trades.groupby("pair")))
    empty = trades.iloc[:0]
    return [parts.get(k, empty)["profit"].sum() for k in keys]


same([round(x, 9) for x in per_key()], [round(x, 9) for x in grouped()])
report(
    metric="time",
    before=best_time(per_key, repeat=3),
    after=best_time(grouped, repeat=3),
    size=f"{N} rows, {K} keys",
    before_label='[trades[trades["pair"] == k]["profit"].sum() for k in keys]',
    after_label='dict(tuple(trades.groupby("pair"))) then a lookup per key',
    libs=("pandas", "numpy"),
    repeat=3,
)
