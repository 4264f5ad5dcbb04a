"""numpy-tile-for-broadcast: np.tile to match shapes before arithmetic vs letting broadcasting do it."""
# requires: numpy
import numpy as np

from _bench import best_time, report

ROWS, COLS = 20_000, 256
rng = np.random.default_rng(0)
x = rng.random((ROWS, COLS))
mean = x.mean(axis=0)


def tiled():
    return x - np.tile(mean, (ROWS, 1))


def broadcast():
    return x - mean


assert np.array_equal(tiled(), broadcast())
report(
    metric="time",
    before=best_time(tiled, repeat=5),
    after=best_time(broadcast, repeat=5),
    size=f"a {ROWS:,} x {COLS} float64 matrix minus a row vector",
    before_label="x - np.tile(mean, (rows, 1))",
    after_label="x - mean",
    conditions="the tiled copy is also a full extra matrix in memory",
    libs=("numpy",),
    repeat=5,
)
