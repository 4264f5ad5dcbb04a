"""global-in-hot-loop: reading and writing a module global in a loop vs a local variable."""
from _bench import best_time, report, same

N = 1_000_000
counter = 0
STEP = 3


def with_global():
    global counter
    counter = 0
    for _ in range(N):
        counter += STEP
    return counter


def with_local():
    local = 0
    step = STEP
    for _ in range(N):
        local += step
    return local


same(with_global(), with_local())
report(
    metric="time",
    before=best_time(with_global, repeat=9),
    after=best_time(with_local, repeat=9),
    size=f"{N:,} iterations",
    before_label="global counter += STEP",
    after_label="local accumulator, assigned once after the loop",
    repeat=9,
)
