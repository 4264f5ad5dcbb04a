"""pandas-csv-intermediate: a CSV round trip for intermediate data vs Parquet (write, then read back)."""
# requires: pandas, numpy, pyarrow
import os
import tempfile

import numpy as np
import pandas as pd

from _bench import best_time, report

ROWS = 500_000
rng = np.random.default_rng(0)
df = pd.DataFrame(
    {
        "user": rng.integers(0, 10_000, ROWS),
        "score": rng.random(ROWS),
        "when": pd.date_range("2024-01-01", periods=ROWS, freq="s"),
        "label": pd.Categorical(rng.choice(["train", "valid", "test"], ROWS)),
    }
)
folder = tempfile.mkdtemp()
csv_path = os.path.join(folder, "step.csv")
parquet_path = os.path.join(folder, "step.parquet")


def csv_round_trip():
    df.to_csv(csv_path, index=False)
    return pd.read_csv(csv_path, parse_dates=["when"])


def parquet_round_trip():
    df.to_parquet(parquet_path, index=False)
    return pd.read_parquet(parquet_path)


try:
    back = parquet_round_trip()
    pd.testing.assert_frame_equal(back, df)  # Parquet keeps dtypes, including the categorical
    assert np.allclose(csv_round_trip()["score"].to_numpy(), df["score"].to_numpy())
    report(
        metric="time",
        before=best_time(csv_round_trip, repeat=3),
        after=best_time(parquet_round_trip, repeat=3),
        size=f"{ROWS:,} rows with int, float, datetime and categorical columns",
        before_label="to_csv + read_csv(parse_dates=...)",
        after_label="to_parquet + read_parquet",
        conditions="local disk; the CSV also loses the categorical dtype",
        libs=("pandas", "numpy", "pyarrow"),
        repeat=3,
    )
finally:
    for p in (csv_path, parquet_path):
        if os.path.exists(p):
            os.remove(p)
    os.rmdir(folder)
