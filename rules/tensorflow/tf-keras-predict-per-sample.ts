import { defineRule } from '../../server/engine/rule';
import type { RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindersSpelling,
  plainAssignments,
  callsOf,
  chainRoot,
  contains,
  declaresPackage,
  definitionsNamed,
  enclosingClass,
  enclosingDef,
  enclosingLoop,
  enclosingStatement,
  enclosingTrainStep,
  FileFacts,
  findDescendants,
  graphModeSwitch,
  hasSplatArguments,
  identifiersSpelled,
  identifiersSpelledInFile,
  isSmallLiteralLoop,
  keywordValue,
  localDefinition,
  methodNamed,
  ownReturnStatements,
  parameterNames,
  positionalArguments,
  returnedBySoleFunction,
  rootName,
  targetNames,
  tfDataPipeline,
  values,
  valuesAssignedTo,
} from '../../server/analysis';

/**
 * Libraries whose models also have `.predict` (scikit-learn, gradient boosting, thinc): in a file that imports one, a
 * receiver whose value is not known is not taken for a Keras model (thinc's tests wrap a Keras model in a thinc one).
 */
const OTHER_PREDICTORS = ['sklearn', 'xgboost', 'lightgbm', 'catboost', 'statsmodels', 'thinc'];
const KERAS_MODULES = ['tensorflow', 'keras', 'tf_keras'];
/** Calls that build a one-sample batch: `np.expand_dims(x, 0)`, `tf.expand_dims(x, 0)`, `np.array([x])`. */
const EXPAND = /^(numpy|tensorflow|keras\.ops|tensorflow\.keras\.ops)\.(expand_dims|array|asarray|stack|convert_to_tensor|constant)$/;

export default defineRule({
  id: 'tf-keras-predict-per-sample',
  title: 'Keras model.predict() called on one sample per loop iteration',
  category: 'tensorflow',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'tf-function-and-tracing#one-sample-per-predict-call',
  requires: KERAS_MODULES,
  // A model built by a module of the workspace (Orkney's `percep = m.train_and_save_perceptron(...)`, predicted row by
  // row in a script that never imports Keras itself): such files run the rule too, and there only a receiver the value
  // layer knows as a Keras model counts.
  requiresText: /\b(predict|predict_on_batch)\b/,
  requiresEither: true,
  message: '`predict` on one sample per iteration pays its whole set-up every time; predict on the stacked samples once, or call `model(x)`',
  docs: {
    why:
      '`Model.predict` is built for large inputs: each call wraps its input in a data pipeline, sets up callbacks and ' +
      'a progress bar, and runs a batched prediction loop. On a single sample that fixed cost is far larger than the ' +
      'model itself, so a loop of one-sample predict calls runs many times slower than one call on the whole array.',
    instead:
      'Stack the samples and call `model.predict(samples, batch_size=...)` once; where one sample at a time is really ' +
      'needed (an agent, a live stream), call the model directly: `model(x, training=False).numpy()` (the `.numpy()` keeps ' +
      "predict's NumPy result, which code " +
      'that writes into it needs). So too for a one-sample predict in a ' +
      "function this file calls in a loop (an agent's policy, or a method given the one state each step passes it), and for " +
      'predict on the mini-batch of a custom training step (not compiled with `tf.function`, or a method that calls ' +
      '`train_on_batch` after every step of an agent): the batch fits in one forward pass. Standalone Keras 1 (a model ' +
      'fitted with `nb_epoch=` or built from layers given `init=` or `border_mode=`, or built in a file that imports Theano) runs ' +
      'predict through a function compiled once and cannot call a model on an array: there a loop that feeds each prediction ' +
      'back is a hint, advising `predict_on_batch(x)`. A program that turns eager execution off (`tf.compat.v1.disable_eager_execution()` ' +
      'in this file, or in a script of its folder that imports it), or TensorFlow 1 code (`tf.Session()`, `tf.placeholder()` at the ' +
      'top of the `tf` namespace), is not flagged: there a model called on an array builds a graph ' +
      'instead of computing values. Predict once per batch in a Python loop over a batched dataset is a hint ' +
      'too: each call spreads its set-up over a batch, so what one predict over the dataset (or `model(x)` per batch) saves ' +
      "depends on the model's size. A model that another module of the workspace builds and returns counts too, in a " +
      'script that never imports Keras itself; there any other receiver is left alone. An input shaped by a helper of the ' +
      'file whose every return is one sample (`def prep(s): return s.reshape(1, 256, 256, 1)`) is one sample too; ' +
      '`np.expand_dims(x, axis=-1)` adds a channel axis, not a batch of one, and is not taken for one.',
    example: {
      before: 'preds = []\nfor img in images:\n    preds.append(model.predict(np.expand_dims(img, 0)))',
      after: 'preds = model.predict(np.stack(images), batch_size=64)',
    },
  },
  query: `
(call
  function: (attribute object: (_) @model attribute: (identifier) @method)
  (#any-of? @method "predict" "predict_on_batch")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const facts = ctx.facts;
    if (
      !KERAS_MODULES.some((k) => facts.importsModule(k)) &&
      values(facts).valueOf(m.need('model'))?.kind !== 'keras-model' &&
      !kerasOnlyCall(m.need('method').text, ctx)
    )
      return;
    const loop = enclosingLoop(call) ?? enclosingComprehension(call);
    if (!loop) {
      reportPerCall(call, m.need('model'), m.need('method').text, ctx);
      return;
    }
    const sample = positionalArguments(call)[0];
    if (!sample || !variesInLoop(sample, loop, facts)) return;
    // `for model in [nonseq_model, seq_model]:`: the loop visits models, each predicting its whole input (qkeras'
    // bn_folding test, review70: judged wrong).
    if (bindsName(loop, m.need('model').text)) return;
    // A helper of the file that shapes each input (`sample_reshape(volume[i])`) decides whether it is one sample: an edit
    // to it must re-run this check.
    for (const helper of findDescendants(sample, (n) => n.type === 'call')) {
      const fn = helper.childForFieldName('function');
      const def = fn?.type === 'identifier' ? localDefinition(fn, helper) : null;
      if (def) ctx.restsOn(def);
    }
    if (!isOneSample(sample, loop, facts)) {
      reportPerBatch(call, sample, loop, m.need('model'), m.need('method').text, ctx);
      return;
    }
    if (!mayBeKerasModel(m.need('model'), facts)) return;
    // A loop that times each prediction measures per-sample latency (sleap's real-time inference notebook, frames from a
    // camera one at a time, review69: judged wrong): batching would remove what it measures.
    if (timedEachCall(call, loop)) return;
    const model = m.need('model');
    const callee = `${model.text}.${m.need('method').text}`;
    const feedsBack = feedsPredictionBack(call, sample, loop);
    // Standalone Keras of the graph era (Theano or TensorFlow 1 backend): `model(x)` on an array is not a prediction
    // there, and predict runs a backend function compiled once, so a call costs Python overhead, not a retrace.
    // Eager execution switched off (here or by the script that imports this module): `model(x)` on an array is a
    // symbolic tensor there, and predict is the call that computes values.
    if (graphModeSwitch(facts, ctx.filePath, ctx.files)) return;
    const legacy = legacyKerasEvidence(model, facts);
    if (legacy) {
      const lowImpact = `${legacy}: each predict call runs a function compiled once, so a step costs only Python overhead (no tracing)`;
      if (feedsBack) {
        // Already the leanest call there: nothing left to advise.
        if (m.need('method').text === 'predict_on_batch') return;
        ctx.report({
          node: call,
          message:
            `\`${callee}\` runs once per step on one sample, and each step's input comes from the last prediction, so the steps ` +
            `cannot be batched; in standalone Keras of the Theano/TensorFlow 1 era each call adds only Python overhead, which ` +
            `\`${model.text}.predict_on_batch(x)\` skips`,
          lowImpact,
        });
      } else {
        ctx.report({ node: call, message: `\`${callee}\` runs on one sample per iteration; predict on all samples at once` });
      }
      return;
    }
    // A loop whose next input is built from this prediction (decoding, forecasting step by step) cannot be batched.
    const message = feedsBack
      ? `\`${callee}\` runs once per step on one sample, and each step's input comes from the last prediction: call the model directly, ${directCall(model)}, which skips predict's set-up on every step`
      : `\`${callee}\` runs on one sample per iteration; predict on all samples at once, or call the model directly`;
    const onBatch = m.need('method').text === 'predict_on_batch';
    ctx.report({ node: call, message, ...(feedsBack ? { lowImpact: STEP_BY_STEP } : onBatch ? { lowImpact: ON_BATCH } : {}) });
  },
});

