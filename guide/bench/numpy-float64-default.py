"""numpy-float64-default: a large float array in the default float64 vs float32."""
# requires: numpy
import numpy as np

from _bench import report, retained_bytes

N = 10_000_000


def default():
    return np.zeros(N)


def single():
    return np.zeros(N, dtype=np.float32)


report(
    metric="memory",
    before=retained_bytes(default),
    after=retained_bytes(single),
    size=f"{N:,} elements",
    before_label="np.zeros(n) (float64)",
    after_label="np.zeros(n, dtype=np.float32)",
    conditions="memory held by the array (tracemalloc); float32 keeps about 7 significant digits",
    libs=("numpy",),
)
