"""torch-sync-in-training-loop: `loss.item()` every step (a CPU-GPU sync) vs accumulating on the device."""
# requires: torch, cuda
import torch
from torch import nn

from _bench import best_time, report

STEPS, BATCH, FEATURES = 200, 512, 1024
device = torch.device("cuda")
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(FEATURES, FEATURES), nn.ReLU(), nn.Linear(FEATURES, 1)).to(device)
opt = torch.optim.SGD(model.parameters(), lr=1e-4)
x = torch.randn(BATCH, FEATURES, device=device)
y = torch.randn(BATCH, 1, device=device)


def step():
    opt.zero_grad(set_to_none=True)
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    return loss


def item_every_step():
    total = 0.0
    for _ in range(STEPS):
        total += step().item()
    return total


def accumulate_on_device():
    total = torch.zeros((), device=device)
    for _ in range(STEPS):
        total += step().detach()
    return total.item()  # one sync at the end


report(
    metric="time",
    before=best_time(item_every_step, repeat=3),
    after=best_time(accumulate_on_device, repeat=3),
    size=f"{STEPS} training steps, batch {BATCH}, MLP {FEATURES}-{FEATURES}-1",
    before_label="total += loss.item() every step",
    after_label="total += loss.detach(); one .item() at the end",
    conditions=f"GPU: {torch.cuda.get_device_name(0)}",
    libs=("torch",),
    repeat=3,
)
