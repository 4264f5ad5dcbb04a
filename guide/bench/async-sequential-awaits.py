"""async-sequential-awaits: awaiting independent coroutines one by one vs asyncio.gather."""
import asyncio

from _bench import best_time, report, same

CALLS = 10
LATENCY = 0.03


async def fetch(i):
    await asyncio.sleep(LATENCY)  # stands in for a network round trip
    return i * i


async def sequential():
    results = []
    for i in range(CALLS):
        results.append(await fetch(i))
    return results


async def concurrent():
    return list(await asyncio.gather(*(fetch(i) for i in range(CALLS))))


same(asyncio.run(sequential()), asyncio.run(concurrent()))
report(
    metric="time",
    before=best_time(lambda: asyncio.run(sequential()), repeat=3),
    after=best_time(lambda: asyncio.run(concurrent()), repeat=3),
    size=f"{CALLS} independent calls of {int(LATENCY * 1000)} ms simulated latency",
    before_label="await in a for loop",
    after_label="await asyncio.gather(...)",
    conditions="the slowest call bounds the gathered version",
    repeat=3,
)
