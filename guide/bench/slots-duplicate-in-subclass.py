"""slots-duplicate-in-subclass: re-declaring a parent's slot adds a second, unused slot to every instance."""
from _bench import report, retained_bytes, same

N = 200_000


class Base:
    __slots__ = ("x", "y")


class Duplicated(Base):
    __slots__ = ("x", "y", "z")  # x and y already exist in Base


class NewOnly(Base):
    __slots__ = ("z",)


def build(cls):
    out = []
    for i in range(N):
        obj = cls()
        obj.x, obj.y, obj.z = i, i, i
        out.append(obj)
    return out


same(sum(o.x + o.z for o in build(Duplicated)), sum(o.x + o.z for o in build(NewOnly)))
report(
    metric="memory",
    before=retained_bytes(lambda: build(Duplicated)),
    after=retained_bytes(lambda: build(NewOnly)),
    size=f"{N:,} instances",
    before_label='subclass __slots__ = ("x", "y", "z")',
    after_label='subclass __slots__ = ("z",)',
    conditions="memory kept alive by the instances, their int values and the list (tracemalloc); each duplicate costs one pointer per instance",
)
