"""numpy-python-loop: an element-wise Python loop over ndarrays vs the vectorized expression."""
# requires: numpy
import numpy as np

from _bench import best_time, report

N = 1_000_000
rng = np.random.default_rng(0)
a = rng.random(N)
b = rng.random(N)


def loop():
    out = np.empty_like(a)
    for i in range(len(a)):
        out[i] = a[i] * b[i] + 1.0
    return out


def vectorized():
    return a * b + 1.0


assert np.allclose(loop(), vectorized())
report(
    metric="time",
    before=best_time(loop, repeat=3),
    after=best_time(vectorized, repeat=3),
    size=f"{N:,} float64 elements",
    before_label="for i in range(len(a)): out[i] = a[i] * b[i] + 1.0",
    after_label="a * b + 1.0",
    libs=("numpy",),
    repeat=3,
)