/** The loop's target (`for model in models`, `for name, model in ...`) binds `name`. */
function bindsName(loop: Node, name: string): boolean {
  const target =
    loop.type === 'for_statement' ? loop.childForFieldName('left') : loop.namedChildren.find((c) => c?.type === 'for_in_clause')?.childForFieldName('left');
  return !!target && targetNames(target).includes(name);
}

/** A clock read: `perf_counter()`, `time.time()`, `time.monotonic()`, `timeit.default_timer()`, and their `_ns` forms. */
const CLOCK_READ = /\b(?:perf_counter|monotonic|time|process_time|default_timer)(?:_ns)?\s*\(\s*\)/;

/** The loop's body reads a clock before the call and again after it: each call is timed. */
function timedEachCall(call: Node, loop: Node): boolean {
  const body = loop.childForFieldName('body') ?? loop;
  const text = body.text;
  const at = call.startIndex - body.startIndex;
  const end = call.endIndex - body.startIndex;
  return CLOCK_READ.test(text.slice(0, at)) && CLOCK_READ.test(text.slice(end));
}

/**
 * Why a loop that feeds each prediction back ranks low: its steps cannot be batched, and the direct call saves only
 * predict's set-up per step while running the model eagerly instead of as predict's compiled function. Blind reviews
 * judged every such finding in review16-17 noise or wrong (text generation and translation demos of a few hundred
 * steps, an episode rendered step by step; a book that chose predict for its compiled graph), none useful.
 */
/**
 * Why `predict_on_batch` on one sample per iteration ranks low: it already skips predict's per-call set-up (the data
 * handler), so what batching would add is throughput on the device, and only for samples of one shape. Blind review33
 * judged both such findings wrong (keras-retinanet's evaluation, whose images keep their aspect ratio).
 */
const ON_BATCH = "`predict_on_batch` already skips predict's per-call set-up; batching adds device throughput only where the samples share one shape";
const STEP_BY_STEP =
  "each step needs the last prediction, so the steps cannot be batched, and a direct call trades predict's per-call set-up for " +
  'eager execution: a gain of uncertain size';

/**
 * The direct call to advise: `model(x, training=False)` gives a tensor where predict gave a NumPy array, and code that
 * goes on to write into the result (`target[0][action] = reward`, a DQN's target update) needs `.numpy()` to keep
 * working, so the advice carries it.
 */
function directCall(model: Node): string {
  return `\`${model.text}(x, training=False).numpy()\``;
}

/** How many call sites of a function are looked at to tell whether it runs once per iteration of a loop. */
const CALL_SITES = 32;

/**
 * A `predict` call outside any loop of its function that still runs once per step: in a function that predicts on a
 * one-sample batch of its own argument (`model.predict(state[np.newaxis])` in an agent's policy) and that this file
 * calls in a loop, or in a TensorFlow training-step function, on the step's mini-batch. Either way each call is small
 * and pays predict's whole set-up; the model called directly skips it. Standalone Keras of the graph era is left out:
 * there `model(x)` on an array is no prediction.
 */
function reportPerCall(call: Node, model: Node, method: string, ctx: RuleContext): void {
  const facts = ctx.facts;
  const def = enclosingDef(call);
  const sample = positionalArguments(call)[0];
  if (!def || !sample || method !== 'predict' || enclosingComprehension(call)) return;
  if (!mayBeKerasModel(model, facts) || legacyKerasEvidence(model, facts) || graphModeSwitch(facts, ctx.filePath, ctx.files)) return;
  const callee = `${model.text}.${method}`;
  const name = def.childForFieldName('name')?.text ?? '';
  const step = enclosingTrainStep(call, facts);
  const perStep =
    ((step && step.framework === 'tf' && !step.compiled && step.node.equals(def)) || trainsOnBatchPerIteration(def, facts)) &&
    !modelBuiltInFunction(model, def, facts);
  if (perStep && boundInFunction(sample, def)) {
    ctx.report({
      node: call,
      message: `\`${callee}\` runs on every training step of \`${name}\`, on one mini-batch: call the model directly, ${directCall(model)}, which skips predict's set-up on each step`,
    });
    return;
  }
  const params = new Set(parameterNames(def));
  // The argument itself (an agent's `act(state)`): one sample when every call of the function passes one, and one
  // of them runs per iteration of a loop. The Keras documentation itself steers such calls to `model(x)`.
  if (sample.type === 'identifier' && params.has(sample.text)) {
    const body = def.childForFieldName('body');
    if (!body || bindersSpelling(body, sample.text, BINDERS).length > 0 || predictsInLoop(body, def)) return;
    if (!passedOneSamplePerIteration(def, sample.text, facts)) return;
    ctx.report({
      node: call,
      message: `\`${callee}\` runs on the one sample that each call of \`${name}\` is given, and this file calls it once per step of a loop: call the model directly, ${directCall(model)}; predict builds its input pipeline anew on every call`,
    });
    return;
  }
  // A one-sample batch built from an argument (not a name, whose value this does not follow outside a loop).
  if (sample.type === 'identifier' || !identifierTexts(sample).some((id) => params.has(id)) || !isOneSample(sample, def, facts)) return;
  if (!calledPerIteration(def, facts)) return;
  ctx.report({
    node: call,
    message: `\`${callee}\` runs on one sample on every call of \`${name}\`, which this file calls in a loop: call the model directly, ${directCall(model)}, which skips predict's set-up on each call`,
  });
}

