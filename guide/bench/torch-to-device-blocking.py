"""torch-to-device-blocking: batch.to(device) (blocking copy) vs .to(device, non_blocking=True) from pinned memory.

non_blocking only helps when the source is pinned, so both sides use pinned batches; the difference is
whether the copy can overlap with the GPU work of the previous step.
"""
# requires: torch, cuda
import torch

from _bench import best_time, report

BATCHES, SHAPE = 64, (256, 3, 64, 64)
device = torch.device("cuda")
host = [torch.randn(*SHAPE).pin_memory() for _ in range(4)]
weight = torch.randn(64 * 64, 64 * 64, device=device)


def loop(non_blocking):
    def run():
        acc = torch.zeros((), device=device)
        for i in range(BATCHES):
            x = host[i % len(host)].to(device, non_blocking=non_blocking)
            acc += (x.view(-1, 64 * 64) @ weight).mean()
        torch.cuda.synchronize()
        return float(acc)

    return run


report(
    metric="time",
    before=best_time(loop(False), repeat=3),
    after=best_time(loop(True), repeat=3),
    size=f"{BATCHES} batches of {SHAPE} float32 with a matmul per batch",
    before_label="x.to(device)",
    after_label="x.to(device, non_blocking=True)",
    conditions=f"pinned host memory on both sides; GPU: {torch.cuda.get_device_name(0)}",
    libs=("torch",),
    repeat=3,
)
