import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingLoop, FileFacts, positionalArguments, valuesAssignedTo } from '../../server/analysis';

/** Libraries whose models also have `.predict` (scikit-learn, gradient boosting): not Keras. */
const OTHER_PREDICTORS = ['sklearn', 'xgboost', 'lightgbm', 'catboost', 'statsmodels'];
/** Calls that build a one-sample batch: `np.expand_dims(x, 0)`, `tf.expand_dims(x, 0)`, `np.array([x])`. */
const EXPAND = /^(numpy|tensorflow)\.(expand_dims|array|asarray|stack|convert_to_tensor|constant)$/;

export default defineRule({
  id: 'tf-keras-predict-per-sample',
  title: 'Keras model.predict() called on one sample per loop iteration',
  category: 'tensorflow',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'tf-function-and-tracing#one-sample-per-predict-call',
  requires: ['tensorflow', 'keras', 'tf_keras'],
  message: '`predict` on one sample per iteration pays its whole set-up every time; predict on the stacked samples once, or call `model(x)`',
  docs: {
    why:
      '`Model.predict` is built for large inputs: each call wraps its input in a data pipeline, sets up callbacks and ' +
      'a progress bar, and runs a batched prediction loop. On a single sample that fixed cost is far larger than the ' +
      'model itself, so a loop of one-sample predict calls runs many times slower than one call on the whole array.',
    instead:
      'Stack the samples and call `model.predict(samples, batch_size=...)` once; where one sample at a time is really ' +
      'needed (an agent, a live stream), call the model directly: `model(x, training=False)`.',
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
    const loop = enclosingLoop(call) ?? enclosingComprehension(call);
    if (!loop) return;
    const sample = positionalArguments(call)[0];
    if (!sample || !isOneSample(sample, loop, facts)) return;
    if (!mayBeKerasModel(m.need('model'), facts)) return;
    ctx.report({
      node: call,
      message: `\`${m.need('model').text}.${m.need('method').text}\` runs on one sample per iteration; predict on all samples at once, or call the model directly`,
    });
  },
});

/** A one-sample batch built in the loop: `x[None]`, `x[np.newaxis]`, `x[i:i+1]`, `x.reshape(1, ...)`, `np.expand_dims(x, 0)`, `np.array([x])`, `[x]`. */
function isOneSample(arg: Node, loop: Node, facts: FileFacts): boolean {
  if (arg.type === 'identifier') {
    // A name assigned in the loop from such an expression.
    const values = valuesAssignedTo(arg.text, arg, facts).filter((v) => v.startIndex > loop.startIndex && v.endIndex < loop.endIndex);
    return values.length > 0 && values.every((v) => v.type !== 'identifier' && isOneSample(v, loop, facts));
  }
  if (arg.type === 'list') return arg.namedChildCount === 1;
  if (arg.type === 'subscript') {
    const index = arg.childForFieldName('subscript');
    if (!index) return false;
    if (index.type === 'none' || /^(np|numpy|tf)\.newaxis$/.test(index.text)) return true;
    // `x[i:i+1]`
    const slice = index.type === 'slice' ? index.namedChildren : null;
    return slice !== null && slice.length === 2 && slice[1]?.text.replace(/\s/g, '') === `${slice[0]?.text.replace(/\s/g, '')}+1`;
  }
  if (arg.type !== 'call') return false;
  const fn = arg.childForFieldName('function');
  if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'reshape') {
    const first = positionalArguments(arg)[0];
    return first?.text === '1' || (first?.type === 'tuple' && first.namedChild(0)?.text === '1');
  }
  const name = facts.calleeName(arg) ?? '';
  if (!EXPAND.test(name)) return false;
  const first = positionalArguments(arg)[0];
  if (/expand_dims$/.test(name)) return true;
  return first?.type === 'list' && first.namedChildCount === 1;
}

/** Not a model of another library: the file imports none of them, or the model comes from Keras. */
function mayBeKerasModel(model: Node, facts: FileFacts): boolean {
  const values = model.type === 'identifier' ? valuesAssignedTo(model.text, model, facts) : [];
  const fromKeras = values.some((v) => v.type === 'call' && /^(tensorflow|keras|tf_keras)\./.test(facts.calleeName(v) ?? ''));
  if (fromKeras) return true;
  if (values.some((v) => v.type === 'call' && facts.calleeName(v) !== null)) return false;
  return !OTHER_PREDICTORS.some((lib) => facts.importsModule(lib));
}

/** `[model.predict(f[None]) for f in frames]`: a comprehension is a loop too. */
function enclosingComprehension(node: Node): Node | null {
  for (let n = node.parent; n; n = n.parent) {
    if (/^(list|set|dictionary)_comprehension$|^generator_expression$/.test(n.type)) return n;
    if (n.type === 'function_definition' || n.type === 'lambda' || n.type === 'class_definition') return null;
  }
  return null;
}
