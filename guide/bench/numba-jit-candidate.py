"""numba-jit-candidate: a numeric loop nest with a data-dependent branch in plain Python vs @njit."""
# requires: numba, numpy
import numpy as np
from numba import njit

from _bench import best_time, report

N = 200_000
rng = np.random.default_rng(0)
prices = rng.random(N) * 100


def drawdown(p):
    peak = p[0]
    worst = 0.0
    for i in range(p.shape[0]):
        if p[i] > peak:
            peak = p[i]
        dd = (peak - p[i]) / peak
        if dd > worst:
            worst = dd
    return worst


compiled = njit(drawdown)
compiled(prices[:10])  # compile outside the timed region

assert np.isclose(drawdown(prices), compiled(prices))
report(
    metric="time",
    before=best_time(lambda: drawdown(prices), repeat=3),
    after=best_time(lambda: compiled(prices), repeat=3),
    size=f"{N:,} prices (maximum drawdown, a running-state loop)",
    before_label="plain Python loop over an ndarray",
    after_label="the same function under @njit",
    conditions="compilation (about a second, once per process unless cache=True) done before timing",
    libs=("numba", "numpy"),
    repeat=3,
)
