"""slots-subclass-missing-slots: a subclass of a slotted class without __slots__ gets a __dict__ again."""
from _bench import report, retained_bytes, same

N = 100_000


class Base:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


class LabelledNoSlots(Base):
    def __init__(self, x, y, label):
        super().__init__(x, y)
        self.label = label


class LabelledSlots(Base):
    __slots__ = ("label",)

    def __init__(self, x, y, label):
        super().__init__(x, y)
        self.label = label


LABELS = ["a", "b", "c"]


def build(cls):
    return [cls(i, i + 1, LABELS[i % 3]) for i in range(N)]


same([p.label for p in build(LabelledNoSlots)], [p.label for p in build(LabelledSlots)])
report(
    metric="memory",
    before=retained_bytes(lambda: build(LabelledNoSlots)),
    after=retained_bytes(lambda: build(LabelledSlots)),
    size=f"{N:,} instances",
    before_label="subclass without __slots__ (regains __dict__)",
    after_label='subclass with __slots__ = ("label",)',
    conditions="memory kept alive by the instances and the list holding them (tracemalloc)",
)
