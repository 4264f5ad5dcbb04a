"""manual-min-max-loop: a running-maximum loop vs the max() built-in."""
import random

from _bench import best_time, report, same

N = 1_000_000
rng = random.Random(0)
values = [rng.random() for _ in range(N)]


def loop():
    best = values[0]
    for v in values:
        if v > best:
            best = v
    return best


def builtin_max():
    return max(values)


same(loop(), builtin_max())
report(
    metric="time",
    before=best_time(loop, repeat=9),
    after=best_time(builtin_max, repeat=9),
    size=f"{N:,} floats",
    before_label="if v > best: best = v loop",
    after_label="max(values)",
    repeat=9,
)
