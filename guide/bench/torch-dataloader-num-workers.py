"""torch-dataloader-num-workers: DataLoader with num_workers=0 (loading in the training process) vs workers.

Each sample costs about 2 ms to "load" (a sleep standing in for reading a file) plus a little tensor work.
With num_workers=0 the loop waits for every sample in turn; worker processes load batches in parallel.
"""
# requires: torch
import time

import torch
from torch.utils.data import DataLoader, Dataset

from _bench import best_time, report, same

SAMPLES = 256
BATCH = 32
WORKERS = 4


class SlowDataset(Dataset):
    def __len__(self):
        return SAMPLES

    def __getitem__(self, i):
        time.sleep(0.002)  # stands in for reading and decoding one file
        g = torch.Generator().manual_seed(i)
        return torch.rand(3, 32, 32, generator=g).mul_(2).sub_(1), i % 10


def epoch(loader):
    total = 0.0
    for x, y in loader:
        total += float(x.sum()) + int(y.sum())
    return round(total, 3)


if __name__ == "__main__":
    torch.set_num_threads(1)
    data = SlowDataset()
    serial = DataLoader(data, batch_size=BATCH, num_workers=0)
    parallel = DataLoader(data, batch_size=BATCH, num_workers=WORKERS, persistent_workers=True)
    same(epoch(serial), epoch(parallel))
    report(
        metric="time",
        before=best_time(lambda: epoch(serial), repeat=3),
        after=best_time(lambda: epoch(parallel), repeat=3),
        size=f"{SAMPLES} samples of 3x32x32 in batches of {BATCH}, ~2 ms load time each",
        before_label="DataLoader(num_workers=0)",
        after_label=f"DataLoader(num_workers={WORKERS}, persistent_workers=True)",
        conditions="per-sample load time simulated with a sleep; worker start-up excluded (persistent workers, warm-up epoch)",
        libs=("torch",),
        repeat=3,
    )
