"""async-blocking-call: a blocking subprocess call inside async def vs the asyncio subprocess API.

Eight concurrent tasks each run the external command `sleep 0.05`. subprocess.run blocks the
event loop, so they run one after another; asyncio.create_subprocess_exec lets them overlap.
"""
import asyncio
import shutil
import subprocess

from _bench import best_time, report, same, skip

TASKS = 8
SLEEP = shutil.which("sleep")
COMMAND = [SLEEP or "sleep", "0.05"]


async def blocking(i):
    return subprocess.run(COMMAND, capture_output=True, check=True).returncode


async def non_blocking(i):
    proc = await asyncio.create_subprocess_exec(*COMMAND, stdout=asyncio.subprocess.PIPE)
    await proc.communicate()
    return proc.returncode


def run(worker):
    async def main():
        return await asyncio.gather(*(worker(i) for i in range(TASKS)))

    return asyncio.run(main())


if SLEEP is None:
    skip("needs the POSIX sleep command")
same(run(blocking), run(non_blocking))
report(
    metric="time",
    before=best_time(lambda: run(blocking), repeat=3),
    after=best_time(lambda: run(non_blocking), repeat=3),
    size=f"{TASKS} concurrent tasks, each running `sleep 0.05` as a child process",
    before_label="subprocess.run() in async def",
    after_label="await asyncio.create_subprocess_exec()",
    conditions="process creation included",
    repeat=3,
)
