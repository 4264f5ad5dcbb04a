"""tf-keras-fit-python-generator: fit on a plain generator vs a keras.utils.Sequence with parallel workers."""
# requires: tensorflow
import time

import numpy as np
import tensorflow as tf

from _bench import best_time, report

BATCHES, BATCH = 40, 32


def prepare(i):
    # Stands for loading and augmenting one image: CPU work per sample, outside TensorFlow.
    time.sleep(0.002)
    return np.full((32, 32, 3), i % 7, dtype=np.float32)


def generator():
    while True:
        for b in range(BATCHES):
            yield np.stack([prepare(b * BATCH + j) for j in range(BATCH)]), np.zeros(BATCH)


class Batches(tf.keras.utils.Sequence):
    def __len__(self):
        return BATCHES

    def __getitem__(self, b):
        return np.stack([prepare(b * BATCH + j) for j in range(BATCH)]), np.zeros(BATCH)


model = tf.keras.Sequential([tf.keras.layers.Flatten(), tf.keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")

report(
    metric="time",
    before=best_time(lambda: model.fit(generator(), steps_per_epoch=BATCHES, epochs=1, verbose=0), repeat=3),
    after=best_time(lambda: model.fit(Batches(), epochs=1, verbose=0, workers=4), repeat=3),
    size=f"{BATCHES} batches of {BATCH} samples, 2 ms of preparation per sample",
    before_label="model.fit(generator())",
    after_label="model.fit(Sequence, workers=4)",
    libs=("tensorflow",),
    repeat=3,
)
