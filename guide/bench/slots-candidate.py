"""slots-candidate: many small instances with a per-instance __dict__ vs the same class with __slots__."""
from _bench import report, retained_bytes, same

N = 100_000


class Point:
    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


class SlottedPoint:
    __slots__ = ("x", "y", "z")

    def __init__(self, x, y, z):
        self.x = x
        self.y = y
        self.z = z


def build(cls):
    return [cls(i, i + 1, i + 2) for i in range(N)]


same(sum(p.y for p in build(Point)), sum(p.y for p in build(SlottedPoint)))
report(
    metric="memory",
    before=retained_bytes(lambda: build(Point)),
    after=retained_bytes(lambda: build(SlottedPoint)),
    size=f"{N:,} instances with 3 int attributes",
    before_label="class with __dict__",
    after_label='__slots__ = ("x", "y", "z")',
    conditions="memory kept alive by the instances, their attribute values and the list holding them (tracemalloc)",
)
