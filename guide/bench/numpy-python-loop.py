"""numpy-python-loop: an element-wise Python loop over ndarrays vs the vectorized expression.

Measured at 10,000 and at 1,000,000 elements, both forms timed whole at each size.
"""
# requires: numpy
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


small = arrays(SMALL)
large = arrays(LARGE)
assert np.array_equal(loop(*small), vectorized(*small))
assert np.array_equal(loop(*large), vectorized(*large))
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
        }
    ],
)
