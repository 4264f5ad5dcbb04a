"""torch-dataset-dataframe-row: a Dataset's __getitem__ reading its row from a DataFrame vs from arrays made in __init__.

Before: row = self.frame.iloc[idx]; return row.user, row.clicks          (a pandas Series per sample)
After:  return self.users[idx], self.clicks[idx]                          (frame["user"].to_numpy(), ["clicks"].tolist())

Both datasets are read sample by sample, as a DataLoader's sampler asks for them (a shuffled order over every index),
without torch: what is timed is `__getitem__` itself. Also measured: a one-row DataFrame per sample
(`self.frame.iloc[[idx]]`, as a per-sample transform that wants a frame gets it) against `self.array[[idx]]`.
Both forms are checked to return the same values.
"""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report, same

ROWS = 100_000
SAMPLE = 20_000

rng = np.random.default_rng(0)
frame = pd.DataFrame(
    {
        "user": rng.integers(0, 50_000, ROWS),
        "clicks": np.array(["N1 N2 N3", "N4", "N5 N6"])[rng.integers(0, 3, ROWS)],
        "score": rng.random(ROWS),
    }
)
numeric = pd.DataFrame(rng.random((ROWS, 16)))
order = rng.permutation(ROWS)[:SAMPLE]


class RowDataset:
    def __init__(self, frame):
        self.frame = frame

    def __getitem__(self, idx):
        row = self.frame.iloc[idx]
        return row.user, row.clicks


class ArrayDataset:
    def __init__(self, frame):
        self.users = frame["user"].to_numpy()
        self.clicks = frame["clicks"].tolist()

    def __getitem__(self, idx):
        return self.users[idx], self.clicks[idx]


class OneRowFrame:
    def __init__(self, frame):
        self.frame = frame

    def __getitem__(self, idx):
        return self.frame.iloc[[idx]]


class OneRowArray:
    def __init__(self, frame):
        self.array = frame.to_numpy()

    def __getitem__(self, idx):
        return self.array[[idx]]


def epoch(dataset):
    def run():
        return [dataset[i] for i in order]

    return run


before, after = RowDataset(frame), ArrayDataset(frame)
same([(int(u), c) for u, c in epoch(before)()], [(int(u), c) for u, c in epoch(after)()], "samples")
frames, arrays = OneRowFrame(numeric), OneRowArray(numeric)
same([f.to_numpy().tolist() for f in epoch(frames)()[:1000]], [a.tolist() for a in epoch(arrays)()[:1000]], "rows")

report(
    metric="time",
    before=best_time(epoch(before), repeat=3),
    after=best_time(epoch(after), repeat=3),
    size=f"{SAMPLE:,} samples in shuffled order from a {ROWS:,}-row frame (int and str columns)",
    before_label="row = self.frame.iloc[idx]; row.user, row.clicks",
    after_label="self.users[idx], self.clicks[idx] (arrays made in __init__)",
    libs=("pandas", "numpy"),
    repeat=3,
    scales=[
        {
            "size": f"{SAMPLE:,} samples from a {ROWS:,}x16 float frame",
            "before": best_time(epoch(frames), repeat=3),
            "after": best_time(epoch(arrays), repeat=3),
            "before_label": "self.frame.iloc[[idx]] (one-row DataFrame)",
            "after_label": "self.array[[idx]] (frame.to_numpy() in __init__)",
        }
    ],
)
