"""numba-object-mode: a numeric loop compiled in Numba's object mode vs nopython mode (@njit).

Object mode runs the loop on Python objects, so it is barely faster than plain Python. Numba 0.59 and
later no longer fall back to object mode silently; here object mode is requested explicitly
(`forceobj=True`), as older code sometimes does.
"""
# requires: numba, numpy
import warnings

import numpy as np
from numba import jit, njit

from _bench import best_time, report

N = 300_000
x = np.random.default_rng(0).random(N)


def kernel(a):
    total = 0.0
    for i in range(a.shape[0]):
        total += a[i] * a[i] - 0.5 * a[i]
    return total


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    object_mode = jit(forceobj=True)(kernel)
    nopython = njit(kernel)
    object_mode(x[:10])  # compile outside the timed region
    nopython(x[:10])

assert np.isclose(object_mode(x), nopython(x))
report(
    metric="time",
    before=best_time(lambda: object_mode(x), repeat=3),
    after=best_time(lambda: nopython(x), repeat=3),
    size=f"{N:,} float64 elements",
    before_label="@jit(forceobj=True) (object mode)",
    after_label="@njit (nopython mode)",
    conditions="compilation done before timing",
    libs=("numba", "numpy"),
    repeat=3,
)
