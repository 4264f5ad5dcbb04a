"""numpy-batched-matmul-loop: a Python loop over the batch doing `@` per item vs one batched matmul."""
# requires: numpy
import numpy as np

from _bench import best_time, report

B, M, K, N = 20_000, 8, 8, 8
rng = np.random.default_rng(0)
a = rng.random((B, M, K))
b = rng.random((B, K, N))


def loop():
    out = np.empty((B, M, N))
    for i in range(B):
        out[i] = a[i] @ b[i]
    return out


def batched():
    return a @ b


assert np.allclose(loop(), batched())
report(
    metric="time",
    before=best_time(loop, repeat=3),
    after=best_time(batched, repeat=3),
    size=f"{B:,} products of {M}x{K} by {K}x{N} matrices",
    before_label="for i in range(batch): out[i] = a[i] @ b[i]",
    after_label="a @ b (batched matmul)",
    libs=("numpy",),
    repeat=3,
)
