"""concat-in-loop: a frame grown by pd.concat on every iteration vs the pieces collected and concatenated once.

Before: acc = pd.DataFrame(); for piece in pieces: acc = pd.concat([acc, piece], ignore_index=True)
After:  acc = pd.DataFrame(); parts = []; for piece in pieces: parts.append(piece)
        if parts: acc = pd.concat([acc, *parts], ignore_index=True)      (the quick fix's form)

The pairwise loop copies everything gathered so far on every pass, so its time grows with the square of the
number of pieces; the cost therefore depends on how many pieces there are, not only on the total row count.
Measured whole at two shapes: 10,000 one-row pieces (10,000 rows), and 1,000,000 rows arriving as 1,000
pieces of 1,000 rows. One million one-row pieces are not measured: the pairwise loop would take hours. Both
forms are checked to give the same frame (values, dtypes, index).

The fix's NumPy form is measured the same way at both shapes (a labelled scale each): a flat array grown by
`np.append` on every iteration vs the pieces collected and joined by one `np.concatenate` of their ravelled forms,
on 10,000 one-element pieces and on 1,000,000 elements arriving as 1,000 pieces of 1,000. Both give the same array.

Its torch form is measured the same way when torch is installed (it is optional here: without it those two scales
are left out): a tensor grown by `torch.cat` on every iteration vs the pieces collected and joined by one `torch.cat`,
on 10,000 one-row pieces of 8 float32 columns and on 1,000,000 rows arriving as 1,000 pieces of 1,000 rows, on one
CPU thread (the machine is shared). Both give the same tensor (values, dtype, shape).
"""
# requires: pandas, numpy
import numpy as np
import pandas as pd

from _bench import best_time, report, same

rng = np.random.default_rng(0)


def pieces(count, rows):
    return [pd.DataFrame({"x": rng.random(rows), "n": rng.integers(0, 9, rows)}) for _ in range(count)]


def pairwise(parts):
    acc = pd.DataFrame()
    for piece in parts:
        acc = pd.concat([acc, piece], ignore_index=True)
    return acc


def collected(parts):
    acc = pd.DataFrame()
    acc_parts = []
    for piece in parts:
        acc_parts.append(piece)
    if acc_parts:
        acc = pd.concat([acc, *acc_parts], ignore_index=True)
    return acc


def fingerprint(frame):
    return (frame.to_dict("list"), frame.dtypes.astype(str).tolist(), frame.index.tolist())


def np_pairwise(acc, parts):
    for piece in parts:
        acc = np.append(acc, piece)
    return acc


def np_collected(acc, parts):
    acc_parts = []
    for piece in parts:
        acc_parts.append(piece)
    if acc_parts:
        acc = np.concatenate([np.ravel(p) for p in (acc, *acc_parts)])
    return acc


NP_LABELS = {
    "before_label": "for piece in pieces: acc = np.append(acc, piece)",
    "after_label": "acc_parts.append(piece) in the loop; np.concatenate([np.ravel(p) for p in (acc, *acc_parts)]) once after it",
}
np_start = np.empty(0)
np_small = [rng.random(1) for _ in range(10_000)]
np_large = [rng.random(1_000) for _ in range(1_000)]
same(np_pairwise(np_start, np_small).tolist(), np_collected(np_start, np_small).tolist(), "arrays")
same(np_pairwise(np_start, np_large).tolist(), np_collected(np_start, np_large).tolist(), "arrays")

def torch_scales():
    """The torch.cat form at both shapes, or nothing when torch is not installed."""
    try:
        import torch
    except ImportError:
        return []
    torch.manual_seed(0)
    torch.set_num_threads(1)

    def t_pairwise(acc, parts):
        for piece in parts:
            acc = torch.cat([acc, piece])
        return acc

    def t_collected(acc, parts):
        acc_parts = []
        for piece in parts:
            acc_parts.append(piece)
        if acc_parts:
            acc = torch.cat([acc, *acc_parts])
        return acc

    labels = {
        "before_label": "for piece in pieces: acc = torch.cat([acc, piece])",
        "after_label": "acc_parts.append(piece) in the loop; torch.cat([acc, *acc_parts]) once after it",
    }
    start = torch.empty(0, 8)
    scales = []
    for count, rows, size, repeat in [(10_000, 1, "10,000 one-row tensor pieces", 3), (1_000, 1_000, "1,000,000 tensor rows in 1,000 pieces", 1)]:
        parts = [torch.rand(rows, 8) for _ in range(count)]
        a, b = t_pairwise(start, parts), t_collected(start, parts)
        same((a.dtype, tuple(a.shape), a.tolist()), (b.dtype, tuple(b.shape), b.tolist()), "tensors")
        scales.append(
            {
                "size": size,
                "before": best_time(lambda: t_pairwise(start, parts), repeat=repeat),
                "after": best_time(lambda: t_collected(start, parts), repeat=3),
                "note": f"8 float32 columns, one CPU thread, torch {torch.__version__}",
                **labels,
            }
        )
    return scales


small = pieces(10_000, 1)
large = pieces(1_000, 1_000)
same(fingerprint(pairwise(small[:500])), fingerprint(collected(small[:500])), "frames")
same(fingerprint(pairwise(large[:50])), fingerprint(collected(large[:50])), "frames")

report(
    metric="time",
    before=best_time(lambda: pairwise(small), repeat=1),
    after=best_time(lambda: collected(small), repeat=3),
    size="10,000 one-row pieces",
    before_label="for piece in pieces: acc = pd.concat([acc, piece], ignore_index=True)",
    after_label="acc_parts.append(piece) in the loop; pd.concat([acc, *acc_parts], ignore_index=True) once after it",
    conditions="2 columns (float64, int64); the pairwise time grows with the square of the number of pieces",
    libs=("pandas", "numpy"),
    repeat=1,
    scales=[
        {
            "size": "1,000,000 rows in 1,000 pieces",
            "before": best_time(lambda: pairwise(large), repeat=1),
            "after": best_time(lambda: collected(large), repeat=3),
            "note": "pieces of 1,000 rows; one-row pieces at this size were not run (hours)",
        },
        {
            "size": "10,000 one-element pieces",
            "before": best_time(lambda: np_pairwise(np_start, np_small), repeat=3),
            "after": best_time(lambda: np_collected(np_start, np_small), repeat=3),
            **NP_LABELS,
        },
        {
            "size": "1,000,000 elements in 1,000 pieces",
            "before": best_time(lambda: np_pairwise(np_start, np_large), repeat=3),
            "after": best_time(lambda: np_collected(np_start, np_large), repeat=3),
            "note": "pieces of 1,000 float64 elements",
            **NP_LABELS,
        },
        *torch_scales(),
    ],
)