/**
 * Every call of the function found in this file passes a one-sample batch for the parameter, and at least one of
 * them runs in a loop (not over a short literal display). Calls of a method are also looked for through a parameter
 * every caller fills with an instance of its class (`def play(agent, env)` ... `agent.act(state)`).
 */
function passedOneSamplePerIteration(def: Node, param: string, facts: FileFacts): boolean {
  const params = parameterNames(def);
  const method = enclosingClass(def) !== null;
  const sites = [...callsOf(def, facts), ...(method ? callsThroughParameter(def, facts) : [])].slice(0, CALL_SITES);
  let inLoop = false;
  for (const site of sites) {
    if (hasSplatArguments(site)) return false;
    const bound = method && site.childForFieldName('function')?.type === 'attribute' ? 1 : 0;
    const arg = keywordValue(site, param) ?? positionalArguments(site)[params.indexOf(param) - bound];
    const loop = enclosingLoop(site, true);
    if (!arg || !isOneSampleAt(arg, loop ?? site, facts)) return false;
    if (loop && !isSmallLiteralLoop(loop, facts) && !waitsForUser(loop, facts)) inLoop = true;
  }
  return inLoop;
}

/**
 * `p.m(...)` calls of method `def` where `p` is a parameter of a plain function that every caller in this file fills
 * with a name bound to an instance of the method's class (`agent = Agent(...)`; `play(agent, env)`).
 */
function callsThroughParameter(def: Node, facts: FileFacts): Node[] {
  const cls = enclosingClass(def);
  const className = cls?.childForFieldName('name')?.text;
  const name = def.childForFieldName('name')?.text;
  if (!className || !name) return [];
  const out: Node[] = [];
  for (const id of identifiersSpelledInFile(facts, name)) {
    const attribute = id.parent;
    const receiver = attribute?.type === 'attribute' && attribute.childForFieldName('attribute')?.equals(id) ? attribute.childForFieldName('object') : null;
    const call = attribute?.parent;
    if (receiver?.type !== 'identifier' || call?.type !== 'call' || !call.childForFieldName('function')?.equals(attribute!)) continue;
    const holder = enclosingDef(call);
    if (!holder || enclosingClass(holder)) continue;
    const position = parameterNames(holder).indexOf(receiver.text);
    if (position < 0 || bindersSpelling(holder.childForFieldName('body')!, receiver.text, BINDERS).length > 0) continue;
    const callers = callsOf(holder, facts).slice(0, CALL_SITES);
    const instances = (site: Node) => {
      const arg = hasSplatArguments(site) ? undefined : (keywordValue(site, receiver.text) ?? positionalArguments(site)[position]);
      if (arg?.type !== 'identifier') return false;
      const own = valuesAssignedTo(arg.text, arg, facts);
      const built = own.length > 0 ? own : globalValues(arg, facts);
      return built.length > 0 && built.every((v) => v.type === 'call' && v.childForFieldName('function')?.text === className);
    };
    if (callers.length > 0 && callers.every(instances)) out.push(call);
  }
  return out;
}

/**
 * A one-sample batch, following a name through the plain assignments that reach `use` (see valuesAt); `scope` is
 * the loop or call around it, against which isOneSample reads the values.
 */
function isOneSampleAt(arg: Node, scope: Node, facts: FileFacts, depth = 0): boolean {
  if (arg.type !== 'identifier') return isOneSample(arg, scope, facts);
  const reaching = depth < MAX_DEPTH ? valuesAt(arg.text, arg) : null;
  return reaching !== null && reaching.length > 0 && reaching.every((v) => isOneSampleAt(v, scope, facts, depth + 1));
}

/**
 * The values of `name` that can reach `use`, through plain `name = value` statements only: the last one above it in
 * its block, else those reaching the compound statement around it; around a loop body, also the value the last
 * plain binding at the body's own level carries into the next iteration. Null when another binding (an unpacking,
 * a loop target, one nested in an `if`) or a parameter may decide it.
 */
function valuesAt(name: string, use: Node, depth = 0): Node[] | null {
  if (depth > MAX_DEPTH) return null;
  const last = lastStraightBinding(name, use);
  if (last) return [last];
  if (last === undefined) return null;
  const statement = enclosingStatement(use);
  const compound = statement.parent?.type === 'block' && statement.parent.parent ? enclosingStatement(statement.parent.parent) : null;
  if (!compound || compound.type === 'function_definition' || compound.type === 'class_definition' || compound.type === 'decorated_definition') return null;
  const before = valuesAt(name, compound, depth + 1);
  if (before === null) return null;
  if (compound.type !== 'for_statement' && compound.type !== 'while_statement') return before;
  const target = compound.childForFieldName('left');
  if (target && targetNames(target).includes(name)) return null;
  const body = compound.childForFieldName('body');
  const binders = body ? bindersSpelling(body, name, BINDERS) : [];
  if (binders.length === 0) return before;
  const plain = (b: Node) =>
    b.type === 'assignment' &&
    b.childForFieldName('left')?.type === 'identifier' &&
    b.parent?.type === 'expression_statement' &&
    b.parent.parent?.equals(body!);
  if (!binders.every(plain)) return null;
  const carried = binders.at(-1)!.childForFieldName('right');
  return carried ? [...before, carried] : null;
}

/**
 * A plain (undecorated) method that trains with `train_on_batch` in its own body, outside any loop, and that runs per
 * iteration of a loop of this file reached through a parameter holding its class's instance (an agent's `replay()`
 * after every environment step): the training-step index does not follow such calls.
 */
function trainsOnBatchPerIteration(def: Node, facts: FileFacts): boolean {
  const body = def.childForFieldName('body');
  if (!body || def.parent?.type === 'decorated_definition' || !enclosingClass(def)) return false;
  const trains = identifiersSpelled(body, 'train_on_batch').some((id) => {
    const call = id.parent?.parent;
    return id.parent?.type === 'attribute' && call?.type === 'call' && enclosingDef(call)?.equals(def) && !enclosingLoop(call, true);
  });
  if (!trains) return false;
  return callsThroughParameter(def, facts).some((site) => {
    const loop = enclosingLoop(site, true);
    return loop !== null && !isSmallLiteralLoop(loop, facts) && !waitsForUser(loop, facts);
  });
}

/**
 * The loop's body asks the user for input (`input("Continue?")`): each iteration waits on a person, so a prediction
 * per iteration costs nothing anyone would notice (a demo's translate-another-sentence loop).
 */
function waitsForUser(loop: Node, facts: FileFacts): boolean {
  const body = loop.childForFieldName('body');
  return (
    body !== null &&
    identifiersSpelled(body, 'input').some((id) => {
      const call = id.parent;
      return (
        call?.type === 'call' && call.childForFieldName('function')?.equals(id) && facts.isBuiltin('input', call) && enclosingLoop(call)?.equals(loop) === true
      );
    })
  );
}

/**
 * The function also predicts inside a loop of its own (a decoder stepping after one encoder call): the cost is in
 * that loop, judged there, not in the one call before it.
 */
function predictsInLoop(body: Node, def: Node): boolean {
  return identifiersSpelled(body, 'predict').some((id) => {
    const call = id.parent?.parent;
    return id.parent?.type === 'attribute' && call?.type === 'call' && enclosingDef(call)?.equals(def) && enclosingLoop(call, true) !== null;
  });
}

