"""builtin-reduction-on-ndarray: Python's sum() iterates an ndarray element by element; arr.sum() does not."""
# requires: numpy
import numpy as np

from _bench import best_time, report

N = 1_000_000
arr = np.random.default_rng(0).random(N)


def builtin():
    return sum(arr)


def method():
    return arr.sum()


assert np.isclose(builtin(), method())
report(
    metric="time",
    before=best_time(builtin, repeat=3),
    after=best_time(method, repeat=3),
    size=f"{N:,} float64 elements",
    before_label="sum(arr)",
    after_label="arr.sum()",
    libs=("numpy",),
    repeat=3,
)
