"""process-pool-for-io-bound: I/O-bound waits spread over a process pool (one per core) vs a thread pool.

Each job waits 20 ms (standing in for a network or disk wait). Processes are expensive, so a pool has
about one per core; threads are cheap, so the pool can be as wide as the number of waits in flight.
"""
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from _bench import best_time, report, same

JOBS = 64
WAIT = 0.02


def fetch(i):
    time.sleep(WAIT)
    return i


def with_processes():
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return list(pool.map(fetch, range(JOBS)))


def with_threads():
    with ThreadPoolExecutor(max_workers=32) as pool:
        return list(pool.map(fetch, range(JOBS)))


if __name__ == "__main__":
    same(with_processes(), with_threads())
    report(
        metric="time",
        before=best_time(with_processes, repeat=3),
        after=best_time(with_threads, repeat=3),
        size=f"{JOBS} jobs each waiting {int(WAIT * 1000)} ms",
        before_label=f"ProcessPoolExecutor({os.cpu_count()} workers)",
        after_label="ThreadPoolExecutor(32 workers)",
        conditions="pool creation and shutdown included, as in code that makes a pool per batch",
        repeat=3,
    )
