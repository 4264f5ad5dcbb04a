"""numpy-pairwise-nested-loop: pairwise Euclidean distances with two Python loops vs broadcasting."""
# requires: numpy
import numpy as np

from _bench import best_time, report

N, D = 400, 16
points = np.random.default_rng(0).random((N, D))


def loops():
    out = np.empty((N, N))
    for i in range(N):
        for j in range(N):
            out[i, j] = np.sqrt(np.sum((points[i] - points[j]) ** 2))
    return out


def vectorized():
    diff = points[:, None, :] - points[None, :, :]
    return np.sqrt(np.sum(diff**2, axis=-1))


assert np.allclose(loops(), vectorized())
report(
    metric="time",
    before=best_time(loops, repeat=3),
    after=best_time(vectorized, repeat=3),
    size=f"{N} points in {D} dimensions ({N * N:,} distances)",
    before_label="nested for i, for j loops",
    after_label="points[:, None] - points[None, :] (broadcasting)",
    libs=("numpy",),
    repeat=3,
)
