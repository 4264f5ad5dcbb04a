"""torch-loss-accumulated-with-graph: memory a training loop holds when it sums its losses with and without .detach() (CPU)."""
# requires: torch
import gc

import torch

from _bench import report, same

STEPS = 5_000


def resident_bytes():
    """The process's resident memory now (torch allocates outside the Python heap, where tracemalloc cannot see)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


torch.manual_seed(0)
torch.set_num_threads(1)
model = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
x = torch.randn(32, 64)
y = torch.randn(32, 1)


def train(detach):
    """STEPS steps of SGD (lr 0, so both runs see the same losses); the total is kept, as the loop's caller would."""
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    total = 0.0
    for _ in range(STEPS):
        loss = torch.nn.functional.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.detach() if detach else loss
    return total


def held_by(detach):
    gc.collect()
    start = resident_bytes()
    total = train(detach)
    held = resident_bytes() - start
    return total, max(held, 0)


# The detached run first: the graph-holding run's memory is not all given back to the OS afterwards.
after_total, after = held_by(True)
before_total, before = held_by(False)
same(round(before_total.item(), 4), round(after_total.item(), 4))
report(
    metric="memory",
    before=before,
    after=after,
    size=f"{STEPS} training steps of a 64-256-64-1 MLP on a batch of 32",
    before_label="total_loss += loss",
    after_label="total_loss += loss.detach()",
    conditions="resident memory added while the loop runs, its total kept; CPU, one thread",
    libs=("torch",),
)
