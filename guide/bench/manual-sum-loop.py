"""manual-sum-loop: an accumulator loop that only sums vs sum() over a generator expression."""
from _bench import best_time, report, same

N = 1_000_000
values = list(range(N))


def loop():
    total = 0
    for v in values:
        total += v * v
    return total


def builtin_sum():
    return sum(v * v for v in values)


same(loop(), builtin_sum())
report(
    metric="time",
    before=best_time(loop, repeat=9),
    after=best_time(builtin_sum, repeat=9),
    size=f"{N:,} ints",
    before_label="total += v * v loop",
    after_label="sum(v * v for v in values)",
    conditions="inside a function (local names); the gain is modest because the generator still runs Python code per item",
    repeat=9,
)
