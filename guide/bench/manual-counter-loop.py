"""manual-counter-loop: counting with `counts[w] = counts.get(w, 0) + 1` vs collections.Counter."""
import random
from collections import Counter

from _bench import best_time, report, same

N = 1_000_000
rng = random.Random(0)
words = [f"w{rng.randrange(1000)}" for _ in range(N)]


def manual():
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    return counts


def with_counter():
    return Counter(words)


same(manual(), dict(with_counter()))
report(
    metric="time",
    before=best_time(manual, repeat=9),
    after=best_time(with_counter, repeat=9),
    size=f"{N:,} tokens, 1,000 distinct",
    before_label="counts[w] = counts.get(w, 0) + 1 loop",
    after_label="Counter(iterable)",
    repeat=9,
)
