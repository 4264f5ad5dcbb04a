"""async-cpu-bound-in-coroutine: heavy CPU work run inline in a coroutine stalls every other task.

A heartbeat task ticks every 10 ms while a coroutine does about half a second of pure-Python work, either
inline or through loop.run_in_executor with a process pool. The measure is the longest gap between
heartbeats: how long the event loop could not serve anything else.
"""
import asyncio
import time
from concurrent.futures import ProcessPoolExecutor

from _bench import report, same

WORK = 3_000_000


def crunch(n):
    total = 0
    for i in range(n):
        total += i % 7
    return total


async def heartbeat(stop, gaps):
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.01)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


async def scenario(offload, pool):
    stop = asyncio.Event()
    gaps = []
    beat = asyncio.create_task(heartbeat(stop, gaps))
    await asyncio.sleep(0.05)
    if offload:
        result = await asyncio.get_running_loop().run_in_executor(pool, crunch, WORK)
    else:
        result = crunch(WORK)
    await asyncio.sleep(0.05)
    stop.set()
    await beat
    return result, max(gaps)


def worst_stall(offload, pool, repeat=3):
    best = float("inf")
    result = None
    for _ in range(repeat):
        result, stall = asyncio.run(scenario(offload, pool))
        best = min(best, stall)
    return result, best


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=1) as pool:
        pool.submit(crunch, 10).result()  # start the worker outside the measurement
        inline_result, inline_stall = worst_stall(False, pool)
        offload_result, offload_stall = worst_stall(True, pool)
    same(inline_result, offload_result)
    report(
        metric="time",
        before=inline_stall,
        after=offload_stall,
        size=f"{WORK:,} loop iterations of CPU work beside a 10 ms heartbeat",
        before_label="CPU work called directly in async def",
        after_label="await loop.run_in_executor(ProcessPoolExecutor, ...)",
        conditions="longest gap between heartbeats (event-loop stall), best of 3",
        repeat=3,
        better="shorter event-loop stalls",
        worse="longer event-loop stalls",
    )
