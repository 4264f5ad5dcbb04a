"""torch-tensor-created-then-moved: torch.zeros(...).to(device) per step vs torch.zeros(..., device=device)."""
# requires: torch, cuda
import torch

from _bench import best_time, report

STEPS = 500
BATCH, WIDTH = 256, 1024
device = torch.device("cuda")


def loop(on_device):
    def run():
        acc = torch.zeros((), device=device)
        for _ in range(STEPS):
            if on_device:
                h = torch.zeros(BATCH, WIDTH, device=device)
            else:
                h = torch.zeros(BATCH, WIDTH).to(device)
            acc += h.sum()
        torch.cuda.synchronize()
        return float(acc)

    return run


report(
    metric="time",
    before=best_time(loop(False), repeat=3),
    after=best_time(loop(True), repeat=3),
    size=f"{STEPS} steps, each making a {BATCH}x{WIDTH} float32 state tensor",
    before_label="torch.zeros(...).to(device) every step",
    after_label="torch.zeros(..., device=device)",
    conditions=f"GPU: {torch.cuda.get_device_name(0)}",
    libs=("torch",),
    repeat=3,
)
