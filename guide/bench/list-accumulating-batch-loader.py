"""list-accumulating-batch-loader: a loader that returns a list of all batches vs a generator of batches."""
import os
import tempfile

from _bench import peak_bytes, report, same

N = 200_000
BATCH = 256
fd, path = tempfile.mkstemp(suffix=".txt")
with os.fdopen(fd, "w") as f:
    for i in range(N):
        f.write(f"example {i}: the quick brown fox jumps over the lazy dog\n")


def load_all(n):
    batches, batch = [], []
    with open(path) as f:
        for line in f:
            batch.append(line)
            if len(batch) == n:
                batches.append(batch)
                batch = []
    if batch:
        batches.append(batch)
    return batches


def load_lazily(n):
    batch = []
    with open(path) as f:
        for line in f:
            batch.append(line)
            if len(batch) == n:
                yield batch
                batch = []
    if batch:
        yield batch


def consume(batches):
    return sum(len(b) for b in batches)


try:
    same(consume(load_all(BATCH)), consume(load_lazily(BATCH)))
    report(
        metric="memory",
        before=peak_bytes(lambda: consume(load_all(BATCH))),
        after=peak_bytes(lambda: consume(load_lazily(BATCH))),
        size=f"{N:,} lines in batches of {BATCH}",
        before_label="return a list of every batch",
        after_label="yield one batch at a time",
        conditions="peak traced memory (tracemalloc) while the caller consumes every batch once",
    )
finally:
    os.remove(path)
