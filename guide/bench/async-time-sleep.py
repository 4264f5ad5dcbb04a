"""async-time-sleep: time.sleep() in a coroutine blocks the event loop; await asyncio.sleep() yields to it.

Ten concurrent "requests" each wait 50 ms (standing in for a back-off or a poll interval). With
time.sleep the waits run one after another; with asyncio.sleep they overlap.
"""
import asyncio
import time

from _bench import best_time, report, same

TASKS = 10
DELAY = 0.05


async def blocking_worker(i):
    time.sleep(DELAY)
    return i


async def async_worker(i):
    await asyncio.sleep(DELAY)
    return i


def run(worker):
    async def main():
        return await asyncio.gather(*(worker(i) for i in range(TASKS)))

    return asyncio.run(main())


same(run(blocking_worker), run(async_worker))
report(
    metric="time",
    before=best_time(lambda: run(blocking_worker), repeat=3),
    after=best_time(lambda: run(async_worker), repeat=3),
    size=f"{TASKS} concurrent tasks, each waiting {int(DELAY * 1000)} ms",
    before_label="time.sleep() in async def",
    after_label="await asyncio.sleep()",
    conditions="tasks started together with asyncio.gather",
    repeat=3,
)
