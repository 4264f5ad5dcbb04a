import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { callsOf, enclosingDef, enclosingLoops, occurrences, parameterNames, scopeOf } from '../../server/analysis';

/** Keras optimizer classes (`tf.keras.optimizers.Adam`, `keras.optimizers.legacy.SGD`), not `get` or `schedules`. */
const KERAS_OPTIMIZER = /^(tensorflow\.(compat\.v2\.)?(keras\.)?|keras\.|tf_keras\.)optimizers\.(legacy\.|experimental\.)?[A-Z]\w*$/;
/** The calls that take one optimizer step. */
const STEP_METHODS = new Set(['apply_gradients', 'minimize']);

export default defineRule({
  id: 'tf-optimizer-created-per-step',
  title: 'A Keras optimizer is built anew for every training step',
  category: 'tensorflow',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'tf-function-and-tracing',
  requires: ['tensorflow', 'keras', 'tf_keras'],
  message: 'A new optimizer is built for every update: its moments and step count restart from zero each step; build it once and reuse it',
  docs: {
    why:
      'A Keras optimizer keeps state between updates: Adam-style moment estimates, the iteration count that drives ' +
      'bias correction and learning-rate schedules, and one slot variable per trained weight. Building the optimizer ' +
      'inside the step function (or inside the loop body that applies it) throws that state away on every update, so ' +
      'each step is the first step of a fresh optimizer, and its slot variables are allocated again each time.',
    instead:
      'Build the optimizer once, in `__init__` or before the loop, and call `apply_gradients` on that one object; ' +
      'change its `learning_rate` attribute if the rate varies. An optimizer built in a function that also runs the ' +
      'loop of updates, or in a function the file never calls from a loop, is left alone.',
    example: {
      before:
        'def update(model, x, y, lr):\n    opt = tf.keras.optimizers.Adam(learning_rate=lr)\n    with tf.GradientTape() as tape:\n        loss = tf.reduce_mean(tf.square(model(x) - y))\n    grads = tape.gradient(loss, model.trainable_variables)\n    opt.apply_gradients(zip(grads, model.trainable_variables))\n\nfor x, y in batches:\n    update(model, x, y, 1e-3)',
      after:
        'opt = tf.keras.optimizers.Adam(learning_rate=1e-3)\n\ndef update(model, x, y):\n    with tf.GradientTape() as tape:\n        loss = tf.reduce_mean(tf.square(model(x) - y))\n    grads = tape.gradient(loss, model.trainable_variables)\n    opt.apply_gradients(zip(grads, model.trainable_variables))\n\nfor x, y in batches:\n    update(model, x, y)',
    },
  },
  query: `
(assignment
  left: (identifier) @name
  right: (call function: [(attribute) (identifier)] @ctor)) @assign`,
  check(m, ctx) {
    const facts = ctx.facts;
    const ctor = m.need('ctor');
    const call = ctor.parent!;
    const qualified = facts.calleeName(call) ?? '';
    if (!KERAS_OPTIMIZER.test(qualified)) return;
    const name = m.need('name').text;
    const assign = m.need('assign');
    const def = enclosingDef(assign);
    // A parameter rebound only when missing (`if optimizer is None: optimizer = Adam()`): the caller may pass one in.
    if (def && parameterNames(def).includes(name)) return;
    const steps = stepCallsOn(name, assign);
    if (steps.length === 0) return;
    const madeIn = enclosingLoops(assign);
    // Every update must run under exactly the loops that build the optimizer: an update in a loop of its own (the
    // batches of an epoch) reuses the optimizer built once before that loop.
    const sameLoops = (step: Node) => {
      const loops = enclosingLoops(step);
      return loops.length === madeIn.length && loops.every((loop) => madeIn.some((l) => l.equals(loop)));
    };
    if (!steps.every(sameLoops)) return;
    const cls = qualified.slice(qualified.lastIndexOf('.') + 1);
    if (madeIn.length > 0) {
      ctx.report({
        node: call,
        message: `\`${name}\` is a new \`${cls}\` on every iteration, and each one takes a single step: its moments and step count restart from zero on each update; build it once before the loop`,
      });
      return;
    }
    // Built in a function per call: it matters when the file calls that function from a loop.
    if (!def) return;
    const fn = def.childForFieldName('name')?.text ?? 'the function';
    if (!callsOf(def, facts).some((c) => enclosingLoops(c).length > 0)) return;
    ctx.report({
      node: call,
      message: `\`${name}\` is a new \`${cls}\` on every call of \`${fn}\`, which runs once per step: its moments and step count restart from zero on each update and its slot variables are built again; build it once (in \`__init__\` or before the loop) and reuse it`,
    });
  },
});

/** The `name.apply_gradients(...)` / `name.minimize(...)` calls in the scope of the assignment (nested defs excluded). */
function stepCallsOn(name: string, assign: Node): Node[] {
  const scope = scopeOf(assign);
  const out: Node[] = [];
  for (const id of occurrences(scope, name)) {
    if (!scopeOf(id).equals(scope)) continue;
    const attr = id.parent;
    if (attr?.type !== 'attribute' || !attr.childForFieldName('object')?.equals(id)) continue;
    if (!STEP_METHODS.has(attr.childForFieldName('attribute')?.text ?? '')) continue;
    const call = attr.parent;
    if (call?.type === 'call' && call.childForFieldName('function')?.equals(attr)) out.push(call);
  }
  return out;
}