/**
 * `for x, y in ds: model.predict(x)`: predict once per batch of a batched tf.data pipeline (or of what a call given a
 * `batch_size` returns), in a Python loop. Each call builds predict's input pipeline and loop again for one batch,
 * which the Keras documentation itself warns against; one predict over the whole dataset, or the model called on
 * each batch, does the same work without that set-up per batch.
 */
function reportPerBatch(call: Node, sample: Node, loop: Node, model: Node, method: string, ctx: RuleContext): void {
  const facts = ctx.facts;
  if (method !== 'predict' || loop.type !== 'for_statement' || sample.type !== 'identifier') return;
  // TensorFlow 2's Keras, where predict builds a data handler per call and `model(x)` predicts on an array; a file of
  // standalone `keras` alone may be Keras 2 on a graph backend, where neither holds (fchollet's first edition).
  if (!facts.importsModule('tensorflow')) return;
  const target = loop.childForFieldName('left');
  const body = loop.childForFieldName('body');
  const iterable = loop.childForFieldName('right');
  if (!target || !body || !iterable || !targetNames(target).includes(sample.text)) return;
  if (bindersSpelling(body, sample.text, BINDERS).length > 0) return;
  if (!iteratesBatches(iterable, loop, facts)) return;
  if (!mayBeKerasModel(model, facts) || legacyKerasEvidence(model, facts)) return;
  ctx.report({
    node: call,
    message: `\`${model.text}.predict\` runs once per batch of \`${iterable.text}\` in a Python loop, setting up its input pipeline again for each one: predict on the whole dataset in one call, or call the model on each batch, \`${model.text}(${sample.text}, training=False).numpy()\``,
    // A whole batch per call already spreads predict's set-up over many samples: what is left to gain depends on how
    // small the model and the batches are (a ResNet on 64 images gains little, a small head on 32 clips more).
    lowImpact: "each call predicts a whole batch, which spreads predict's set-up over its samples: the gain depends on the model's size",
  });
}

/**
 * The loop runs over batches: a tf.data pipeline that batches (not cut down by `take`), or the value of a call given
 * a batch size (`data.gen_dataset(batch_size, ...)`, `make_ds(files, batch_size=64)`), directly or through the one
 * name it is bound to before the loop.
 */
function iteratesBatches(iterable: Node, loop: Node, facts: FileFacts): boolean {
  const pipeline = tfDataPipeline(iterable, facts);
  if (pipeline) return pipeline.methods.some((x) => x === 'batch' || x === 'padded_batch') && !pipeline.methods.includes('take');
  let source: Node | null = iterable;
  if (iterable.type === 'identifier') {
    const bound = valuesAssignedTo(iterable.text, iterable, facts);
    source = bound.length === 1 && bound[0]!.endIndex < loop.startIndex ? bound[0]! : null;
  }
  if (source?.type !== 'call' || hasSplatArguments(source)) return false;
  return keywordValue(source, 'batch_size') !== null || positionalArguments(source).some((a) => a.type === 'identifier' && a.text === 'batch_size');
}

/**
 * `model = tf.keras.Model(x, layer(x))` in the function itself: a model built on every call is not a training loop's
 * model, and its one `predict` makes the targets of a check (tensorflow-mri's `_validate_training`, review75).
 */
function modelBuiltInFunction(model: Node, def: Node, facts: FileFacts): boolean {
  const body = def.childForFieldName('body');
  if (!body || model.type !== 'identifier') return false;
  return plainAssignments(body, model.text).some(({ value }) => {
    const callee = value.type === 'call' ? value.childForFieldName('function') : null;
    return callee != null && /^(?:tensorflow\.)?keras\.(?:models\.)?(?:Model|Sequential)$/.test(facts.qualifiedName(callee) ?? '');
  });
}

/** Every name the input reads is bound in the function: a parameter, or assigned or unpacked there. */
function boundInFunction(sample: Node, def: Node): boolean {
  const body = def.childForFieldName('body');
  const params = new Set(parameterNames(def));
  const names = identifierTexts(sample);
  return body !== null && names.length > 0 && names.every((n) => params.has(n) || bindersSpelling(body, n, BINDERS).length > 0);
}

/**
 * The function is called inside a loop or comprehension of this file (not over a short literal display), directly
 * or through one function that is (an agent's `play_one_step` calling its policy).
 */
function calledPerIteration(def: Node, facts: FileFacts, depth = 0): boolean {
  for (const site of callsOf(def, facts).slice(0, CALL_SITES)) {
    const caller = enclosingDef(site);
    if (caller?.equals(def)) continue; // recursion
    const loop = enclosingLoop(site, true);
    if (loop && !isSmallLiteralLoop(loop, facts)) return true;
    if (!loop && caller && depth === 0 && calledPerIteration(caller, facts, 1)) return true;
  }
  return false;
}

/** Statements through which an input is built in the loop: bindings, writes into it, and inner `for` loops. */
const FEEDERS: ReadonlySet<string> = new Set(['assignment', 'augmented_assignment', 'for_statement']);
/** How many steps of a loop body's data flow are followed back from the input (token → index → prediction …). */
const FEEDBACK_DEPTH = 8;

/**
 * True when the loop builds its next input from this prediction: the names the input reads, and the names those
 * are built from in the loop (followed a few steps), include one the prediction is bound to, or one bound by the
 * predict statement itself (a recurrent state). `X = np.concatenate([X, y_pred], axis=1)`, `tokens[i] = argmax(p)`,
 * `seed = seed[1:] + chars[argmax(preds)]` all feed back; a loop over independent samples does not.
 */
function feedsPredictionBack(call: Node, sample: Node, loop: Node): boolean {
  const body = loop.childForFieldName('body');
  const statement = enclosingBinder(call, loop);
  if (!body || !statement) return false;
  const results = new Set(targetNames(statement.childForFieldName('left')!));
  const needed = new Set(identifierTexts(sample));
  for (let depth = 0, grew = true; grew && depth < FEEDBACK_DEPTH; depth++) {
    grew = false;
    for (const name of [...needed]) {
      if (results.has(name)) return true;
      for (const binder of reachingBinders(body, name)) {
        if (binder.type !== 'for_statement' && !writesInto(binder.childForFieldName('left'), name)) continue;
        const source = binder.type === 'for_statement' ? binder.childForFieldName('right') : binder;
        // A binding under an `if` in the loop depends on its condition too: `if index == predicted: word = w`.
        const reads = [source, ...conditionsAbove(binder, body)].flatMap((n) => (n ? identifierTexts(n) : []));
        for (const read of reads) {
          if (needed.has(read)) continue;
          needed.add(read);
          grew = true;
        }
      }
    }
  }
  return [...needed].some((name) => results.has(name));
}

/**
 * The binders of `name` in the loop body whose value can reach its first read there. A direct statement of the body that
 * rebinds the whole name before that read (`ret, image = video_reader.read()`) hides whatever the previous pass bound
 * (keras-yolo2's `image = draw_boxes(image, boxes)` after the predict; review73: "its input comes from the last
 * prediction", judged wrong): only the binders from it on count. Otherwise every binder may feed the next pass.
 */
