"""pandas-apply-simple-lambda: Series.apply with a trivial arithmetic lambda vs the column expression."""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report

N = 1_000_000
s = pd.Series(np.random.default_rng(0).random(N))


def with_apply():
    return s.apply(lambda x: x * 2 + 1)


def vectorized():
    return s * 2 + 1


pd.testing.assert_series_equal(with_apply(), vectorized())
report(
    metric="time",
    before=best_time(with_apply, repeat=3),
    after=best_time(vectorized, repeat=3),
    size=f"{N:,} float64 values",
    before_label="s.apply(lambda x: x * 2 + 1)",
    after_label="s * 2 + 1",
    libs=("pandas", "numpy"),
    repeat=3,
)
