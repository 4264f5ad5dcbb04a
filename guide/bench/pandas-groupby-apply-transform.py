"""pandas-groupby-apply-transform: a per-group lambda through apply vs the groupby transform the quick fix writes.

Before: df.groupby("k")["v"].apply(lambda g: g - g.mean())
After:  df["v"] - df.groupby("k")["v"].transform("mean")

Groups of 100 rows on average (10,000 rows: 100 groups; 1,000,000 rows: 10,000 groups), keys in random order.
Both sizes are timed whole. Both forms are checked to give the same values on the same index.

The fix's other forms are measured the same way, each at both sizes (a labelled scale each): a fill of missing values
by the group mean (`g.fillna(g.mean())`, on a column with one value in ten missing) to `fillna` of a `transform`, an
aggregation (`g.sum()`) to the groupby method, and a per-group method (`g.cumsum()`) to the groupby method.
"""
# requires: pandas, numpy
import warnings

import numpy as np
import pandas as pd

from _bench import best_time, report, same

warnings.simplefilter("ignore")  # pandas 1.5 warns that apply will add the group keys in the future

SMALL = 10_000
LARGE = 1_000_000
ROWS_PER_GROUP = 100

rng = np.random.default_rng(0)


def frame(n):
    v = rng.random(n)
    w = np.where(rng.random(n) < 0.1, np.nan, v)
    return pd.DataFrame({"k": rng.integers(0, n // ROWS_PER_GROUP, n), "v": v, "w": w})


def with_apply(df):
    return df.groupby("k")["v"].apply(lambda g: g - g.mean())


def with_transform(df):
    return df["v"] - df.groupby("k")["v"].transform("mean")


OTHER_FORMS = [
    (
        lambda df: df.groupby("k")["w"].apply(lambda g: g.fillna(g.mean())),
        lambda df: df["w"].fillna(df.groupby("k")["w"].transform("mean")),
        'df.groupby("k")["w"].apply(lambda g: g.fillna(g.mean()))',
        'df["w"].fillna(df.groupby("k")["w"].transform("mean"))',
    ),
    (lambda df: df.groupby("k")["v"].apply(lambda g: g.sum()), lambda df: df.groupby("k")["v"].sum(), 'df.groupby("k")["v"].apply(lambda g: g.sum())', 'df.groupby("k")["v"].sum()'),
    (
        lambda df: df.groupby("k")["v"].apply(lambda g: g.cumsum()),
        lambda df: df.groupby("k")["v"].cumsum(),
        'df.groupby("k")["v"].apply(lambda g: g.cumsum())',
        'df.groupby("k")["v"].cumsum()',
    ),
]


def checked(df, before_form=with_apply, after_form=with_transform):
    before, after = before_form(df), after_form(df)
    same(before.index.tolist(), after.index.tolist(), "index")
    same(np.allclose(before.to_numpy(), after.to_numpy(), equal_nan=True), True, "values")


small, large = frame(SMALL), frame(LARGE)
checked(small)
checked(large)
for before_form, after_form, _, _ in OTHER_FORMS:
    checked(small, before_form, after_form)
    checked(large, before_form, after_form)


def other_scales():
    """Each other form at both sizes, the apply timed once at the larger size (as the main form)."""
    out = []
    for before_form, after_form, before_label, after_label in OTHER_FORMS:
        labels = {"before_label": before_label, "after_label": after_label}
        for df, n, repeat in ((small, SMALL, 3), (large, LARGE, 1)):
            out.append(
                {
                    "size": f"{n:,} rows, {n // ROWS_PER_GROUP:,} groups",
                    "before": best_time(lambda: before_form(df), repeat=repeat),
                    "after": best_time(lambda: after_form(df), repeat=3),
                    **labels,
                }
            )
    return out

report(
    metric="time",
    before=best_time(lambda: with_apply(small), repeat=3),
    after=best_time(lambda: with_transform(small), repeat=3),
    size=f"{SMALL:,} rows, {SMALL // ROWS_PER_GROUP:,} groups",
    before_label='df.groupby("k")["v"].apply(lambda g: g - g.mean())',
    after_label='df["v"] - df.groupby("k")["v"].transform("mean")',
    libs=("pandas", "numpy"),
    repeat=3,
    scales=[
        {
            "size": f"{LARGE:,} rows, {LARGE // ROWS_PER_GROUP:,} groups",
            "before": best_time(lambda: with_apply(large), repeat=1),
            "after": best_time(lambda: with_transform(large), repeat=3),
        },
        *other_scales(),
    ],
)
