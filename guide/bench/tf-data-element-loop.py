"""tf-data-element-loop: collecting a dataset one element at a time vs iterating batches of 1,024 as NumPy."""
# requires: tensorflow
import numpy as np
import tensorflow as tf

from _bench import best_time, report, same

ELEMENTS = 20_000

data = np.random.default_rng(0).random((ELEMENTS, 32), dtype=np.float32)
ds = tf.data.Dataset.from_tensor_slices({"x": data})


def per_element():
    xs = []
    for e in ds:
        xs.append(e["x"])
    return np.array(xs)


def batched():
    xs = []
    for b in ds.batch(1024).as_numpy_iterator():
        xs.append(b["x"])
    return np.concatenate(xs)


same(per_element().tolist(), batched().tolist())
report(
    metric="time",
    before=best_time(per_element, repeat=3),
    after=best_time(batched, repeat=3),
    size=f"{ELEMENTS:,} elements of 32 float32 values",
    before_label="for e in ds: xs.append(e['x'])",
    after_label="for b in ds.batch(1024).as_numpy_iterator(): xs.append(b['x'])",
    libs=("tensorflow",),
    repeat=3,
)
