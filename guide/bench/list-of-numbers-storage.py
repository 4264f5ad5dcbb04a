"""list-of-numbers-storage: a large list of floats (a pointer plus a float object each) vs array('d')."""
from array import array

from _bench import report, retained_bytes, same

N = 1_000_000


def as_list():
    return [i * 0.5 for i in range(N)]


def as_array():
    return array("d", (i * 0.5 for i in range(N)))


same(sum(as_list()), sum(as_array()))
report(
    metric="memory",
    before=retained_bytes(as_list),
    after=retained_bytes(as_array),
    size=f"{N:,} floats",
    before_label="list of float",
    after_label='array("d")',
    conditions="memory kept alive by the container and its items (tracemalloc)",
)
