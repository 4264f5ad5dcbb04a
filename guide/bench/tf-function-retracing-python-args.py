"""tf-function-retracing-python-args: calling a tf.function with a new Python scalar each time (a retrace per
value) vs passing it as a tensor (one trace)."""
# requires: tensorflow
import tensorflow as tf

from _bench import best_time, report

CALLS = 50
x = tf.random.normal((256, 256))


@tf.function(reduce_retracing=False)
def scale(t, factor):
    return tf.reduce_sum(tf.matmul(t, t) * factor)


def python_scalars():
    return [float(scale(x, 1.0 + i / 100)) for i in range(CALLS)]


def tensors():
    return [float(scale(x, tf.constant(1.0 + i / 100))) for i in range(CALLS)]


report(
    metric="time",
    before=best_time(python_scalars, repeat=3, number=1),
    after=best_time(tensors, repeat=3, number=1),
    size=f"{CALLS} calls with a different factor each, 256x256 matmul",
    before_label="scale(x, 1.0 + i / 100) (Python float: a new trace per value)",
    after_label="scale(x, tf.constant(1.0 + i / 100)) (one trace)",
    conditions="the first round traces every value; later rounds hit the trace cache, so the measured gap is the per-call dispatch cost",
    libs=("tensorflow",),
    repeat=3,
)