function reachingBinders(body: Node, name: string): Node[] {
  const binders = bindersSpelling(body, name, FEEDERS);
  const targets = binders.flatMap((b) => b.childForFieldName('left') ?? []);
  const firstRead = identifiersSpelled(body, name).find((id) => !targets.some((t) => contains(t, id)));
  if (!firstRead) return binders;
  const hiding = binders.filter(
    (b) =>
      b.type === 'assignment' &&
      b.endIndex <= firstRead.startIndex &&
      b.parent?.type === 'expression_statement' &&
      b.parent.parent?.equals(body) === true &&
      targetNames(b.childForFieldName('left')!).includes(name),
  );
  const last = hiding[hiding.length - 1];
  return last ? binders.filter((b) => b.startIndex >= last.startIndex && b.endIndex <= firstRead.startIndex) : binders;
}

/**
 * The assignment target writes `name` or into it (`name = ...`, `name[i] = ...`, `name.x = ...`); a name read only as an
 * index of another target (`all_detections[i][label] = ...`, keras-retinanet's evaluation) is not written, so the
 * image of step `i` is not built from the prediction stored under `i` (judged wrong in blind review33).
 */
function writesInto(left: Node | null, name: string): boolean {
  if (!left) return false;
  if (PATTERNS.has(left.type)) return left.namedChildren.some((c) => writesInto(c, name));
  const target = left.type === 'list_splat_pattern' ? left.namedChild(0) : left;
  return !!target && chainRoot(target)?.text === name;
}

const PATTERNS: ReadonlySet<string> = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'tuple',
  'list',
  'expression_list',
  'parenthesized_expression',
]);

/** The conditions of the `if`/`elif` statements between a node and the loop body around it. */
function conditionsAbove(node: Node, body: Node): Node[] {
  const out: Node[] = [];
  for (let n = node.parent; n && !n.equals(body); n = n.parent) {
    const condition = n.type === 'if_statement' || n.type === 'elif_clause' ? n.childForFieldName('condition') : null;
    if (condition) out.push(condition);
  }
  return out;
}

/** The assignment in the loop whose value holds the call (`preds = model.predict(x)[0]`), if any. */
function enclosingBinder(call: Node, loop: Node): Node | null {
  for (let n = call.parent; n && n.id !== loop.id; n = n.parent) {
    if (n.type === 'assignment') return n.childForFieldName('left') ? n : null;
    if (n.type.endsWith('_statement') || n.type === 'block') return null;
  }
  return null;
}

/** The distinct identifiers read in a node (attribute names excluded: `x.shape` reads x). */
function identifierTexts(node: Node): string[] {
  const ids = node.type === 'identifier' ? [node] : findDescendants(node, (n) => n.type === 'identifier');
  return [...new Set(ids.filter((id) => !(id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.id === id.id)).map((id) => id.text))];
}

/** How deep names are followed (`inputs = [a, b]`, `a = tok([s])`). */
const MAX_DEPTH = 4;
/** Statements that bind a name. */
const BINDERS: ReadonlySet<string> = new Set(['assignment', 'augmented_assignment', 'for_statement', 'named_expression']);
/** Array constructors whose first argument is a shape: `np.zeros((1, n, m))`. */
const SHAPED = /^(numpy|tensorflow|keras\.ops|tensorflow\.keras\.ops)\.(zeros|ones|empty|full|fill)$/;
/** Joins that keep the batch axis when they join along another one: `np.concatenate([x, y], axis=1)`. */
const JOIN = /^(numpy|tensorflow|keras\.ops|tensorflow\.keras\.ops)\.(concatenate|concat|append)$/;
/** `reshape(x, (1, -1))` as a function. */
const RESHAPE = /^(numpy|tensorflow|keras\.ops|tensorflow\.keras\.ops)\.reshape$/;

/**
 * A one-sample batch that reaches the loop's call: `x[None]`, `x[np.newaxis, ...]`, `x[i:i+1]`, `x.reshape(1, ...)`,
 * `np.expand_dims(x, 0)`, `np.array([x])`, `np.zeros((1, ...))`, `[x]`, a multi-input tuple or list of such batches,
 * `tokenizer([text])` (a callable of this code on a one-element list), or a name whose values reaching the loop
 * all are one: assigned in the loop, or last assigned before it in a block around it (an autoregressive loop that
 * extends `x` along another axis each step, `x = np.concatenate([x, y], axis=1)`, keeps it one).
 */
function isOneSample(arg: Node, loop: Node, facts: FileFacts, seen: ReadonlySet<string> = new Set()): boolean {
  if (seen.size > MAX_DEPTH) return false;
  if (arg.type === 'identifier') {
    if (seen.has(arg.text)) return true; // x = concat([x, ...], axis=1): what x was before the step decides
    // Rebound just above in the loop (`ids = tok(text)[0]`, then `ids = pad_sequences([ids])`): only the last one reaches.
    const last = lastStraightBinding(arg.text, arg);
    const reaching = last && contains(loop, last) ? [last] : valuesReachingLoop(arg, loop, facts);
    const inner = new Set(seen).add(arg.text);
    return reaching.length > 0 && reaching.every((v) => v.type !== 'identifier' && isOneSample(v, loop, facts, inner));
  }
  if (arg.type === 'list' || arg.type === 'tuple') {
    if (arg.namedChildCount === 1) return arg.type === 'list';
    // A multi-input model: every input one sample.
    return arg.namedChildCount > 1 && arg.namedChildren.every((c) => c !== null && c.type !== 'list' && isOneSample(c, loop, facts, seen));
  }
  if (arg.type === 'parenthesized_expression') return arg.namedChild(0) !== null && isOneSample(arg.namedChild(0)!, loop, facts, seen);
  // Named inputs of a multi-input model (`{"tokens": ids, "state": h}`): its inputs share one batch size, so one input
  // that is a one-sample batch makes the call one sample (a dict, unlike a list, is never a batch of samples itself).
  if (arg.type === 'dictionary') {
    const inputs = arg.namedChildren.flatMap((c) => (c?.type === 'pair' && c.childForFieldName('value') ? [c.childForFieldName('value')!] : []));
    return inputs.length === arg.namedChildren.filter((c) => c?.type !== 'comment').length && inputs.some((v) => isOneSample(v, loop, facts, seen));
  }
  if (arg.type === 'subscript') return isOneSampleIndex(arg, loop, facts, seen);
  if (arg.type !== 'call') return false;
  const fn = arg.childForFieldName('function');
  const args = positionalArguments(arg);
  const name = facts.calleeName(arg);
  if (name === null && fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'reshape') return leadsWithOne(args[0], args);
  if (ROW_PER_ITEM.test(name ?? (fn?.type === 'attribute' ? `.${fn.childForFieldName('attribute')?.text}` : ''))) return isOneItemList(arg, args[0]);
  if (name === null) return isLocalCallOnOne(arg, fn, args) || helperReturnsOneSample(arg, fn, facts, seen);
  if (RESHAPE.test(name)) return leadsWithOne(args[1], args.slice(1));
  if (SHAPED.test(name)) return leadsWithOne(shapeValue(keywordValue(arg, 'shape') ?? keywordValue(arg, 'dims') ?? args[0], arg), []);
  if (JOIN.test(name)) return joinsAlongOtherAxis(arg, args, loop, facts, seen);
  if (!EXPAND.test(name)) return false;
  if (/expand_dims$/.test(name)) return addsLeadingAxis(arg, args);
  return args[0]?.type === 'list' && args[0].namedChildCount === 1;
}

