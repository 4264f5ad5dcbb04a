"""Fixture for the Neovim client test: findings on known lines (see scripts/e2e/neovim.mjs)."""
import asyncio
import time


def logged(func):
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)
    return wrapper


async def poll(client):
    while not client.ready():
        time.sleep(0.5)
    await asyncio.sleep(0)


def total(values):
    return sum([v * 2 for v in values])


@logged
def handle(event):
    """Return the event unchanged (its docstring is what the missing functools.wraps hides)."""
    return event


def ready(status):
    return status is "ready"


def clean(path):
    import pandas as pd

    df = pd.read_csv(path)
    df["price"].fillna(0, inplace=True)
    return df


def train(model, loader, optimizer):
    import torch

    total = 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss
    return total


# Imported here to keep the lines above where diagnostics.lua expects them.
import requests  # noqa: E402


def rates(url):
    return requests.get(url).json()
