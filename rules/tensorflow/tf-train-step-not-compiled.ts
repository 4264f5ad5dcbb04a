import { defineRule } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import {
  definitionsNamed,
  definitionStatement,
  enclosingClass,
  FileFacts,
  findDescendants,
  isNestedScope,
  identifiersSpelledInFile,
  tfFunctionOf,
  tfFunctions,
  decoratorCallee,
  decoratorsOf,
  trainStepOf,
  type TrainStep,
} from '../../server/analysis';
import { ensureImport, indentAt, insertAt, lineStartOf } from '../../server/fixes';

/** Keras compiles these overrides itself when `fit` / `evaluate` / `predict` run. */
const KERAS_OVERRIDES = new Set(['train_step', 'test_step', 'predict_step', 'compute_loss']);

export default defineRule({
  id: 'tf-train-step-not-compiled',
  title: 'A custom GradientTape train step without @tf.function',
  category: 'tensorflow',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'tf-function-and-tracing',
  requires: ['tensorflow'],
  message: 'This GradientTape train step runs eagerly, op by op; decorate it with `@tf.function` to run it as a graph',
  docs: {
    why:
      'Outside `tf.function`, every op of the step (forward pass, gradient computation, optimizer update) is ' +
      'dispatched from Python one at a time. Compiled into a graph, the whole step runs without returning to ' +
      'Python and can be optimised (and with `jit_compile=True`, fused by XLA); small and medium models often ' +
      'train several times faster.',
    instead:
      'Decorate the step with `@tf.function`, pass batches as tensors (Python values retrace), and use `tf.print` ' +
      'inside it. Functions that only compute gradients (no `apply_gradients`/`minimize` of them), steps that call `.numpy()`, NumPy functions, `setattr`/`delattr`, `Model.predict` or a Python environment (`env.step`), or draw NumPy or Python ' +
      'random numbers themselves or through a helper of the file (frozen at trace time), Keras `train_step` overrides, ' +
      'steps already called from a `tf.function`, `tf.custom_gradient` functions (and defs nested in them) and TensorFlow 1 ' +
      'session code are not flagged.',
    example: {
      before:
        'def train_step(x, y):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(y, model(x, training=True))\n    grads = tape.gradient(loss, model.trainable_variables)\n    optimizer.apply_gradients(zip(grads, model.trainable_variables))',
      after:
        '@tf.function\ndef train_step(x, y):\n    with tf.GradientTape() as tape:\n        loss = loss_fn(y, model(x, training=True))\n    grads = tape.gradient(loss, model.trainable_variables)\n    optimizer.apply_gradients(zip(grads, model.trainable_variables))',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Decorate with @tf.function',
    reason: 'Python side effects in the step then run only while tracing, and Python-value arguments cause retracing',
  },
  query: `(function_definition name: (identifier) @name) @def`,
  check(m, ctx) {
    const def = m.need('def');
    const facts = ctx.facts;
    const step = trainStepOf(def, facts);
    if (!step || step.framework !== 'tf') return;
    if (tfFunctionOf(def, facts) || step.compiled) return;
    const name = m.need('name').text;
    if (enclosingClass(def) && KERAS_OVERRIDES.has(name)) return;
    // Gradients alone (integrated gradients, saliency, per-example gradients) or an update without them (zero
    // gradients applied once to create an optimizer's slots): not a training step, whose graph would run every batch.
    if (!updatesWeightsFromGradients(step)) return;
    // `.numpy()` or `.item()`-style host reads only work eagerly: the author wants eager here.
    if (/\.numpy\s*\(/.test(def.text)) return;
    // NumPy calls on the step's tensors, `setattr`/`delattr` on layers, or a helper of the file that reads `.numpy()`:
    // host work that runs once while tracing (or fails on symbolic tensors), so the step cannot simply be decorated.
    if (doesHostWork(def, facts)) return;
    // NumPy or Python randomness (GAN noise, dropout masks) would be drawn once, while tracing, and frozen into the graph.
    if (drawsHostRandomness(def, facts) || callsHostRandomHelper(def, facts)) return;
    // Keras refuses `Model.predict` inside a tf.function, and a Python environment (`env.step(int(action))`) needs
    // concrete values: such a step (reinforcement learning, replay buffers) is eager on purpose.
    if (/\.predict\s*\(|\b\w*env\w*\.(step|reset)\s*\(/i.test(bodyText(def))) return;
    if (calledFromTfFunction(name, facts)) return;
    // The forward and backward pass already run in a tf.function this step calls (`grads = backprop(x, y)`): what is
    // left eager is the optimizer update, and the message would be wrong about the step running op by op.
    if (!/\bGradientTape\b/.test(def.text) && callsTfFunction(def, facts)) return;
    // TensorFlow 1 graph mode: the step is called once to build the graph that a session then runs.
    if (opensGraphSession(facts) || usesSessionApis(facts)) return;
    // A custom gradient's forward or backward function (or one nested in it): TensorFlow calls it while it
    // differentiates the caller, so compiling belongs to whatever runs the caller, not to this def.
    if (insideCustomGradient(def, facts)) return;
    const tf = ensureImport(facts, 'tensorflow');
    const stmt = definitionStatement(def);
    const at = lineStartOf(ctx.text, stmt.startIndex);
    ctx.report({
      node: m.need('name'),
      message: `Train step \`${name}\` runs eagerly, op by op; decorate it with \`@tf.function\` to run it as a graph`,
      edits: [...tf.edits, insertAt(at, `${indentAt(ctx.text, stmt.startIndex)}@${tf.ref}.function${detectEol(ctx.text)}`)],
    });
  },
});

const GRAPH_SESSIONS = ['Session', 'InteractiveSession', 'MonitoredTrainingSession'];
const SESSION_CALLS = /^tensorflow\.(compat\.v1\.)?(train\.)?(Session|InteractiveSession|MonitoredTrainingSession)$/;

/** The file opens a TensorFlow 1 session (`tf.Session()`, `tf.compat.v1.Session()`, `MonitoredTrainingSession`). */
function opensGraphSession(facts: FileFacts): boolean {
  if (!/Session\s*\(/.test(facts.text)) return false;
  return GRAPH_SESSIONS.some((name) =>
    identifiersSpelledInFile(facts, name).some((id) => {
      const callee = id.parent?.type === 'attribute' ? id.parent : id;
      const call = callee.parent;
      return call?.type === 'call' && call.childForFieldName('function')?.equals(callee) === true && SESSION_CALLS.test(facts.calleeName(call) ?? '');
    }),
  );
}

/** TensorFlow 1 graph-mode calls: the file builds ops once and runs them in a session it receives. */
const TF1_GRAPH_CALLS =
  /^tensorflow\.(compat\.v1\.)?(train\.get_global_step|train\.get_or_create_global_step|get_default_session|placeholder|global_variables_initializer)$/;
const TF1_WORDS = ['get_global_step', 'get_or_create_global_step', 'get_default_session', 'placeholder', 'global_variables_initializer'];

/** The file uses TensorFlow 1 session APIs without opening the session itself (`sess.run(op, feed_dict)`, `tf.train.get_global_step()`). */
function usesSessionApis(facts: FileFacts): boolean {
  if (/\bsess(ion)?\.run\s*\(|\bfeed_dict\s*=/.test(facts.text)) return true;
  return TF1_WORDS.some((word) =>
    identifiersSpelledInFile(facts, word).some((id) => {
      const callee = id.parent?.type === 'attribute' ? id.parent : id;
      const call = callee.parent;
      return call?.type === 'call' && TF1_GRAPH_CALLS.test(facts.calleeName(call) ?? '');
    }),
  );
}

/** The def, or a def it is nested in, is decorated with `tf.custom_gradient`. */
function insideCustomGradient(def: Node, facts: FileFacts): boolean {
  for (let n: Node | null = def; n; n = n.parent) {
    if (n.type !== 'function_definition') continue;
    if (decoratorsOf(n).some((d) => /^tensorflow\.(compat\.v[12]\.)?custom_gradient$/.test(facts.qualifiedName(decoratorCallee(d)) ?? ''))) return true;
  }
  return false;
}

/** The step is called (or passed to `strategy.run`) inside some tf.function, which traces it anyway. */
function calledFromTfFunction(name: string, facts: FileFacts): boolean {
  const word = new RegExp(`\\b${name}\\b`);
  return tfFunctions(facts).all.some((t) => t.def !== null && t.def.childForFieldName('name')?.text !== name && word.test(bodyText(t.def)));
}

const HOST_RANDOM = /^(numpy\.random|random)\./;

/** The step calls `np.random.*` or the `random` module: values a graph would bake in at trace time. */
function drawsHostRandomness(def: Node, facts: FileFacts): boolean {
  if (!/\brandom\b|\brandn?\b|\bnormal\b|\buniform\b|\bchoice\b|\bshuffle\b/.test(def.text)) return false;
  return findDescendants(def, (n) => n.type === 'call', isNestedScope).some((c) => HOST_RANDOM.test(facts.calleeName(c) ?? ''));
}

/** The step calls a function of this file that draws NumPy or Python random numbers (`sample_experiences(batch_size)`). */
function callsHostRandomHelper(def: Node, facts: FileFacts): boolean {
  return findDescendants(def, (n) => n.type === 'call', isNestedScope).some((c) => {
    const fn = c.childForFieldName('function');
    if (fn?.type !== 'identifier') return false;
    const defs = definitionsNamed(facts, 'function_definition', fn.text);
    return defs.length === 1 && !defs[0]!.equals(def) && drawsHostRandomness(defs[0]!, facts);
  });
}

/** The def calls a function of the file decorated with (or wrapped in) `tf.function`. */
function callsTfFunction(def: Node, facts: FileFacts): boolean {
  const compiled = new Set(tfFunctions(facts).all.flatMap((t) => (t.def && !t.def.equals(def) ? [t.def.childForFieldName('name')?.text ?? ''] : [])));
  if (compiled.size === 0) return false;
  return findDescendants(def, (n) => n.type === 'call', isNestedScope).some((c) => {
    const fn = c.childForFieldName('function');
    return fn?.type === 'identifier' && compiled.has(fn.text);
  });
}

function bodyText(def: Node): string {
  return def.childForFieldName('body')?.text ?? def.text;
}

/**
 * The step updates weights with gradients it computes: `opt.minimize(loss, ...)`, or a tape's `gradient(...)` and an
 * optimizer's `apply_gradients(...)` (the evidence trainingLoop gathered: tapes, gradients, optimizer updates).
 */
function updatesWeightsFromGradients(step: TrainStep): boolean {
  const methods = new Set(step.evidence.map((e) => (e.type === 'call' ? e.childForFieldName('function')?.childForFieldName('attribute')?.text : undefined)));
  return methods.has('minimize') || (methods.has('apply_gradients') && methods.has('gradient'));
}

/** The step calls NumPy, `setattr`/`delattr`, or a function of this file (or `Cls.helper`) whose body reads `.numpy()`. */
function doesHostWork(def: Node, facts: FileFacts): boolean {
  return findDescendants(def, (n) => n.type === 'call', isNestedScope).some((c) => {
    const q = facts.calleeName(c) ?? '';
    if (q.startsWith('numpy.')) return true;
    const fn = c.childForFieldName('function');
    if (fn?.type === 'identifier' && (fn.text === 'setattr' || fn.text === 'delattr') && facts.isBuiltin(fn.text, c)) return true;
    const helper = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (!helper) return false;
    const defs = definitionsNamed(facts, 'function_definition', helper);
    return defs.length === 1 && !defs[0]!.equals(def) && /\.numpy\s*\(/.test(defs[0]!.text);
  });
}
