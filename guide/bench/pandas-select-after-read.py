"""pandas-select-after-read: reading every column of a CSV and then selecting two vs read_csv(usecols=...)."""
# requires: pandas, numpy
import os
import tempfile

import numpy as np
import pandas as pd

from _bench import best_time, report

ROWS, COLS = 100_000, 20
rng = np.random.default_rng(0)
fd, path = tempfile.mkstemp(suffix=".csv")
os.close(fd)
pd.DataFrame(rng.random((ROWS, COLS)), columns=[f"c{i}" for i in range(COLS)]).to_csv(path, index=False)


def read_then_select():
    return pd.read_csv(path)[["c0", "c1"]]


def read_selected():
    return pd.read_csv(path, usecols=["c0", "c1"])


try:
    pd.testing.assert_frame_equal(read_then_select(), read_selected())
    report(
        metric="time",
        before=best_time(read_then_select, repeat=3),
        after=best_time(read_selected, repeat=3),
        size=f"a {ROWS:,} x {COLS} numeric CSV ({os.path.getsize(path) // 2**20} MiB), 2 columns needed",
        before_label="pd.read_csv(path)[['c0', 'c1']]",
        after_label="pd.read_csv(path, usecols=['c0', 'c1'])",
        conditions="file in the OS page cache; the C parser still scans every byte, but converts only the chosen columns",
        libs=("pandas", "numpy"),
        repeat=3,
    )
finally:
    os.remove(path)
