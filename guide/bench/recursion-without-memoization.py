"""recursion-without-memoization: naive recursive Fibonacci (exponential calls) vs the same with @cache."""
from functools import lru_cache

from _bench import best_time, report, same

N = 27


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


@lru_cache(maxsize=None)
def fib_cached(n):
    return n if n < 2 else fib_cached(n - 1) + fib_cached(n - 2)


def cached_from_cold():
    fib_cached.cache_clear()
    return fib_cached(N)


same(fib(N), cached_from_cold())
report(
    metric="time",
    before=best_time(lambda: fib(N), repeat=3),
    after=best_time(cached_from_cold, repeat=3),
    size=f"fib({N})",
    before_label="plain recursion",
    after_label="@lru_cache(maxsize=None), cache cleared before each run",
    repeat=3,
)
