"""tf-tensor-python-iteration: a comprehension over an eager tensor vs over its .numpy() values."""
# requires: tensorflow
import tensorflow as tf

from _bench import best_time, report, same

N = 256
idxs = tf.random.uniform((N,), minval=0, maxval=10_000, dtype=tf.int32, seed=0)


def per_element():
    return [int(i) for i in idxs]


def converted():
    return [int(i) for i in idxs.numpy()]


same(per_element(), converted())
report(
    metric="time",
    before=best_time(per_element, repeat=5),
    after=best_time(converted, repeat=5),
    size=f"{N} indices (one batch of a sampler)",
    before_label="[int(i) for i in idxs]",
    after_label="[int(i) for i in idxs.numpy()]",
    libs=("tensorflow",),
    repeat=5,
)
