"""tf-function-created-in-loop: wrapping a function with tf.function inside a loop (a new trace every time)
vs creating it once outside."""
# requires: tensorflow
import tensorflow as tf

from _bench import best_time, report

STEPS = 30
x = tf.random.normal((128, 128))


def body(t):
    return tf.reduce_sum(tf.nn.relu(tf.matmul(t, t)))


def created_in_loop():
    total = 0.0
    for _ in range(STEPS):
        step = tf.function(body)
        total += float(step(x))
    return total


step_once = tf.function(body)


def created_once():
    total = 0.0
    for _ in range(STEPS):
        total += float(step_once(x))
    return total


report(
    metric="time",
    before=best_time(created_in_loop, repeat=3),
    after=best_time(created_once, repeat=3),
    size=f"{STEPS} steps of a 128x128 matmul",
    before_label="tf.function(body) inside the loop",
    after_label="step = tf.function(body) once, outside the loop",
    libs=("tensorflow",),
    repeat=3,
)
