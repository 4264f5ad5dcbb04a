import { defineRule } from '../../server/engine/rule';
import { type FileFacts, hasSplatArguments, isLiteralDataset, keywordArgument, positionalArguments, tfDataPipeline } from '../../server/analysis';
import { appendArgument, ensureImport } from '../../server/fixes';
import type { Node } from '../../server/syntax';

/** Map functions whose parallel execution could change results or need thread safety. */
const ORDER_SENSITIVE = /py_function|numpy_function|\brandom\b|random_|deterministic|stateful/;

const RANDOM_OR_PYTHON =
  'the pipeline uses random ops, py_function or determinism settings: parallel calls may change which element gets which random draw, or need thread-safe Python';

/** Calls that only relabel, re-type or re-shape a tensor's values (no per-value computation worth a thread). */
const REARRANGING_CALLS = new Set([
  'tensorflow.cast',
  'tensorflow.reshape',
  'tensorflow.transpose',
  'tensorflow.expand_dims',
  'tensorflow.squeeze',
  'tensorflow.identity',
]);
const REARRANGING_NODES = new Set([
  'identifier',
  'integer',
  'float',
  'string',
  'none',
  'true',
  'false',
  'slice',
  'subscript',
  'tuple',
  'list',
  'dictionary',
  'pair',
  'parenthesized_expression',
  'unary_operator',
  'attribute',
  'argument_list',
  'keyword_argument',
]);

/** True when a lambda body only indexes, slices, builds tuples/dicts, casts or reshapes (`lambda w: (w[:-1], w[-1:])`). */
function isRearrangement(body: Node | null, facts: FileFacts, depth = 0): boolean {
  if (!body || depth > 12) return false;
  if (body.type === 'call') {
    const q = facts.calleeName(body)?.replace(/^tensorflow\.compat\.v[12]\./, 'tensorflow.'); // `import tensorflow.compat.v1 as tf`
    const args = body.childForFieldName('arguments');
    return !!q && REARRANGING_CALLS.has(q) && isRearrangement(args, facts, depth + 1);
  }
  if (!REARRANGING_NODES.has(body.type)) return false;
  if (body.type === 'string') return true;
  return body.namedChildren.every((c) => !c || c.type === 'comment' || isRearrangement(c, facts, depth + 1));
}

export default defineRule({
  id: 'tf-data-map-sequential',
  title: 'Dataset.map without num_parallel_calls',
  category: 'tensorflow',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'tf-data-pipelines',
  requires: ['tensorflow'],
  message: '`Dataset.map` runs the function on one element at a time; pass `num_parallel_calls=tf.data.AUTOTUNE`',
  docs: {
    why:
      'Without `num_parallel_calls`, `map` applies the function to one element after another on a single thread, ' +
      'so decoding and augmentation become the bottleneck of the input pipeline and the accelerator waits. With ' +
      '`tf.data.AUTOTUNE`, tf.data runs several calls in parallel and tunes the degree at runtime; element order ' +
      'is kept unless determinism is turned off.',
    instead: '`ds.map(fn, num_parallel_calls=tf.data.AUTOTUNE)`, and end the pipeline with `.prefetch(tf.data.AUTOTUNE)`.',
    example: {
      before: 'ds = tf.data.TFRecordDataset(files)\nds = ds.map(decode_and_resize)',
      after: 'ds = tf.data.TFRecordDataset(files)\nds = ds.map(decode_and_resize, num_parallel_calls=tf.data.AUTOTUNE)',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Map in parallel (num_parallel_calls=AUTOTUNE)',
    forms: [{ safety: 'unsafe', when: 'when the pipeline uses random ops, `py_function` or determinism settings', reason: RANDOM_OR_PYTHON }],
  },
  query: `
(call
  function: (attribute object: (_) @recv attribute: (identifier) @m)
  arguments: (argument_list)
  (#eq? @m "map")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    if (keywordArgument(call, 'num_parallel_calls') || hasSplatArguments(call)) return;
    if (positionalArguments(call).length !== 1) return;
    const pipeline = tfDataPipeline(m.need('recv'), ctx.facts);
    // A few values written in the source: a demonstration, where parallel calls buy nothing.
    if (!pipeline || isLiteralDataset(pipeline, ctx.facts)) return;
    // One element (`from_tensors` before any `repeat`): the function runs once.
    if (ctx.facts.calleeName(pipeline.source) === 'tensorflow.data.Dataset.from_tensors' && !pipeline.methods.includes('repeat')) return;
    const fn = positionalArguments(call)[0];
    // Splitting or re-shaping each element costs next to nothing: no work to spread over threads.
    if (fn.type === 'lambda' && isRearrangement(fn.childForFieldName('body'), ctx.facts)) return;
    const tf = ensureImport(ctx.facts, 'tensorflow');
    const edit = appendArgument(ctx.text, call, `num_parallel_calls=${tf.ref}.data.AUTOTUNE`);
    const risky = ORDER_SENSITIVE.test(ctx.text);
    ctx.report({
      start: m.need('m').startIndex,
      end: call.endIndex,
      message: `\`.map(${positionalArguments(call)[0].text.slice(0, 40)})\` runs on one element at a time; pass \`num_parallel_calls=tf.data.AUTOTUNE\``,
      edits: edit ? [...tf.edits, edit] : undefined,
      safety: risky ? 'unsafe' : 'safe',
      reason: risky ? RANDOM_OR_PYTHON : undefined,
    });
  },
});
