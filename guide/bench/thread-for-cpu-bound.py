"""thread-for-cpu-bound: CPU-bound pure-Python work in a thread pool (serialised by the GIL) vs a process pool."""
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from _bench import best_time, report, same

JOBS = 4
WORK = 1_500_000


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i % 11
    return total


def run(executor_cls, pool):
    return list(pool.map(crunch, [WORK] * JOBS))


if __name__ == "__main__":
    workers = os.cpu_count() or 2
    with ThreadPoolExecutor(max_workers=workers) as threads, ProcessPoolExecutor(max_workers=workers) as processes:
        list(processes.map(crunch, [10] * workers))  # start the workers outside the measurement
        same(run(ThreadPoolExecutor, threads), run(ProcessPoolExecutor, processes))
        before = best_time(lambda: run(ThreadPoolExecutor, threads), repeat=3)
        after = best_time(lambda: run(ProcessPoolExecutor, processes), repeat=3)
    report(
        metric="time",
        before=before,
        after=after,
        size=f"{JOBS} jobs of {WORK:,} loop iterations, {workers} workers",
        before_label="ThreadPoolExecutor",
        after_label="ProcessPoolExecutor",
        conditions=f"{workers} CPU cores; pools started before timing (process start-up excluded); a GIL build of CPython",
        repeat=3,
    )
