import { defineRule } from '../../server/engine/rule';
import { below, declaredFloor, declaresPackage, FileFacts, pinnedCeiling, type FileProbe, type Version } from '../../server/analysis';

const REPLACEMENT: Record<string, string> = {
  get_scaled_loss: '`optimizer.scale_loss(loss)`',
  get_unscaled_gradients: 'nothing: `apply_gradients` unscales them',
};

/** Files pinned to Keras 2 on purpose (tf-keras package, or TF_USE_LEGACY_KERAS), where the old API still exists. */
function usesLegacyKeras(facts: FileFacts): boolean {
  return facts.importsModule('tf_keras') || /TF_USE_LEGACY_KERAS/.test(facts.text);
}

/** The first releases with Keras 3, where the old API is gone and `scale_loss` exists: TensorFlow 2.16, Keras 3.0. */
const KERAS_3: Record<string, Version> = {
  tensorflow: [2, 16],
  'tensorflow-gpu': [2, 16],
  'tensorflow-cpu': [2, 16],
  'tensorflow-macos': [2, 16],
  keras: [3, 0],
  // Released in step with TensorFlow, each version built for the TensorFlow of the same minor version: a cap below 2.16
  // keeps the project on the TensorFlow of Keras 2.
  'tf-models-official': [2, 16],
  'tensorflow-text': [2, 16],
  // TensorFlow 2.14 and later need NumPy 1.23.5 or newer: a project capping NumPy below 1.23 cannot install them.
  numpy: [1, 23],
};

/**
 * The project's requirement files keep it on Keras 2: a cap below TensorFlow 2.16 or Keras 3 (automl's efficientdet pins
 * `tensorflow>=2.10.0,<2.16.0`), or the `tf-keras` package (Keras 2 for TensorFlow 2.16+). There `get_scaled_loss` is the
 * right API and `scale_loss` does not exist.
 */
function pinnedToKeras2(filePath: string | undefined, files: FileProbe): boolean {
  for (const [pkg, first] of Object.entries(KERAS_3)) {
    // Every layer of requirements above the file: a package vendored into another is installed with the other's pins.
    const cap = pinnedCeiling(pkg, filePath, files, 'all');
    if (cap && below(cap, first)) return true;
  }
  if (declaresPackage('tf-keras', filePath, files) === true || declaresPackage('tf_keras', filePath, files) === true) return true;
  // TensorFlow Addons never supported Keras 3: its last release, 0.23, runs on TensorFlow 2.13-2.15, so a project capping it
  // (OpenNMT-tf's `tensorflow-addons>=0.16,<0.22`, its TensorFlow range computed in setup.py) installs a Keras 2 TensorFlow
  // with it. A declared TensorFlow 2.16 floor says otherwise and wins.
  const addons = pinnedCeiling('tensorflow-addons', filePath, files, 'all');
  return !!addons && below(addons, [0, 24]) && !requiresKeras3(filePath, files);
}

/** The project declares it needs Keras 3: TensorFlow 2.16 or later, or Keras 3 or later, as its lowest supported version. */
function requiresKeras3(filePath: string | undefined, files: FileProbe): boolean {
  const tf = declaredFloor('tensorflow', filePath, files);
  const keras = declaredFloor('keras', filePath, files);
  return (tf !== null && !below(tf, [2, 16])) || (keras !== null && !below(keras, [3, 0]));
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
  message:
    '`get_scaled_loss` / `get_unscaled_gradients` exist only in Keras 2 and raise `AttributeError` on Keras 3 (TF 2.16+), where `scale_loss` replaces them',
  docs: {
    why:
      '`LossScaleOptimizer.get_scaled_loss()` and `get_unscaled_gradients()` belong to Keras 2 (TensorFlow 2.15 and ' +
      'earlier). Keras 3, the default from TensorFlow 2.16, removed them, so this code raises `AttributeError` there. ' +
      'Plain optimizers (`Adam`, `SGD`) never had them. Where the project stays on Keras 2 (a requirement capping ' +
      'TensorFlow below 2.16 or Keras below 3, a `tf-models-official` or `tensorflow-text` below 2.16, NumPy below 1.23, in the ' +
      "requirements of the file's folder or of a project it is vendored into; the `tf-keras` package; `TF_USE_LEGACY_KERAS`), " +
      'they are the right API and nothing is reported.',
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
    // `if hasattr(opt, "get_scaled_loss"): ...` supports Keras 2 and 3 on purpose; so does `if 'get_scaled_loss' in
    // dir(optimizer):` (tf-keras-vis, review74: both findings judged wrong).
    if (/hasattr\([^)]*["']get_(scaled_loss|unscaled_gradients)["']|["']get_(scaled_loss|unscaled_gradients)["']\s+in\s+dir\(/.test(ctx.text)) return;
    // A blind review judged both findings in automl's efficientdet wrong: its requirements pin TensorFlow below 2.16.
    if (pinnedToKeras2(ctx.filePath, ctx.files)) return;
    const method = m.need('m').text;
    const call = `\`${m.need('recv').text}.${method}()\``;
    // Where the project's pins are not known, the code may well run on Keras 2, where the call is right: the message
    // says when it breaks rather than that it is broken.
    const message = requiresKeras3(ctx.filePath, ctx.files)
      ? `${call} is a Keras 2 API, and this project requires TensorFlow 2.16+ (Keras 3), which removed it; use ${REPLACEMENT[method]} with \`LossScaleOptimizer\``
      : `${call} exists only in Keras 2 (TensorFlow 2.15 and earlier) and raises \`AttributeError\` on Keras 3 (TensorFlow 2.16+); when moving to Keras 3, use ${REPLACEMENT[method]} with \`LossScaleOptimizer\``;
    ctx.report({ start: m.need('m').startIndex, end: m.need('call').endIndex, message });
  },
});
