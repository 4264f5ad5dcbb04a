"""torch-mask-per-label-loop: per-label means by a boolean mask per label vs one index_add_ + bincount (CPU)."""
# requires: torch
import torch

from _bench import best_time, report, same

N, D, K = 100_000, 16, 200
g = torch.Generator().manual_seed(0)
data = torch.rand(N, D, generator=g, dtype=torch.float64)
labels = torch.randint(0, K, (N,), generator=g)


def per_label():
    return torch.stack([data[labels == k].mean(0) for k in range(K)])


def one_pass():
    sums = torch.zeros(K, D, dtype=data.dtype).index_add_(0, labels, data)
    return sums / torch.bincount(labels, minlength=K)[:, None]


same(per_label().round(decimals=9).tolist(), one_pass().round(decimals=9).tolist())
report(
    metric="time",
    before=best_time(per_label, repeat=5),
    after=best_time(one_pass, repeat=5),
    size=f"{N} rows of {D} features in {K} clusters",
    before_label="[data[labels == k].mean(0) for k in range(K)]",
    after_label="index_add_ + bincount",
    libs=("torch",),
    repeat=5,
)
