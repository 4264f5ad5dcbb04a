import { defineRule } from '../../server/engine/rule';
import { FileFacts, positionalArguments, trainingLoops, trainSteps } from '../../server/analysis';

const POLICY_CALLS = new Set(['set_global_policy', 'set_dtype_policy', 'set_policy', 'Policy', 'DTypePolicy']);

/** Loss scaling is visibly handled: a LossScaleOptimizer, or explicit scaling calls. */
function scalesLoss(facts: FileFacts): boolean {
  return /LossScaleOptimizer|\.scale_loss\s*\(|get_scaled_loss|loss_scale_factor/.test(facts.text);
}

/** A custom TensorFlow training step: a GradientTape with apply_gradients / minimize (not just model.fit). */
function customTfTraining(facts: FileFacts): string | null {
  const step = trainSteps(facts).find((s) => s.framework === 'tf' && s.evidence.some((e) => /apply_gradients|minimize|gradient/.test(e.text)));
  if (step) return `\`${step.name}\``;
  const loop = trainingLoops(facts).find((l) => l.framework === 'tf' && l.evidence.some((e) => /apply_gradients|minimize/.test(e.text)));
  return loop ? 'the custom training loop' : null;
}

export default defineRule({
  id: 'tf-mixed-precision-custom-loop-unscaled',
  title: 'mixed_float16 policy with a custom training loop and no loss scaling',
  category: 'tensorflow',
  severity: 'info',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'tf-mixed-precision-and-distribution',
  requires: ['tensorflow'],
  message: 'A `mixed_float16` policy with a custom GradientTape loop needs loss scaling; wrap the optimizer in `LossScaleOptimizer`',
  docs: {
    why:
      'Keras applies loss scaling automatically only inside `model.fit`. A custom `GradientTape` loop under a ' +
      '`mixed_float16` policy computes float16 gradients that can underflow to zero, silently stalling training, ' +
      'unless the optimizer is a `LossScaleOptimizer` and the loss is scaled. (`mixed_bfloat16` needs no scaling ' +
      'and is not flagged.)',
    instead:
      'Wrap the optimizer: `optimizer = keras.mixed_precision.LossScaleOptimizer(optimizer)`, take gradients of ' +
      '`optimizer.scale_loss(loss)` and pass them to `apply_gradients` (which unscales them). Keep the model ' +
      'output in float32 (`dtype="float32"` on the last layer or activation).',
    example: {
      before:
        'keras.mixed_precision.set_dtype_policy("mixed_float16")\noptimizer = keras.optimizers.Adam()\n\n@tf.function\ndef train_step(x, y):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(y, model(x))\n    grads = tape.gradient(loss, model.trainable_variables)\n    optimizer.apply_gradients(zip(grads, model.trainable_variables))',
      after:
        'keras.mixed_precision.set_dtype_policy("mixed_float16")\noptimizer = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.Adam())\n\n@tf.function\ndef train_step(x, y):\n    with tf.GradientTape() as tape:\n        loss = optimizer.scale_loss(loss_fn(y, model(x)))\n    grads = tape.gradient(loss, model.trainable_variables)\n    optimizer.apply_gradients(zip(grads, model.trainable_variables))',
    },
  },
  query: `
(call
  function: [(identifier) @fn (attribute attribute: (identifier) @fn)]
  arguments: (argument_list (string) @policy)
  (#match? @policy "mixed_float16")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const fn = m.need('fn').text;
    // The policy name is the first argument (comments aside).
    if (!positionalArguments(call)[0]?.equals(m.need('policy'))) return;
    if (!POLICY_CALLS.has(fn) && !POLICY_CALLS.has(ctx.facts.calleeName(call)?.split('.').pop() ?? '')) return;
    const q = ctx.facts.calleeName(call);
    if (!q || !/^(tensorflow|keras|tf_keras)\./.test(q)) return;
    if (scalesLoss(ctx.facts)) return;
    const where = customTfTraining(ctx.facts);
    if (!where) return;
    ctx.report({
      node: call,
      message: `\`mixed_float16\` is set, but ${where} applies gradients without loss scaling; float16 gradients can underflow. Wrap the optimizer in \`LossScaleOptimizer\``,
    });
  },
});
