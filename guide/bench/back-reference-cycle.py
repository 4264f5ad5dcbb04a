"""back-reference-cycle: parent/child back-pointers make reference cycles that only the cyclic GC frees.

Trees are built and dropped one after another. With strong back-references each dropped tree stays in
memory until a garbage collection finds the cycle; with weakref back-references it is freed at once by
reference counting. The measure is the peak memory over the whole run, with the GC at its defaults.
"""
import weakref

from _bench import peak_bytes, report, same

TREES = 300
CHILDREN = 1_000


class StrongNode:
    def __init__(self, parent=None):
        self.parent = parent
        self.children = []
        self.payload = [0.0] * 8


class WeakNode:
    def __init__(self, parent=None):
        self._parent = weakref.ref(parent) if parent is not None else None
        self.children = []
        self.payload = [0.0] * 8

    @property
    def parent(self):
        return self._parent() if self._parent is not None else None


def build_and_drop(cls):
    total = 0
    for _ in range(TREES):
        root = cls()
        for _ in range(CHILDREN):
            root.children.append(cls(root))
        total += len(root.children)
        del root
    return total


same(build_and_drop(StrongNode), build_and_drop(WeakNode))
report(
    metric="memory",
    before=peak_bytes(lambda: build_and_drop(StrongNode)),
    after=peak_bytes(lambda: build_and_drop(WeakNode)),
    size=f"{TREES} trees of {CHILDREN:,} children, built and dropped in turn",
    before_label="child.parent = parent (strong)",
    after_label="weakref.ref(parent)",
    conditions="peak traced memory (tracemalloc), cyclic GC at its default thresholds",
)
