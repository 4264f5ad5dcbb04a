"""torch-accumulate-per-element-loop: pair counts by one `counts[a, b] += 1` per pair vs one bincount over all pairs (CPU)."""
# requires: torch
import torch

from _bench import best_time, report, same

PAIRS, K = 20_000, 27
g = torch.Generator().manual_seed(0)
first = torch.randint(0, K, (PAIRS,), generator=g)
second = torch.randint(0, K, (PAIRS,), generator=g)


def per_pair():
    counts = torch.zeros((K, K), dtype=torch.int64)
    for a, b in zip(first.tolist(), second.tolist()):
        counts[a, b] += 1
    return counts


def one_call():
    return torch.bincount(first * K + second, minlength=K * K).view(K, K)


same(per_pair().tolist(), one_call().tolist())
report(
    metric="time",
    before=best_time(per_pair, repeat=3),
    after=best_time(one_call, repeat=3),
    size=f"{PAIRS} index pairs into a {K}x{K} table",
    before_label="for a, b in pairs: counts[a, b] += 1",
    after_label="torch.bincount(a * K + b).view(K, K)",
    libs=("torch",),
    repeat=3,
)
