"""pandas-read-csv-without-chunksize: reading a whole CSV to aggregate it vs aggregating chunk by chunk."""
# requires: pandas, numpy
import os
import tempfile

import numpy as np
import pandas as pd

from _bench import peak_bytes, report

ROWS = 500_000
rng = np.random.default_rng(0)
fd, path = tempfile.mkstemp(suffix=".csv")
os.close(fd)
pd.DataFrame({"store": rng.integers(0, 50, ROWS), "amount": rng.random(ROWS) * 100, "note": "paid"}).to_csv(path, index=False)


def whole():
    df = pd.read_csv(path)
    return df.groupby("store")["amount"].sum()


def chunked():
    total = None
    for chunk in pd.read_csv(path, chunksize=50_000):
        part = chunk.groupby("store")["amount"].sum()
        total = part if total is None else total.add(part, fill_value=0)
    return total


try:
    assert np.allclose(whole().sort_index().to_numpy(), chunked().sort_index().to_numpy())
    report(
        metric="memory",
        before=peak_bytes(whole),
        after=peak_bytes(chunked),
        size=f"{ROWS:,} rows ({os.path.getsize(path) // 2**20} MiB CSV), chunks of 50,000",
        before_label="pd.read_csv(path) then groupby",
        after_label="pd.read_csv(path, chunksize=50_000), groupby per chunk, combined",
        conditions="peak memory traced by tracemalloc (NumPy buffers and Python objects; the C parser's own buffers are not traced)",
        libs=("pandas", "numpy"),
    )
finally:
    os.remove(path)
