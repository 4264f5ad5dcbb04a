"""Feature engineering helpers for the churn model."""
import time
from functools import lru_cache

import numpy as np


def timed(func):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        print(f"{func.__name__}: {time.perf_counter() - start:.3f}s")
        return result
    return wrapper


@timed
def normalise(values: np.ndarray) -> np.ndarray:
    out = np.empty_like(values)
    mean = values.mean()
    std = values.std()
    for i in range(len(values)):
        out[i] = (values[i] - mean) / std
    return out


def positive_scores(scores):
    result = []
    for s in scores:
        if s > 0:
            result.append(s * 100)
    return result


def weighted_total(weights, values):
    return sum([w * v for w, v in zip(weights, values)])


def to_csv_line(fields):
    line = ""
    for field in fields:
        line += str(field) + ","
    return line


class FeatureStore:
    def __init__(self, path):
        self.path = path

    @lru_cache(maxsize=1024)
    def lookup(self, key):
        handle = open(self.path)
        for row in handle:
            if row.startswith(key):
                return row
        return None


def drain(jobs):
    pending = list(jobs)
    finished = []
    while pending:
        finished.append(pending.pop(0))
    return finished
