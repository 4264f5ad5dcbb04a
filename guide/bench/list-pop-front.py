"""list-pop-front: consuming a list from the front (pop(0), O(n) each) vs collections.deque.popleft() (O(1))."""
from collections import deque

from _bench import best_time, report, same

N = 100_000
items = list(range(N))


def with_list():
    queue = list(items)
    total = 0
    while queue:
        total += queue.pop(0)
    return total


def with_deque():
    queue = deque(items)
    total = 0
    while queue:
        total += queue.popleft()
    return total


same(with_list(), with_deque())
report(
    metric="time",
    before=best_time(with_list, repeat=3),
    after=best_time(with_deque, repeat=3),
    size=f"a {N:,}-item FIFO queue",
    before_label="list.pop(0)",
    after_label="deque.popleft()",
    conditions="every item is taken from the front once",
    repeat=3,
)
