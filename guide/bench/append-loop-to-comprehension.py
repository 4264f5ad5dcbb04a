"""append-loop-to-comprehension: a for loop whose only job is list.append vs a list comprehension."""
from _bench import best_time, report, same

N = 1_000_000
values = list(range(N))


def append_loop():
    out = []
    for v in values:
        out.append(v * 2 + 1)
    return out


def comprehension():
    return [v * 2 + 1 for v in values]


same(append_loop(), comprehension())
report(
    metric="time",
    before=best_time(append_loop, repeat=9),
    after=best_time(comprehension, repeat=9),
    size=f"{N:,} items",
    before_label="for loop + out.append(v * 2 + 1)",
    after_label="[v * 2 + 1 for v in values]",
    conditions="inside a function (local names)",
    repeat=9,
)
