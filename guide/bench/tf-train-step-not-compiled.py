"""tf-train-step-not-compiled: a custom GradientTape train step run eagerly vs decorated with @tf.function."""
# requires: tensorflow
import tensorflow as tf

from _bench import best_time, report

STEPS, BATCH = 100, 64
tf.random.set_seed(0)
x = tf.random.normal((BATCH, 32))
y = tf.random.normal((BATCH, 1))


def make():
    model = tf.keras.Sequential([tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(64, activation="relu"), tf.keras.layers.Dense(1)])
    model(x)
    return model, tf.keras.optimizers.SGD(1e-3)


def train_step_for(model, opt):
    def train_step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=True) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return train_step


eager_step = train_step_for(*make())
graph_step = tf.function(train_step_for(*make()))
graph_step()  # trace outside the timed region


def run(step):
    return lambda: [step() for _ in range(STEPS)][-1].numpy()


report(
    metric="time",
    before=best_time(run(eager_step), repeat=3),
    after=best_time(run(graph_step), repeat=3),
    size=f"{STEPS} steps, batch {BATCH}, a small 3-layer Dense model",
    before_label="eager train_step()",
    after_label="@tf.function train_step()",
    conditions="small model, where Python overhead dominates; tracing done before timing",
    libs=("tensorflow",),
    repeat=3,
)
