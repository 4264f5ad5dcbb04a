"""torch-compile-opportunity: an eager training step vs the same model under torch.compile (PyTorch 2.0+)."""
# requires: torch
import torch
from torch import nn

from _bench import best_time, report, skip

if not hasattr(torch, "compile"):
    skip(f"torch.compile needs PyTorch 2.0 or later; this interpreter has {torch.__version__}")

BATCH, FEATURES, STEPS = 256, 512, 20
torch.manual_seed(0)
device = "cuda" if torch.cuda.is_available() else "cpu"
x = torch.randn(BATCH, FEATURES, device=device)
y = torch.randn(BATCH, 1, device=device)


def make():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(FEATURES, 1024), nn.GELU(), nn.Linear(1024, 1024), nn.GELU(), nn.Linear(1024, 1)).to(device)
    return model, torch.optim.SGD(model.parameters(), lr=1e-3)


def train(model, opt):
    def run():
        for _ in range(STEPS):
            opt.zero_grad(set_to_none=True)
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
        if device == "cuda":
            torch.cuda.synchronize()
        return float(loss)

    return run


eager_model, eager_opt = make()
compiled_model, compiled_opt = make()
compiled_model = torch.compile(compiled_model)
with torch.no_grad():  # same weights, same function: the compiled model must agree before training
    assert torch.allclose(eager_model(x), compiled_model(x), atol=1e-5)
eager = train(eager_model, eager_opt)
compiled = train(compiled_model, compiled_opt)
compiled()  # compile outside the timed region
report(
    metric="time",
    before=best_time(eager, repeat=3),
    after=best_time(compiled, repeat=3),
    size=f"{STEPS} training steps, batch {BATCH}, a 3-layer MLP ({FEATURES}-1024-1024-1) on {device}",
    before_label="eager model",
    after_label="torch.compile(model)",
    conditions="compilation done before timing; gains are largest for models with many small element-wise ops",
    libs=("torch",),
    repeat=3,
)
