"""torch-dataparallel: nn.DataParallel (one process, threads per GPU) vs DistributedDataParallel (a process per GPU)."""
# requires: torch, cuda2
import os
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

from _bench import report

STEPS, BATCH, FEATURES = 100, 512, 2048


def make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(FEATURES, FEATURES), nn.ReLU(), nn.Linear(FEATURES, FEATURES), nn.ReLU(), nn.Linear(FEATURES, 1))


def train(model, device, batch):
    opt = torch.optim.SGD(model.parameters(), lr=1e-4)
    x = torch.randn(batch, FEATURES, device=device)
    y = torch.randn(batch, 1, device=device)
    for i in range(STEPS + 5):
        if i == 5:
            torch.cuda.synchronize()
            start = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    torch.cuda.synchronize()
    return time.perf_counter() - start


def ddp_worker(rank, world, result):
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29531")
    dist.init_process_group("nccl", rank=rank, world_size=world)
    torch.cuda.set_device(rank)
    model = nn.parallel.DistributedDataParallel(make_model().cuda(rank), device_ids=[rank])
    elapsed = train(model, torch.device("cuda", rank), BATCH // world)
    if rank == 0:
        result.put(elapsed)
    dist.destroy_process_group()


if __name__ == "__main__":
    gpus = torch.cuda.device_count()
    dp_time = train(nn.DataParallel(make_model().cuda()), torch.device("cuda"), BATCH)
    queue = mp.get_context("spawn").SimpleQueue()
    mp.spawn(ddp_worker, args=(gpus, queue), nprocs=gpus, join=True)
    report(
        metric="time",
        before=dp_time,
        after=queue.get(),
        size=f"{STEPS} steps, global batch {BATCH}, MLP with 3 layers of width {FEATURES}, {gpus} GPUs",
        before_label="nn.DataParallel",
        after_label="DistributedDataParallel (one process per GPU, NCCL)",
        conditions=f"GPUs: {torch.cuda.get_device_name(0)}; one timed run each after 5 warm-up steps",
        libs=("torch",),
    )
