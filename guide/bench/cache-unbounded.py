"""cache-unbounded: @lru_cache(maxsize=None) keeps every result forever; a bounded cache keeps the recent ones."""
from functools import lru_cache

from _bench import report, retained_bytes, same

CALLS = 200_000


def features(user_id):
    return [user_id * 0.1, user_id * 0.2, user_id * 0.3]


unbounded = lru_cache(maxsize=None)(features)
bounded = lru_cache(maxsize=1024)(features)


def run(cached):
    cached.cache_clear()
    total = 0.0
    for i in range(CALLS):
        total += cached(i % 150_000)[0]
    return cached


same(round(sum(unbounded(i)[0] for i in range(10)), 6), round(sum(bounded(i)[0] for i in range(10)), 6))
report(
    metric="memory",
    before=retained_bytes(lambda: run(unbounded)),
    after=retained_bytes(lambda: run(bounded)),
    size=f"{CALLS:,} calls over 150,000 distinct keys",
    before_label="@lru_cache(maxsize=None)",
    after_label="@lru_cache(maxsize=1024)",
    conditions="memory the cache still holds after the calls (tracemalloc); hit rates differ, so choose the bound from your access pattern",
)
