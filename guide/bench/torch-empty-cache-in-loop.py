"""torch-empty-cache-in-loop: torch.cuda.empty_cache() every iteration vs leaving the caching allocator alone."""
# requires: torch, cuda
import torch

from _bench import best_time, report

STEPS = 200
device = torch.device("cuda")


def loop(empty_each_step):
    def run():
        acc = torch.zeros((), device=device)
        for _ in range(STEPS):
            a = torch.randn(2048, 2048, device=device)
            acc += (a @ a).mean()
            del a
            if empty_each_step:
                torch.cuda.empty_cache()
        torch.cuda.synchronize()
        return float(acc)

    return run


report(
    metric="time",
    before=best_time(loop(True), repeat=3),
    after=best_time(loop(False), repeat=3),
    size=f"{STEPS} iterations allocating a 2048x2048 float32 tensor",
    before_label="torch.cuda.empty_cache() every iteration",
    after_label="no empty_cache() (the allocator reuses its cached blocks)",
    conditions=f"GPU: {torch.cuda.get_device_name(0)}",
    libs=("torch",),
    repeat=3,
)
