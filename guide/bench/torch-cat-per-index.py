"""torch-cat-per-index: torch.cat of one per-row repeat per query vs one repeat_interleave (CPU)."""
# requires: torch
import torch

from _bench import best_time, report, same

N = 5_000
g = torch.Generator().manual_seed(0)
indices = torch.randint(0, 100_000, (N, 10), generator=g)
counts = torch.randint(1, 4, (N,), generator=g)
counts_list = counts.tolist()


def per_index():
    return torch.cat([indices[i].repeat(counts_list[i], 1) for i in range(N)])


def batched():
    return indices.repeat_interleave(counts, dim=0)


same(per_index().tolist(), batched().tolist())
report(
    metric="time",
    before=best_time(per_index, repeat=5),
    after=best_time(batched, repeat=5),
    size=f"{N} rows of 10 indices, each repeated 1-3 times",
    before_label="torch.cat([indices[i].repeat(c[i], 1) for i in range(N)])",
    after_label="indices.repeat_interleave(counts, dim=0)",
    libs=("torch",),
    repeat=5,
)
