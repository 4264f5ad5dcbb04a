"""cache-on-method: @lru_cache on a method keeps every `self` it saw alive; a per-instance cache does not.

Each request creates a model object, calls a cached method on it and drops it. With the decorator on the
method, the class-level cache holds a strong reference to every instance, so none of them is freed.
"""
from functools import cached_property, lru_cache

from _bench import report, retained_bytes, same

REQUESTS = 2_000


class LeakyModel:
    def __init__(self, seed):
        self.weights = [float(seed)] * 500

    @lru_cache(maxsize=None)
    def norm(self):
        return sum(w * w for w in self.weights) ** 0.5


class Model:
    def __init__(self, seed):
        self.weights = [float(seed)] * 500

    @cached_property
    def norm(self):
        return sum(w * w for w in self.weights) ** 0.5


def serve(cls, leaky):
    total = 0.0
    for i in range(REQUESTS):
        m = cls(i)
        total += m.norm() if leaky else m.norm
        del m
    return total


same(serve(LeakyModel, True), serve(Model, False))
LeakyModel.norm.cache_clear()
report(
    metric="memory",
    before=retained_bytes(lambda: serve(LeakyModel, True)),
    after=retained_bytes(lambda: serve(Model, False)),
    size=f"{REQUESTS:,} short-lived instances holding 500 floats each",
    before_label="@lru_cache on the method",
    after_label="@functools.cached_property (cache stored on the instance)",
    conditions="memory still allocated after every instance was dropped (tracemalloc)",
)