/**
 * `expand_dims(x, 0)` / `axis=0` adds the batch axis; `expand_dims(images, axis=-1)` adds a channel axis to what may already
 * be a batch (CaImAn's Ring-CNN demo predicts 256 frames a call that way; review63 judged the finding wrong). An axis
 * that is not a literal is left unknown, and not counted.
 */
function addsLeadingAxis(call: Node, args: Node[]): boolean {
  const axis = keywordValue(call, 'axis') ?? args[1];
  return axis?.type === 'integer' && axis.text === '0';
}

/** `x[None]`, `x[np.newaxis, :n]`, `x[i:i+1]`, and `x[:, :-1]` of a one-sample x. */
function isOneSampleIndex(arg: Node, loop: Node, facts: FileFacts, seen: ReadonlySet<string>): boolean {
  const indices = arg.childrenForFieldName('subscript').filter((c) => c !== null);
  const first = indices[0];
  if (!first) return false;
  if (first.type === 'none' || /^(np|numpy|tf)\.newaxis$/.test(first.text)) return true;
  if (first.type !== 'slice') return false;
  const bounds = first.namedChildren;
  // `x[i:i+1]`
  if (indices.length === 1 && bounds.length === 2 && bounds[1]?.text.replace(/\s/g, '') === `${bounds[0]?.text.replace(/\s/g, '')}+1`) return true;
  // `x[:, ...]` keeps the batch axis of x
  const value = arg.childForFieldName('value');
  return first.text.trim() === ':' && indices.length > 1 && value !== null && isOneSample(value, loop, facts, seen);
}

/** A shape given by a name (`shape = (1, n)` just above, then `np.zeros(shape=shape)`): the tuple it holds, else the argument. */
function shapeValue(shape: Node | undefined, at: Node): Node | undefined {
  if (shape?.type !== 'identifier') return shape;
  const value = lastStraightBinding(shape.text, at);
  return value && (value.type === 'tuple' || value.type === 'list') ? value : shape;
}

/** A shape argument whose first entry is 1: `reshape(1, -1)`, `reshape((1, 28, 28))`, `np.zeros((1, n))`. */
function leadsWithOne(first: Node | undefined, all: readonly Node[]): boolean {
  if (!first) return false;
  if (first.type === 'tuple' || first.type === 'list') return first.namedChild(0)?.text === '1';
  return first.text === '1' && all.length > 1;
}

/** `np.concatenate([x, step], axis=1)`: the batch axis of x is kept when the join runs along another axis. */
function joinsAlongOtherAxis(call: Node, args: readonly Node[], loop: Node, facts: FileFacts, seen: ReadonlySet<string>): boolean {
  const axis = keywordValue(call, 'axis') ?? args[1];
  const parts = args[0];
  if (!axis || axis.type !== 'integer' || axis.text === '0' || parts?.type !== 'list') return false;
  const first = parts.namedChild(0);
  return first !== null && isOneSample(first, loop, facts, seen);
}

/**
 * Calls that give one row per item of the list they are given: Keras's `pad_sequences([ids])`, a tokenizer's
 * `texts_to_sequences([text])`, a fitted transformer's `transform([x])` (a scaler's one-row matrix).
 */
const ROW_PER_ITEM = /(^|\.)(pad_sequences|texts_to_sequences|transform)$/;

/** The call's first argument is a one-element list (not a splat of another list). */
function isOneItemList(call: Node, first: Node | undefined): boolean {
  if (!first || first.type !== 'list' || first.namedChildCount !== 1 || hasSplatArguments(call)) return false;
  return first.namedChild(0)?.type !== 'list_splat';
}

/**
 * `sample_reshape(volume[i])` where the file's `def sample_reshape(s): ... x = x.reshape(1, 256, 256, 1); return x`
 * (a brain-MRI service's motion correction, review60): every value the def returns is one sample.
 */
function helperReturnsOneSample(call: Node, fn: Node | null, facts: FileFacts, seen: ReadonlySet<string>): boolean {
  if (fn?.type !== 'identifier' || seen.has(`def ${fn.text}`)) return false;
  const def = localDefinition(fn, call);
  if (!def) return false;
  const inner = new Set(seen).add(`def ${fn.text}`);
  const returned = ownReturnStatements(def).map((r) => r.namedChild(0));
  return returned.length > 0 && returned.every((v) => v !== null && isOneSample(v, def, facts, inner));
}

/** `tokenizer([text])`: a callable of this code (a Keras preprocessing layer, a helper) applied to one sample. */
function isLocalCallOnOne(call: Node, fn: Node | null, args: readonly Node[]): boolean {
  if (fn?.type !== 'identifier' || args.length !== 1 || hasSplatArguments(call)) return false;
  return args[0]!.type === 'list' && args[0]!.namedChildCount === 1 && args[0]!.namedChild(0)?.type !== 'list_splat';
}

/**
 * The value of the last statement above `use` in its own block that binds `name`, when that statement is a plain
 * `name = value` (straight-line code: nothing between them can skip it); undefined when that statement binds it
 * some other way (an unpacking, a nested `if`), null when no statement above it in the block binds it.
 */
function lastStraightBinding(name: string, use: Node): Node | null | undefined {
  const statement = enclosingStatement(use);
  const block = statement.parent;
  if (!block) return null;
  const binders = bindersSpelling(block, name, BINDERS).filter((b) => b.startIndex < statement.startIndex);
  for (let s = statement.previousNamedSibling; s; s = s.previousNamedSibling) {
    const plain = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const left = plain?.type === 'assignment' ? plain.childForFieldName('left') : null;
    if (left?.type === 'identifier' && left.text === name) return plain!.childForFieldName('right') ?? undefined;
    if (binders.some((b) => b.startIndex >= s!.startIndex && b.endIndex <= s!.endIndex)) return undefined;
  }
  return null;
}

/**
 * The values of `name` that can reach the call in the loop: those assigned in the loop, and the last assignment
 * above the loop when it sits in a block that encloses the loop (nothing conditional between them).
 */
function valuesReachingLoop(name: Node, loop: Node, facts: FileFacts): Node[] {
  const values = valuesAssignedTo(name.text, name, facts);
  if (!onlyPlainBindingsIn(loop, name.text)) return [];
  const inLoop = values.filter((v) => contains(loop, v));
  // Assigned at the top of the loop body above the use: the value from before the loop never reaches it.
  const body = loop.childForFieldName('body');
  if (inLoop.some((v) => body !== null && v.parent?.parent?.parent?.equals(body) && v.endIndex < name.startIndex && contains(loop, name))) return inLoop;
  const before = values.filter((v) => v.endIndex < loop.startIndex).at(-1);
  if (!before) return inLoop;
  const block = before.parent?.parent?.parent; // value -> assignment -> expression_statement -> block or module
  if (!block || !contains(block, loop)) return [];
  return [...inLoop, before];
}

