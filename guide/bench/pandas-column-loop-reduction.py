"""pandas-column-loop-reduction: per-column pct_change().std() in a loop over df.columns vs on the whole DataFrame."""
# requires: numpy, pandas
import numpy as np
import pandas as pd

from _bench import best_time, report, same

ROWS, COLS = 252, 1_000
rng = np.random.default_rng(0)
paths = pd.DataFrame(rng.normal(0.0005, 0.01, (ROWS, COLS)).cumsum(axis=0) + 1.0)


def per_column():
    out = []
    for col in paths.columns:
        out.append(paths[col].pct_change().std())
    return out


def whole_frame():
    return paths.pct_change().std().tolist()


same(np.round(per_column(), 12).tolist(), np.round(whole_frame(), 12).tolist())
report(
    metric="time",
    before=best_time(per_column, repeat=5),
    after=best_time(whole_frame, repeat=5),
    size=f"{COLS} simulated paths of {ROWS} days",
    before_label="for col in paths.columns: paths[col].pct_change().std()",
    after_label="paths.pct_change().std()",
    libs=("numpy", "pandas"),
    repeat=5,
)
