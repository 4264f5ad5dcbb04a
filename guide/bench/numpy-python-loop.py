"""numpy-python-loop: an element-wise Python loop over ndarrays vs the vectorized expression.

Measured at 10,000 and at 1,000,000 elements, both forms timed whole at each size. The fix's translation of calls
is measured the same way as a second rewrite (a labelled scale at each size): `max` of two becomes `np.maximum`,
`math.sqrt` becomes `np.sqrt` and `abs` becomes `np.abs` (the inputs hold no NaN and no negative under the root,
where the two forms differ and the fix says so).
"""
# requires: numpy
import math

import numpy as np

from _bench import best_time, report

SMALL = 10_000
LARGE = 1_000_000
rng = np.random.default_rng(0)


def arrays(n):
    return rng.random(n), rng.random(n)


def loop(a, b):
    out = np.empty_like(a)
    for i in range(len(a)):
        out[i] = a[i] * b[i] + 1.0
    return out


def vectorized(a, b):
    out = np.empty_like(a)
    out[:] = a * b + 1.0
    return out


def calls_loop(a, b):
    out = np.empty_like(a)
    for i in range(len(a)):
        out[i] = max(math.sqrt(abs(a[i])), b[i])
    return out


def calls_vectorized(a, b):
    out = np.empty_like(a)
    out[:] = np.maximum(np.sqrt(np.abs(a)), b)
    return out


CALLS = {"before_label": "for i in range(len(a)): out[i] = max(math.sqrt(abs(a[i])), b[i])", "after_label": "out[:] = np.maximum(np.sqrt(np.abs(a)), b)"}

small = arrays(SMALL)
large = arrays(LARGE)
assert np.array_equal(loop(*small), vectorized(*small))
assert np.array_equal(loop(*large), vectorized(*large))
assert np.array_equal(calls_loop(*small), calls_vectorized(*small))
assert np.array_equal(calls_loop(*large), calls_vectorized(*large))
report(
    metric="time",
    before=best_time(lambda: loop(*small), repeat=3),
    after=best_time(lambda: vectorized(*small), repeat=3),
    size=f"{SMALL:,} float64 elements",
    before_label="for i in range(len(a)): out[i] = a[i] * b[i] + 1.0",
    after_label="out[:] = a * b + 1.0",
    libs=("numpy",),
    repeat=3,
    scales=[
        {
            "size": f"{LARGE:,} float64 elements",
            "before": best_time(lambda: loop(*large), repeat=3),
            "after": best_time(lambda: vectorized(*large), repeat=3),
        },
        {
            "size": f"{SMALL:,} float64 elements",
            "before": best_time(lambda: calls_loop(*small), repeat=3),
            "after": best_time(lambda: calls_vectorized(*small), repeat=3),
            **CALLS,
        },
        {
            "size": f"{LARGE:,} float64 elements",
            "before": best_time(lambda: calls_loop(*large), repeat=3),
            "after": best_time(lambda: calls_vectorized(*large), repeat=3),
            **CALLS,
        },
    ],
)
