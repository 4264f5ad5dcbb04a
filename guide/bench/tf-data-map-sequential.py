"""tf-data-map-sequential: Dataset.map without num_parallel_calls vs num_parallel_calls=tf.data.AUTOTUNE."""
# requires: tensorflow
import tensorflow as tf

from _bench import best_time, report

ELEMENTS = 2_000


def preprocess(i):
    x = tf.random.stateless_normal((64, 64), seed=tf.stack([i, 0]))
    for _ in range(4):
        x = tf.nn.relu(tf.matmul(x, x) * 0.01)
    return tf.reduce_mean(x)


def run(dataset):
    def consume():
        total = 0.0
        for v in dataset:
            total += float(v)
        return total

    return consume


base = tf.data.Dataset.range(ELEMENTS)
sequential = base.map(preprocess).batch(32)
parallel = base.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE).batch(32)
report(
    metric="time",
    before=best_time(run(sequential), repeat=3),
    after=best_time(run(parallel), repeat=3),
    size=f"{ELEMENTS:,} elements, each four 64x64 matmuls",
    before_label="dataset.map(preprocess)",
    after_label="dataset.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE)",
    libs=("tensorflow",),
    repeat=3,
)