/**
 * In the loop, `name` is bound only by `name = value`, or among the outputs of a `.predict` call (a recurrent
 * state fed back: `out, state = model.predict((x, state))`): any other binding (a loop target, an unpacking
 * of something else, `+=`) is a value this rule does not follow.
 */
function onlyPlainBindingsIn(loop: Node, name: string): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  const loopTarget = loop.childForFieldName('left');
  if (loopTarget && targetNames(loopTarget).includes(name)) return false;
  for (const binder of bindersSpelling(body, name, BINDERS)) {
    const left = binder.childForFieldName(binder.type === 'named_expression' ? 'name' : 'left');
    // `x = ...`, and `x[i, j] = v` (writes into x, its shape stays)
    if (binder.type === 'assignment' && (left?.type === 'identifier' || left?.type === 'subscript')) continue;
    const right = binder.childForFieldName('right');
    if (binder.type === 'assignment' && right?.type === 'call' && /\.predict$/.test(right.childForFieldName('function')?.text ?? '')) continue;
    return false;
  }
  return true;
}

/**
 * The input can change from one iteration to the next: it calls something, or reads a name the loop binds. The
 * same names never rebound in the loop are one input repeated (a timing loop), not one prediction per sample.
 */
function variesInLoop(arg: Node, loop: Node, facts: FileFacts): boolean {
  const ids = arg.type === 'identifier' ? [arg] : findDescendants(arg, (n) => n.type === 'identifier' || n.type === 'call');
  if (ids.some((n) => n.type === 'call')) return true;
  const clauses = loop.type === 'for_statement' ? [loop] : loop.namedChildren.filter((c) => c?.type === 'for_in_clause');
  const bound = new Set(clauses.flatMap((c) => (c?.childForFieldName('left') ? targetNames(c.childForFieldName('left')!) : [])));
  const body = loop.childForFieldName('body') ?? loop;
  return ids.some(
    (id) =>
      bound.has(id.text) ||
      valuesAssignedTo(id.text, id, facts).some((v) => contains(loop, v)) ||
      // rebound or written into in the loop (`tokens[i] = next_id`, `x, _ = pair`)
      bindersSpelling(body, id.text, BINDERS).length > 0 ||
      // changed by a method (`tokens.append(next_id)`)
      identifiersSpelled(body, id.text).some(
        (use) => use.parent?.type === 'attribute' && use.parent.parent?.type === 'call' && use.parent.childForFieldName('object')?.equals(use),
      ),
  );
}

/** Keywords of standalone Keras 1 (renamed in Keras 2, refused by tf.keras): on `fit`/`evaluate`/`compile` and on layers. */
const KERAS1_TRAINING_KEYWORDS = new Set(['nb_epoch', 'show_accuracy', 'class_mode', 'samples_per_epoch', 'nb_val_samples']);
const KERAS1_LAYER_KEYWORDS = new Set([
  'init',
  'inner_init',
  'border_mode',
  'subsample',
  'nb_filter',
  'nb_row',
  'nb_col',
  'output_dim',
  'W_regularizer',
  'dropout_W',
  'dropout_U',
]);
const STANDALONE_KERAS = /^keras\./;

/**
 * Why the model is one of standalone Keras of the graph era, from the model's own binding, or null: its `fit`,
 * `evaluate` or `compile` calls pass a Keras 1 keyword (`nb_epoch=`), or the layers added to it do (`init=`,
 * `border_mode=`); or it is built by standalone `keras` in a file that imports Theano, its backend then.
 */
function legacyKerasEvidence(model: Node, facts: FileFacts): string | null {
  if (model.type !== 'identifier') return null;
  const home = enclosingDef(model);
  const values = valuesAssignedTo(model.text, model, facts);
  const standalone = values.some((v) => v.type === 'call' && STANDALONE_KERAS.test(facts.calleeName(v) ?? ''));
  if (values.some((v) => v.type === 'call' && /^(tensorflow|tf_keras)\./.test(facts.calleeName(v) ?? ''))) return null;
  for (const id of identifiersSpelledInFile(facts, model.text)) {
    if ((enclosingDef(id)?.id ?? -1) !== (home?.id ?? -1)) continue;
    const attribute = id.parent?.type === 'attribute' && id.parent.childForFieldName('object')?.equals(id) ? id.parent : null;
    const call = attribute?.parent?.type === 'call' && attribute.parent.childForFieldName('function')?.equals(attribute) ? attribute.parent : null;
    const method = attribute?.childForFieldName('attribute')?.text;
    if (!call || !method) continue;
    const keywords = (c: Node) =>
      (c.childForFieldName('arguments')?.namedChildren ?? []).flatMap((a) => (a?.type === 'keyword_argument' ? [a.childForFieldName('name')?.text ?? ''] : []));
    const old = keywords(call).find((k) => KERAS1_TRAINING_KEYWORDS.has(k));
    if (old) return `\`${model.text}.${method}\` passes \`${old}=\`, a Keras 1 keyword`;
    const layer = method === 'add' ? positionalArguments(call)[0] : undefined;
    const oldLayer = layer?.type === 'call' ? keywords(layer).find((k) => KERAS1_LAYER_KEYWORDS.has(k)) : undefined;
    if (oldLayer) return `a layer added to \`${model.text}\` passes \`${oldLayer}=\`, a Keras 1 keyword`;
  }
  return standalone && facts.importsModule('theano') ? `\`${model.text}\` is built by standalone Keras in a file that imports Theano` : null;
}

/** The value is a call of TensorFlow's or Keras's API (`keras.Sequential(...)`, `tf.keras.models.load_model(...)`). */
function builtByKeras(value: Node, facts: FileFacts): boolean {
  return value.type === 'call' && /^(tensorflow|keras|tf_keras)\./.test(facts.calleeName(value) ?? '');
}

