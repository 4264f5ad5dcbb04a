"""torch-dataloader-pin-memory: host-to-GPU copies of DataLoader batches from pageable vs pinned memory."""
# requires: torch, cuda
import torch
from torch.utils.data import DataLoader, TensorDataset

from _bench import best_time, report

SAMPLES, BATCH = 4_096, 256
data = TensorDataset(torch.randn(SAMPLES, 3, 64, 64), torch.randint(0, 10, (SAMPLES,)))
device = torch.device("cuda")


def epoch(loader):
    def run():
        total = torch.zeros((), device=device)
        for x, y in loader:
            x = x.to(device, non_blocking=True)
            total += x.mean()
        torch.cuda.synchronize()
        return float(total)

    return run


pageable = DataLoader(data, batch_size=BATCH, pin_memory=False)
pinned = DataLoader(data, batch_size=BATCH, pin_memory=True)
report(
    metric="time",
    before=best_time(epoch(pageable), repeat=3),
    after=best_time(epoch(pinned), repeat=3),
    size=f"{SAMPLES:,} samples of 3x64x64 float32 in batches of {BATCH}",
    before_label="DataLoader(pin_memory=False)",
    after_label="DataLoader(pin_memory=True) with .to(device, non_blocking=True)",
    conditions=f"GPU: {torch.cuda.get_device_name(0)}",
    libs=("torch",),
    repeat=3,
)
