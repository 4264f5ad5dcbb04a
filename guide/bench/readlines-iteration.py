"""readlines-iteration: `for line in f.readlines()` holds every line in memory; `for line in f` holds one."""
import os
import tempfile

from _bench import peak_bytes, report, same

N = 200_000
fd, path = tempfile.mkstemp(suffix=".csv")
with os.fdopen(fd, "w") as f:
    for i in range(N):
        f.write(f"{i},sensor-{i % 97},{i * 0.5:.3f}\n")


def with_readlines():
    total = 0
    with open(path) as f:
        for line in f.readlines():
            total += len(line)
    return total


def lazily():
    total = 0
    with open(path) as f:
        for line in f:
            total += len(line)
    return total


try:
    same(with_readlines(), lazily())
    report(
        metric="memory",
        before=peak_bytes(with_readlines),
        after=peak_bytes(lazily),
        size=f"a {os.path.getsize(path) // 1024:,} KiB file of {N:,} lines",
        before_label="for line in f.readlines()",
        after_label="for line in f",
        conditions="peak traced memory (tracemalloc) while summing line lengths",
    )
finally:
    os.remove(path)
