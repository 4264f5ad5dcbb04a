import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { DATASET_METHODS, FileFacts, insideExpectationBlock, isDatasetParameter, tfDataPipeline, isNotebookFile } from '../../server/analysis';
import { insertAt } from '../../server/fixes';

/**
 * Dataset methods that return a new Dataset and leave the receiver as it was: the value layer's list, less `zip`, which is
 * called on the class (`tf.data.Dataset.zip(...)`), not on a pipeline.
 */
const TRANSFORMS = [...DATASET_METHODS].filter((m) => m !== 'zip');

/** Methods that only change how elements are produced, not which: dropping them loses speed, not data. */
const SCHEDULING = new Set(['prefetch', 'cache', 'with_options']);

export default defineRule({
  id: 'tf-data-result-discarded',
  title: 'A tf.data transformation whose result is discarded',
  category: 'tensorflow',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'tf-data-pipelines',
  requires: ['tensorflow'],
  message: '`Dataset` methods return a new dataset; this result is discarded, so the transformation never applies',
  docs: {
    why:
      'A `tf.data.Dataset` is immutable: `map`, `batch`, `prefetch` and the other transformations return a new ' +
      'dataset and leave the receiver unchanged. A call whose result is thrown away does nothing, so the pipeline ' +
      'that is iterated later has no prefetching, batching or mapping from that line, and nothing says so.',
    instead:
      'Assign the result back (`ds = ds.prefetch(tf.data.AUTOTUNE)`) or chain it into the expression that builds ' +
      'the pipeline. Module-level statements of a notebook (a cell may display its last value) are not flagged.',
    example: {
      before: 'def batches(x, batch_size):\n    ds = tf.data.Dataset.from_tensor_slices(x).batch(batch_size)\n    ds.prefetch(tf.data.AUTOTUNE)\n    return ds',
      after:
        'def batches(x, batch_size):\n    ds = tf.data.Dataset.from_tensor_slices(x).batch(batch_size)\n    ds = ds.prefetch(tf.data.AUTOTUNE)\n    return ds',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Assign the result back to the dataset',
    reason: 'the transformation then applies: later uses of the name see the new dataset (mapped, batched or filtered elements)',
  },
  query: `
(expression_statement
  (call
    function: (attribute object: (_) @recv attribute: (identifier) @m)
    arguments: (argument_list)) @call
  (#any-of? @m ${TRANSFORMS.map((t) => `"${t}"`).join(' ')})) @stmt`,
  calls: { names: TRANSFORMS, depth: 1 },
  check(m, ctx) {
    const call = m.need('call');
    const stmt = m.need('stmt');
    const recv = m.need('recv');
    // `with pytest.raises(...)`: called to see it fail.
    if (insideExpectationBlock(call)) return;
    // A notebook cell displays its last value (`ds.take(3)` to look at elements): at module level that is not a bug.
    if (atModuleLevel(stmt) && isNotebook(ctx.filePath, ctx.facts)) return;
    if (!tfDataPipeline(recv, ctx.facts) && !isDatasetParameter(recv, ctx.facts)) return;
    const method = m.need('m').text;
    // `ds.apply(cache_with_tf_record(path))`: a transformation of the project's own may do its work when applied
    // (Keras-FewShotLearning's cache writes its TFRecord file then, and its tests check the file, review75). Only
    // TensorFlow's own transformations are known to do nothing until the result is iterated.
    if (method === 'apply' && !appliesTensorFlowTransformation(call, ctx.facts)) return;
    const lost = SCHEDULING.has(method) ? 'so the pipeline runs without it' : 'so the elements iterated later are not transformed';
    const target = recv.type === 'identifier' ? recv.text : null;
    ctx.report({
      node: call,
      message:
        `\`${recv.type === 'identifier' ? recv.text : 'Dataset'}.${method}(...)\` returns a new dataset and this result is discarded, ${lost}` +
        (target ? `; assign it: \`${target} = ${target}.${method}(...)\`` : ''),
      edits: target ? [insertAt(stmt.startIndex, `${target} = `)] : undefined,
    });
  },
});

/** The argument of `.apply(...)` is a TensorFlow transformation: `tf.data.experimental.unbatch()` and the like. */
function appliesTensorFlowTransformation(call: Node, facts: FileFacts): boolean {
  const arg = call.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment');
  const callee = arg?.type === 'call' ? arg.childForFieldName('function') : arg;
  return callee != null && /^tensorflow\./.test(facts.qualifiedName(callee) ?? '');
}

function atModuleLevel(stmt: Node): boolean {
  return stmt.parent?.type === 'module';
}

/** A Jupyter notebook, or a script split into cells with `# %%` markers. */
function isNotebook(filePath: string | undefined, facts: FileFacts): boolean {
  return isNotebookFile(filePath) || /^# ?%%/m.test(facts.text);
}
