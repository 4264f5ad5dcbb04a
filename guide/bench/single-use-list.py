"""single-use-list: a list comprehension stored and iterated once vs a generator expression."""
from _bench import peak_bytes, report, same

N = 300_000
lines = [f"{i},{i * 3},{i % 7}" for i in range(N)]


def as_list():
    parsed = [line.split(",") for line in lines]
    total = 0
    for fields in parsed:
        total += int(fields[1])
    return total


def as_generator():
    parsed = (line.split(",") for line in lines)
    total = 0
    for fields in parsed:
        total += int(fields[1])
    return total


same(as_list(), as_generator())
report(
    metric="memory",
    before=peak_bytes(as_list),
    after=peak_bytes(as_generator),
    size=f"{N:,} records of 3 fields",
    before_label="parsed = [line.split(',') for line in lines]",
    after_label="parsed = (line.split(',') for line in lines)",
    conditions="peak traced memory (tracemalloc); the input list itself is allocated before measuring",
)
