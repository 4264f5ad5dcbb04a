"""numba-parallel-without-prange: @njit(parallel=True) whose loop uses range (runs serially) vs prange."""
# requires: numba, numpy
import warnings

import numba
import numpy as np
from numba import njit, prange

from _bench import best_time, report

N = 4_000_000
x = np.random.default_rng(0).random(N)

warnings.simplefilter("ignore", numba.NumbaPerformanceWarning)  # the warning is the rule's point


@njit(parallel=True)
def with_range(a):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        out[i] = np.sin(a[i]) * np.cos(a[i]) + np.sqrt(a[i])
    return out


@njit(parallel=True)
def with_prange(a):
    out = np.empty_like(a)
    for i in prange(a.shape[0]):
        out[i] = np.sin(a[i]) * np.cos(a[i]) + np.sqrt(a[i])
    return out


with_range(x[:10])
with_prange(x[:10])
assert np.allclose(with_range(x), with_prange(x))
report(
    metric="time",
    before=best_time(lambda: with_range(x), repeat=5),
    after=best_time(lambda: with_prange(x), repeat=5),
    size=f"{N:,} float64 elements, {numba.config.NUMBA_NUM_THREADS} threads",
    before_label="parallel=True with for i in range(n)",
    after_label="parallel=True with for i in prange(n)",
    conditions="compilation done before timing; the speed-up is bounded by the number of cores",
    libs=("numba", "numpy"),
    repeat=5,
)
