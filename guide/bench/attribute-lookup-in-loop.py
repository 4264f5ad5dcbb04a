"""attribute-lookup-in-loop: `math.sqrt` looked up on every iteration vs bound to a local name once.

On CPython 3.11 and later the specialising interpreter makes module-attribute lookups cheap, so expect a
small effect; the rule is a hint for that reason.
"""
import math

from _bench import best_time, report, same

N = 1_000_000
values = [float(i) for i in range(N)]


def dotted():
    total = 0.0
    for v in values:
        total += math.sqrt(v)
    return total


def hoisted():
    sqrt = math.sqrt
    total = 0.0
    for v in values:
        total += sqrt(v)
    return total


same(dotted(), hoisted())
report(
    metric="time",
    before=best_time(dotted, repeat=9),
    after=best_time(hoisted, repeat=9),
    size=f"{N:,} calls",
    before_label="math.sqrt(v) in the loop",
    after_label="sqrt = math.sqrt before the loop",
    repeat=9,
)
