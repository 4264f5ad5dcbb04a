"""list-membership-lookup: repeated `in` tests against a list (linear scan) vs a set (hash lookup)."""
from _bench import best_time, report, same

N = 5_000
QUERIES = 5_000
allowed = [f"user{i}" for i in range(N)]
queries = [f"user{i * 7 % (2 * N)}" for i in range(QUERIES)]  # about half are present


def with_list():
    return sum(1 for q in queries if q in allowed)


def with_set():
    allowed_set = set(allowed)  # built once, as the fix does
    return sum(1 for q in queries if q in allowed_set)


same(with_list(), with_set())
report(
    metric="time",
    before=best_time(with_list, repeat=3),
    after=best_time(with_set, repeat=3),
    size=f"{QUERIES:,} lookups in {N:,} strings",
    before_label="x in list",
    after_label="x in set (set built once)",
    conditions="about half of the lookups hit; the set's construction is inside the timed region",
    repeat=3,
)
