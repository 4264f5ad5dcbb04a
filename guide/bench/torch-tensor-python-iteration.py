"""torch-tensor-python-iteration: indexing a list with each element of a tensor vs with its .tolist() values (CPU)."""
# requires: torch
import torch

from _bench import best_time, report, same

N = 20_000
corpus = [f"doc{i}" for i in range(10_000)]
idx = torch.randint(0, len(corpus), (N,), generator=torch.Generator().manual_seed(0))


def per_element():
    return [corpus[i] for i in idx]


def converted():
    return [corpus[i] for i in idx.tolist()]


same(per_element(), converted())
report(
    metric="time",
    before=best_time(per_element, repeat=5),
    after=best_time(converted, repeat=5),
    size=f"{N} indices into a list of {len(corpus)} (a mined-negatives table)",
    before_label="[corpus[i] for i in idx]",
    after_label="[corpus[i] for i in idx.tolist()]",
    libs=("torch",),
    repeat=5,
)
