"""pandas-rolling-apply: rolling(20).apply(lambda x: x.max()) vs the native rolling(20).max() the quick fix writes.

Measured at 10,000 values (both forms timed whole) and at 1,000,000 values. At 1,000,000 the native method is
timed whole, but the apply is timed on the first 100,000 values and multiplied by 10: it costs the same for every
window (one Series built and one Python call each), so its time grows linearly, and timing it whole would take
minutes on the shared benchmark machine. Both forms are checked to give the same values.
"""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report, same

SMALL = 10_000
LARGE = 1_000_000
SAMPLE = 100_000
WINDOW = 20

rng = np.random.default_rng(0)
large = pd.Series(rng.random(LARGE) * 100)
small = large.iloc[:SMALL].copy()
sample = large.iloc[:SAMPLE].copy()


def with_apply(s):
    return s.rolling(WINDOW).apply(lambda x: x.max())


def native(s):
    return s.rolling(WINDOW).max()


same(with_apply(small).fillna(-1.0).tolist(), native(small).fillna(-1.0).tolist(), "values")

report(
    metric="time",
    before=best_time(lambda: with_apply(small), repeat=3),
    after=best_time(lambda: native(small), repeat=3),
    size=f"{SMALL:,} float64 values",
    before_label="s.rolling(20).apply(lambda x: x.max())",
    after_label="s.rolling(20).max()",
    conditions="window of 20; raw=False (the default)",
    libs=("pandas", "numpy"),
    repeat=3,
    scales=[
        {
            "size": f"{LARGE:,} float64 values",
            "before": best_time(lambda: with_apply(sample), repeat=1) * (LARGE / SAMPLE),
            "after": best_time(lambda: native(large), repeat=3),
            "note": f"the apply timed on a {SAMPLE:,}-value sample and scaled ×{LARGE // SAMPLE}",
        }
    ],
)