/** Not a model of another library: the file imports none of them, or the model comes from Keras. */
function mayBeKerasModel(model: Node, facts: FileFacts): boolean {
  // `self.predict` in a class that defines its own `predict`: not Keras's.
  const method = model.text === 'self' ? enclosingDef(model) : null;
  const cls = method ? enclosingClass(method) : null;
  if (cls && methodNamed(cls, 'predict')) return false;
  // The value layer knows the receiver as something else (a torch module, a frame): its `predict` is not Keras's.
  const known = values(facts).valueOf(model);
  if (known && known.kind !== 'keras-model') return false;
  const bound = model.type === 'identifier' ? valuesAssignedTo(model.text, model, facts) : [];
  // `model = Autoencoder(784, 300)`: an instance of a class of this file. Its `predict` is Keras's only when the class
  // is a Keras model (by its bases, here or in the workspace) and neither it nor a base of this file defines its own
  // (lazyprogrammer's autoencoders wrap `sess.run` in a `predict` of their own).
  const held = selfAttributeValues(model);
  if ([...bound, ...held].some((v) => ownPredictClass(v, facts))) return false;
  // Known to the value layer as a Keras model (built by Keras, here or by a builder it follows).
  if (known) return true;
  const byKeras = (v: Node) => builtByKeras(v, facts);
  if (bound.some(byKeras)) return true;
  // A global the function reads (an agent's policy reading the notebook's `model`) that Keras builds.
  if (bound.length === 0 && model.type === 'identifier' && globalValues(model, facts).some(byKeras)) return true;
  if (bound.some((v) => v.type === 'call' && facts.calleeName(v) !== null)) return false;
  // A parameter (`def generate(model, seed)`) that this file's callers fill with Keras models only: a notebook that
  // imports scikit-learn for its version check still predicts with Keras there.
  if (bound.length === 0 && passedKerasModelsOnly(model, facts)) return true;
  // `self.model`, set in the class only to Keras models (`self.model = build_mlp(...)`, a builder of this file).
  if (held.length > 0 && held.every((v) => builtByKeras(v, facts) || returnsKerasModel(v, facts))) return true;
  // `self.predictor = wrappers.load_model(path)`: a loader of another module of the project (ScanNet's returns a wrapper
  // with a `predict` of its own and no `__call__`; review61 judged the direct-call advice wrong there).
  if (held.some((v) => loadedByOtherModule(v, facts))) return false;
  return !OTHER_PREDICTORS.some((lib) => facts.importsModule(lib));
}

/**
 * `predict_on_batch` is Keras' own name (scikit-learn and the others spell only `predict`): in a project that installs
 * TensorFlow or Keras, a module that is handed the model and never imports them runs it too (MultiPlanarUNet's
 * fuse_and_predict, one patch per call; review67's recall hunt).
 */
function kerasOnlyCall(method: string, ctx: RuleContext): boolean {
  return method === 'predict_on_batch' && KERAS_MODULES.some((k) => declaresPackage(k, ctx.filePath, ctx.files) === true);
}

/** A call of a name imported from outside TensorFlow and Keras (`wrappers.load_model(...)`, `from .io import load`). */
function loadedByOtherModule(value: Node, facts: FileFacts): boolean {
  if (value.type !== 'call' || builtByKeras(value, facts)) return false;
  const root = rootName(value.childForFieldName('function')!);
  return root !== '' && facts.importsName(root);
}

/** The values assigned to `self.<name>` in the class around a `self.<name>` receiver; none for other receivers. */
function selfAttributeValues(model: Node): Node[] {
  const object = model.type === 'attribute' ? model.childForFieldName('object') : null;
  const field = model.childForFieldName('attribute')?.text;
  const method = object?.text === 'self' ? enclosingDef(model) : null;
  const cls = method ? enclosingClass(method) : null;
  if (!cls || !field) return [];
  const out: Node[] = [];
  for (const id of identifiersSpelled(cls, field)) {
    const target = id.parent;
    const assignment = target?.parent;
    if (target?.type !== 'attribute' || target.childForFieldName('object')?.text !== 'self' || !target.childForFieldName('attribute')?.equals(id)) continue;
    if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.equals(target)) {
      const right = assignment.childForFieldName('right');
      if (!right) return [];
      out.push(right);
    } else if (assignment?.type === 'augmented_assignment' || assignment?.type === 'pattern_list' || assignment?.type === 'tuple_pattern') {
      return []; // bound some other way: not followed
    }
  }
  return out;
}

/** A call of a function of this file whose every `return` gives a model Keras builds (`model = Model(i, x); return model`). */
function returnsKerasModel(value: Node, facts: FileFacts): boolean {
  const fn = value.type === 'call' ? value.childForFieldName('function') : null;
  if (fn?.type !== 'identifier' || facts.importsName(fn.text)) return false;
  const returned = returnedBySoleFunction(facts, fn.text);
  return (
    returned !== null &&
    returned.every((v) => {
      if (!v) return false;
      if (v.type !== 'identifier') return builtByKeras(v, facts);
      const built = valuesAssignedTo(v.text, v, facts);
      return built.length > 0 && built.every((b) => builtByKeras(b, facts));
    })
  );
}

/** What a name a function reads without binding it (a global) is assigned at module level; none for a local name. */
function globalValues(name: Node, facts: FileFacts): Node[] {
  const def = enclosingDef(name);
  const body = def?.childForFieldName('body');
  if (!def || !body || parameterNames(def).includes(name.text) || bindersSpelling(body, name.text, BINDERS).length > 0) return [];
  const top = facts.root.namedChild(0);
  return top ? valuesAssignedTo(name.text, top, facts) : [];
}

/** Keras by its callers: `model` is a parameter of a plain function, and every caller passes it a name built by Keras. */
function passedKerasModelsOnly(model: Node, facts: FileFacts): boolean {
  const def = model.type === 'identifier' ? enclosingDef(model) : null;
  if (!def || enclosingClass(def)) return false;
  const position = parameterNames(def).indexOf(model.text);
  if (position < 0) return false;
  let seen = 0;
  for (const site of callsOf(def, facts).slice(0, CALL_SITES)) {
    if (hasSplatArguments(site)) return false;
    const arg = keywordValue(site, model.text) ?? positionalArguments(site)[position];
    if (arg?.type !== 'identifier') return false;
    const own = valuesAssignedTo(arg.text, arg, facts);
    const built = own.length > 0 ? own : globalValues(arg, facts);
    if (built.length === 0 || !built.every((v) => builtByKeras(v, facts))) return false;
    seen++;
  }
  return seen > 0;
}

/**
 * The value is a call of a class this file defines (by a name it does not import) whose instances' `predict` is not
 * Keras's: the class is not known as a Keras model, or it or one of its bases of this file defines `predict`.
 */
function ownPredictClass(value: Node, facts: FileFacts): boolean {
  const fn = value.type === 'call' ? value.childForFieldName('function') : null;
  if (fn?.type !== 'identifier' || facts.importsName(fn.text)) return false;
  const classes = definitionsNamed(facts, 'class_definition', fn.text);
  if (classes.length !== 1) return false;
  const cls = classes[0]!;
  if (values(facts).classInstance(cls)?.kind !== 'keras-model') return true;
  for (let c: Node | null = cls, depth = 0; c && depth < 4; depth++) {
    if (methodNamed(c, 'predict')) return true;
    c = localBase(c, facts);
  }
  return false;
}

/** The first base of a class that names a class of this file (`class Wide(Base)`), or null. */
function localBase(cls: Node, facts: FileFacts): Node | null {
  for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (base?.type !== 'identifier' || facts.importsName(base.text)) continue;
    const found = definitionsNamed(facts, 'class_definition', base.text);
    if (found.length === 1) return found[0]!;
  }
  return null;
}

/** `[model.predict(f[None]) for f in frames]`: a comprehension is a loop too. */
function enclosingComprehension(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) {
    if (/^(list|set|dictionary)_comprehension$|^generator_expression$/.test(n.type)) return n;
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return null;
  }
  return null;
}
