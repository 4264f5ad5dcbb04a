"""numba-prange-without-parallel: prange in @njit without parallel=True runs serially; with it, in threads."""
# requires: numba, numpy
import numba
import numpy as np
from numba import njit, prange

from _bench import best_time, report

N = 4_000_000
x = np.random.default_rng(0).random(N)


@njit
def serial(a):
    out = np.empty_like(a)
    for i in prange(a.shape[0]):
        out[i] = np.sin(a[i]) * np.cos(a[i]) + np.sqrt(a[i])
    return out


@njit(parallel=True)
def parallel(a):
    out = np.empty_like(a)
    for i in prange(a.shape[0]):
        out[i] = np.sin(a[i]) * np.cos(a[i]) + np.sqrt(a[i])
    return out


serial(x[:10])
parallel(x[:10])
assert np.allclose(serial(x), parallel(x))
report(
    metric="time",
    before=best_time(lambda: serial(x), repeat=5),
    after=best_time(lambda: parallel(x), repeat=5),
    size=f"{N:,} float64 elements, {numba.config.NUMBA_NUM_THREADS} threads",
    before_label="@njit with prange (no parallel=True: prange acts as range)",
    after_label="@njit(parallel=True) with prange",
    conditions="compilation done before timing; the speed-up is bounded by the number of cores",
    libs=("numba", "numpy"),
    repeat=5,
)
