"""reduction-over-list-comprehension: sum([...]) builds the whole list first; sum(<genexpr>) does not.

The benefit is memory (and short-circuiting for any/all). For sum over small items a list can even be a
little faster than a generator, so this benchmark reports peak memory, which is what the rule is about.
"""
from _bench import peak_bytes, report, same

N = 1_000_000


def with_list():
    return sum([x * x for x in range(N)])


def with_generator():
    return sum(x * x for x in range(N))


same(with_list(), with_generator())
report(
    metric="memory",
    before=peak_bytes(with_list),
    after=peak_bytes(with_generator),
    size=f"{N:,} items",
    before_label="sum([x * x for x in range(N)])",
    after_label="sum(x * x for x in range(N))",
    conditions="peak traced memory (tracemalloc) during the call",
)
