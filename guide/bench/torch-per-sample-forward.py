"""torch-per-sample-forward: calling the model once per sample in a Python loop vs one batched call."""
# requires: torch
import torch
from torch import nn

from _bench import best_time, report

SAMPLES = 2_048
FEATURES = 128

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(FEATURES, 256), nn.ReLU(), nn.Linear(256, 10)).eval()
inputs = torch.randn(SAMPLES, FEATURES)


@torch.inference_mode()
def per_sample():
    return torch.stack([model(inputs[i]) for i in range(SAMPLES)])


@torch.inference_mode()
def batched():
    return model(inputs)


assert torch.allclose(per_sample(), batched(), atol=1e-5)
report(
    metric="time",
    before=best_time(per_sample, repeat=3),
    after=best_time(batched, repeat=3),
    size=f"{SAMPLES:,} samples through a 2-layer MLP ({FEATURES}-256-10) on the CPU",
    before_label="model(x[i]) for each sample",
    after_label="model(x) on the whole batch",
    conditions=f"CPU, torch.get_num_threads() = {torch.get_num_threads()}; on a GPU each call also pays a kernel launch",
    libs=("torch",),
    repeat=3,
)
