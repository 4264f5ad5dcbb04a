"""pandas-apply-series-expand: s.apply(pd.Series) on a column of 3-float lists vs pd.DataFrame(s.tolist(), index=s.index)."""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report

N = 100_000
s = pd.Series(np.random.default_rng(0).random((N, 3)).tolist(), name="position")


def with_apply():
    return s.apply(pd.Series)


def from_list():
    return pd.DataFrame(s.tolist(), index=s.index)


pd.testing.assert_frame_equal(with_apply(), from_list())
report(
    metric="time",
    before=best_time(with_apply, repeat=3),
    after=best_time(from_list, repeat=3),
    size=f"{N:,} rows of 3 floats",
    before_label="s.apply(pd.Series)",
    after_label="pd.DataFrame(s.tolist(), index=s.index)",
    libs=("pandas", "numpy"),
    repeat=3,
)
