"""tf-data-missing-prefetch: an input pipeline without .prefetch() (loading and training alternate) vs with it."""
# requires: tensorflow
import time

import tensorflow as tf

from _bench import best_time, report

BATCHES = 100


def slow_load(i):
    time.sleep(0.005)  # stands in for reading a shard
    return i


def load(i):
    return tf.py_function(slow_load, [i], tf.int64)


def train(dataset):
    def epoch():
        total = 0
        for batch in dataset:
            time.sleep(0.005)  # stands in for a training step
            total += int(batch)
        return total

    return epoch


base = tf.data.Dataset.range(BATCHES).map(load)
report(
    metric="time",
    before=best_time(train(base), repeat=3),
    after=best_time(train(base.prefetch(tf.data.AUTOTUNE)), repeat=3),
    size=f"{BATCHES} batches, 5 ms to load and 5 ms to train each",
    before_label="pipeline without prefetch",
    after_label=".prefetch(tf.data.AUTOTUNE)",
    conditions="loading and training simulated with sleeps, so only the overlap is measured",
    libs=("tensorflow",),
    repeat=3,
)
