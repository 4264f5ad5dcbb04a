"""tf-keras-predict-per-sample: model.predict on one sample per loop iteration vs one predict call on the stacked samples."""
# requires: tensorflow
import numpy as np
import tensorflow as tf

from _bench import best_time, report, same

SAMPLES, FEATURES = 200, 32

tf.random.set_seed(0)
model = tf.keras.Sequential([tf.keras.Input((FEATURES,)), tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(1)])
inputs = np.random.default_rng(0).standard_normal((SAMPLES, FEATURES)).astype("float32")


def per_sample():
    return np.concatenate([model.predict(np.expand_dims(x, 0), verbose=0) for x in inputs])


def batched():
    return model.predict(inputs, batch_size=64, verbose=0)


same(np.round(per_sample(), 4), np.round(batched(), 4))
report(
    metric="time",
    before=best_time(per_sample, repeat=3),
    after=best_time(batched, repeat=3),
    size=f"{SAMPLES} samples through a 2-layer MLP ({FEATURES}-64-1)",
    before_label="model.predict(np.expand_dims(x, 0)) per sample",
    after_label="one model.predict(x, batch_size=64)",
    conditions="CPU",
    libs=("tensorflow",),
    repeat=3,
)
