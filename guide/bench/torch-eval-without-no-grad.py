"""torch-eval-without-no-grad: an evaluation pass with autograd recording vs the same pass under torch.no_grad()."""
# requires: torch
import torch
from torch import nn

from _bench import best_time, report

BATCHES, BATCH, FEATURES = 20, 256, 512

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(FEATURES, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10)).eval()
batches = [torch.randn(BATCH, FEATURES) for _ in range(BATCHES)]


def with_autograd():
    return torch.stack([model(x).argmax(1) for x in batches])


@torch.no_grad()
def without_autograd():
    return torch.stack([model(x).argmax(1) for x in batches])


assert torch.equal(with_autograd(), without_autograd())
report(
    metric="time",
    before=best_time(with_autograd, repeat=3),
    after=best_time(without_autograd, repeat=3),
    size=f"{BATCHES} batches of {BATCH} through a 3-layer MLP ({FEATURES}-1024-1024-10) on the CPU",
    before_label="forward passes with autograd recording",
    after_label="the same passes under torch.no_grad()",
    conditions=f"CPU, torch.get_num_threads() = {torch.get_num_threads()}; the saved activations also cost memory, not measured here",
    libs=("torch",),
    repeat=3,
)
