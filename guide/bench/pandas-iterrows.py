"""pandas-iterrows: a column built by an iterrows() loop vs the column expression the quick fix writes.

Before: spend = []; for _, row in df.iterrows(): spend.append(row["price"] * row["qty"]); df["spend"] = spend
After:  df["spend"] = df["price"] * df["qty"]

Measured at 10,000 rows (both forms timed whole) and at 1,000,000 rows. At 1,000,000 rows the column
expression is timed whole, but the loop is timed on the first 100,000 rows and multiplied by 10: iterrows()
costs the same for every row (it builds one Series per row), so its time grows linearly, and timing it whole
would take minutes per run on the shared benchmark machine. Both forms are checked to give the same column.

The quick fix's other rewrites are measured the same way, each at both sizes (a labelled scale each): a
conditional append to `Series.where`, str methods of a field to the `.str` accessor, a dict lookup to `.map`, and
the same arithmetic column built by an itertuples() loop (faster than iterrows, still a Python loop per row), a
per-row running total (`total += row["price"] * row["qty"]`) to the `.sum(skipna=False)` of the column expression,
a conditional between two literals to `np.where`, and a list the code really needs (not stored as a column) to
`(df["price"] * df["qty"]).tolist()`; the lists are compared item by item with each item's Python type.
The totals are compared to ten significant digits: NumPy adds pairwise and the loop adds in order, so the last
digits of a float total may differ (the fix is labelled unsafe for that reason among others).
"""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report, same

SMALL = 10_000
LARGE = 1_000_000
SAMPLE = 100_000

rng = np.random.default_rng(0)


WORDS = np.array([" Alpha", "beta ", " Gamma ", "delta"])
CODES = {1: "one", 2: "two", 3: "three", 4: "four"}


def frame(n):
    return pd.DataFrame(
        {
            "price": rng.random(n) * 100,
            "qty": rng.integers(1, 5, n).astype(float),
            "code": rng.integers(1, 5, n),
            "name": WORDS[rng.integers(0, 4, n)],
        }
    )


def with_iterrows(df):
    spend = []
    for _, row in df.iterrows():
        spend.append(row["price"] * row["qty"])
    df["spend"] = spend


def vectorized(df):
    df["spend"] = df["price"] * df["qty"]


def where_loop(df):
    spend = []
    for _, row in df.iterrows():
        spend.append(row["price"] * row["qty"] if row["qty"] > 2 else row["price"])
    df["spend"] = spend


def where_column(df):
    df["spend"] = (df["price"] * df["qty"]).where(df["qty"] > 2, df["price"])


def str_loop(df):
    spend = []
    for _, row in df.iterrows():
        spend.append(row["name"].strip().lower())
    df["spend"] = spend


def str_column(df):
    df["spend"] = df["name"].str.strip().str.lower()


def map_loop(df):
    spend = []
    for _, row in df.iterrows():
        spend.append(CODES[row["code"]])
    df["spend"] = spend


def map_column(df):
    df["spend"] = df["code"].map(CODES)


def itertuples_loop(df):
    spend = []
    for row in df.itertuples():
        spend.append(row.price * row.qty)
    df["spend"] = spend


def sum_loop(df):
    total = 0
    for _, row in df.iterrows():
        total += row["price"] * row["qty"]
    return total


def sum_column(df):
    return (df["price"] * df["qty"]).sum(skipna=False)


def np_where_loop(df):
    spend = []
    for _, row in df.iterrows():
        spend.append(1 if row["qty"] > 2 else 0)
    df["spend"] = spend


def np_where_column(df):
    df["spend"] = np.where(df["qty"] > 2, 1, 0)


def list_loop(df):
    spend = []
    for _, row in df.iterrows():
        spend.append(row["price"] * row["qty"])
    return spend


def list_column(df):
    spend = (df["price"] * df["qty"]).tolist()
    return spend


REWRITES = [
    (where_loop, where_column, 'spend.append(row["price"] * row["qty"] if row["qty"] > 2 else row["price"])', 'df["spend"] = (df["price"] * df["qty"]).where(df["qty"] > 2, df["price"])'),
    (str_loop, str_column, 'spend.append(row["name"].strip().lower())', 'df["spend"] = df["name"].str.strip().str.lower()'),
    (map_loop, map_column, 'spend.append(CODES[row["code"]])', 'df["spend"] = df["code"].map(CODES)'),
    (itertuples_loop, vectorized, "for row in df.itertuples(): spend.append(row.price * row.qty)", 'df["spend"] = df["price"] * df["qty"]'),
    (sum_loop, sum_column, 'total = 0; for _, row in df.iterrows(): total += row["price"] * row["qty"]', 'total = (df["price"] * df["qty"]).sum(skipna=False)'),
    (np_where_loop, np_where_column, 'spend.append(1 if row["qty"] > 2 else 0)', 'df["spend"] = np.where(df["qty"] > 2, 1, 0)'),
    (list_loop, list_column, 'spend = []; for _, row in df.iterrows(): spend.append(row["price"] * row["qty"])', 'spend = (df["price"] * df["qty"]).tolist()'),
]


def timed(fn, df, repeat):
    """Best time of fn on a fresh copy of df (copied outside the timed region)."""
    work = {}

    def setup():
        work["df"] = df.copy()

    return best_time(lambda: fn(work["df"]), repeat=repeat, setup=setup)


def column_of(fn, df):
    """What fn computes: the list it returns, the total it returns to ten significant digits, or else the column it writes."""
    d = df.copy()
    total = fn(d)
    if isinstance(total, list):
        return [(type(x), x) for x in total]
    if total is not None:
        return float(f"{total:.10g}")
    return d["spend"].tolist()


small = frame(SMALL)
same(column_of(with_iterrows, small), column_of(vectorized, small), "columns")
large = frame(LARGE)
sample = large.iloc[:SAMPLE].copy()
same(column_of(with_iterrows, sample), column_of(vectorized, sample), "columns")
for loop_form, column_form, _, _ in REWRITES:
    same(column_of(loop_form, small), column_of(column_form, small), "results")


def rewrite_scales():
    """Each other rewrite at 10,000 rows (timed whole) and 1,000,000 rows (the loop from the sample, scaled)."""
    out = []
    for loop_form, column_form, before_label, after_label in REWRITES:
        labels = {"before_label": before_label, "after_label": after_label}
        out.append({"size": f"{SMALL:,} rows", "before": timed(loop_form, small, repeat=3), "after": timed(column_form, small, repeat=3), **labels})
        out.append(
            {
                "size": f"{LARGE:,} rows",
                "before": timed(loop_form, sample, repeat=1) * (LARGE / SAMPLE),
                "after": timed(column_form, large, repeat=3),
                "note": f"the loop timed on a {SAMPLE:,}-row sample and scaled ×{LARGE // SAMPLE}",
                **labels,
            }
        )
    return out


report(
    metric="time",
    before=timed(with_iterrows, small, repeat=3),
    after=timed(vectorized, small, repeat=3),
    size=f"{SMALL:,} rows",
    before_label='for _, row in df.iterrows(): spend.append(row["price"] * row["qty"])',
    after_label='df["spend"] = df["price"] * df["qty"]',
    libs=("pandas", "numpy"),
    repeat=3,
    scales=[
        {
            "size": f"{LARGE:,} rows",
            "before": timed(with_iterrows, sample, repeat=1) * (LARGE / SAMPLE),
            "after": timed(vectorized, large, repeat=3),
            "note": f"the loop timed on a {SAMPLE:,}-row sample and scaled ×{LARGE // SAMPLE}",
        },
        *rewrite_scales(),
    ],
)
