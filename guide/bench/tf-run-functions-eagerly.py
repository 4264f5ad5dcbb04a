"""tf-run-functions-eagerly: a tf.function step with tf.config.run_functions_eagerly(True) left on vs off."""
# requires: tensorflow
import tensorflow as tf

from _bench import best_time, report

STEPS = 200
x = tf.random.normal((64, 64))


@tf.function
def step(t):
    for _ in range(10):
        t = tf.nn.relu(tf.matmul(t, t) * 0.01)
    return tf.reduce_sum(t)


def run():
    total = 0.0
    for _ in range(STEPS):
        total += float(step(x))
    return total


def eager():
    tf.config.run_functions_eagerly(True)
    try:
        return run()
    finally:
        tf.config.run_functions_eagerly(False)


report(
    metric="time",
    before=best_time(eager, repeat=3),
    after=best_time(run, repeat=3),
    size=f"{STEPS} calls of a 10-op graph on 64x64 tensors",
    before_label="tf.config.run_functions_eagerly(True)",
    after_label="graph execution (the default)",
    libs=("tensorflow",),
    repeat=3,
)
