"""pandas-loc-append-in-loop: df.loc[len(df)] = row per pass vs a list of rows and one pd.DataFrame(rows, columns=...)."""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report

N = 5_000
COLUMNS = ["day", "rain", "et"]
values = np.random.default_rng(0).random((N, 3)).tolist()


def with_loc():
    table = pd.DataFrame(columns=COLUMNS)
    for row in values:
        table.loc[len(table)] = row
    return table


def from_rows():
    rows = []
    for row in values:
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


# Same values and labels (compared as floats: `.loc` may store a column the built frame keeps int64 as float64).
pd.testing.assert_frame_equal(with_loc().astype(float), from_rows(), check_index_type=False)
report(
    metric="time",
    before=best_time(with_loc, repeat=3),
    after=best_time(from_rows, repeat=3),
    size=f"{N:,} rows of 3 floats",
    before_label="table.loc[len(table)] = row",
    after_label="rows.append(row); pd.DataFrame(rows, columns=cols)",
    libs=("pandas", "numpy"),
    repeat=3,
)
