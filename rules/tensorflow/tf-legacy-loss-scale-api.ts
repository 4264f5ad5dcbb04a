import { defineRule } from '../../server/engine/rule';
import { FileFacts } from '../../server/analysis';

const REPLACEMENT: Record<string, string> = {
  get_scaled_loss: '`optimizer.scale_loss(loss)`',
  get_unscaled_gradients: 'nothing: `apply_gradients` unscales them',
};

/** Files pinned to Keras 2 on purpose (tf-keras package, or TF_USE_LEGACY_KERAS), where the old API still exists. */
function usesLegacyKeras(facts: FileFacts): boolean {
  return facts.importsModule('tf_keras') || /TF_USE_LEGACY_KERAS/.test(facts.text);
}

export default defineRule({
  id: 'tf-legacy-loss-scale-api',
  title: 'get_scaled_loss / get_unscaled_gradients (Keras 2 only)',
  category: 'tensorflow',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'tf-mixed-precision-and-distribution',
  requires: ['tensorflow', 'keras'],
  message: '`get_scaled_loss` / `get_unscaled_gradients` were removed in Keras 3 (TensorFlow 2.16+); use `LossScaleOptimizer.scale_loss`',
  docs: {
    why:
      '`LossScaleOptimizer.get_scaled_loss()` and `get_unscaled_gradients()` belong to Keras 2 (TensorFlow 2.15 and ' +
      'earlier). Keras 3, the default from TensorFlow 2.16, removed them, so this code raises `AttributeError` there. ' +
      'Plain optimizers (`Adam`, `SGD`) never had them.',
    instead:
      'Wrap the optimizer in `keras.mixed_precision.LossScaleOptimizer(opt)`, compute `scaled = optimizer.scale_loss(loss)` ' +
      'inside the tape, take gradients of `scaled`, and pass them to `apply_gradients`, which unscales them and skips ' +
      'non-finite steps. With `model.fit`, loss scaling is automatic.',
    example: {
      before:
        'with tf.GradientTape() as tape:\n    loss = loss_fn(y, model(x))\n    scaled = optimizer.get_scaled_loss(loss)\n' +
        'grads = optimizer.get_unscaled_gradients(tape.gradient(scaled, model.trainable_variables))',
      after:
        'optimizer = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.Adam())\nwith tf.GradientTape() as tape:\n' +
        '    loss = loss_fn(y, model(x))\n    scaled = optimizer.scale_loss(loss)\ngrads = tape.gradient(scaled, model.trainable_variables)',
    },
  },
  query: `
(call
  function: (attribute object: (_) @recv attribute: (identifier) @m)
  (#any-of? @m "get_scaled_loss" "get_unscaled_gradients")) @call`,
  check(m, ctx) {
    if (usesLegacyKeras(ctx.facts)) return;
    // `if hasattr(opt, "get_scaled_loss"): ...` supports Keras 2 and 3 on purpose.
    if (/hasattr\([^)]*["']get_(scaled_loss|unscaled_gradients)["']/.test(ctx.text)) return;
    const method = m.need('m').text;
    ctx.report({
      start: m.need('m').startIndex,
      end: m.need('call').endIndex,
      message: `\`${m.need('recv').text}.${method}()\` is a Keras 2 API removed in Keras 3 (TensorFlow 2.16+); use ${REPLACEMENT[method]} with \`LossScaleOptimizer\``,
    });
  },
});
