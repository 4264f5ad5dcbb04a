"""loop-invariant-reduction: a loop of 1,000 passes that normalises one value per pass by a.mean() and a.std()
(recomputed every pass) vs the same loop with both computed once before it, as the quick fix writes.

Measured with a float64 array of 10,000 and of 1,000,000 elements; the loop count (1,000) is the same at both
sizes, so the time saved is the 1,000 x 2 reductions over the whole array that the hoisted form does not repeat.
Both forms are checked to give the same values.
"""
# requires: numpy
import numpy as np

from _bench import best_time, report, same

SMALL = 10_000
LARGE = 1_000_000
PASSES = 1_000

rng = np.random.default_rng(0)
large = rng.random(LARGE) * 100
small = large[:SMALL].copy()
xs = [float(v) for v in rng.random(PASSES) * 100]


def in_loop(a):
    out = []
    for x in xs:
        out.append((x - a.mean()) / a.std())
    return out


def hoisted(a):
    out = []
    a_mean = a.mean()
    a_std = a.std()
    for x in xs:
        out.append((x - a_mean) / a_std)
    return out


same(in_loop(small), hoisted(small), "values")

report(
    metric="time",
    before=best_time(lambda: in_loop(small), repeat=3),
    after=best_time(lambda: hoisted(small), repeat=3),
    size=f"{SMALL:,} float64 values, {PASSES:,} loop passes",
    before_label="(x - a.mean()) / a.std() in the loop",
    after_label="a_mean, a_std computed once before the loop",
    conditions="one Python float normalised per pass",
    libs=("numpy",),
    repeat=3,
    scales=[
        {
            "size": f"{LARGE:,} float64 values, {PASSES:,} loop passes",
            "before": best_time(lambda: in_loop(large), repeat=1),
            "after": best_time(lambda: hoisted(large), repeat=3),
        }
    ],
)
