// tf.data pipelines: whether an expression is a `tf.data.Dataset`, following method chains
// (`from_tensor_slices(...).shuffle(...).map(...)`) and names assigned from them, and which
// transformations a pipeline applies. Results are memoised per FileFacts.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { keywordValue } from './callArgs';
import { unpackedValuesOf, valuesAssignedTo } from './trainingLoop';

/** Dataset methods that return a Dataset (so a chain of them stays a Dataset). */
export const DATASET_METHODS = new Set([
  'map',
  'batch',
  'padded_batch',
  'ragged_batch',
  'shuffle',
  'repeat',
  'cache',
  'prefetch',
  'filter',
  'take',
  'skip',
  'unbatch',
  'interleave',
  'flat_map',
  'window',
  'apply',
  'with_options',
  'shard',
  'concatenate',
  'zip',
  'enumerate',
  'rebatch',
  'map_with_legacy_function',
  'bucket_by_sequence_length',
  'take_while',
  'scan',
  'group_by_window',
  'snapshot',
  'ignore_errors',
  'assert_cardinality',
  'batch_by_sequence_length',
]);

/** Constructors (qualified-name prefixes and names) that produce a tf.data.Dataset. */
const SOURCES = [
  /^tensorflow\.data\./,
  /^tensorflow_datasets\.load$/,
  /^(tensorflow\.keras|keras|tf_keras)\.utils\.(image|text|audio)_dataset_from_directory$/,
  /^(tensorflow\.keras|keras|tf_keras)\.utils\.timeseries_dataset_from_array$/,
  /^(tensorflow\.keras|keras|tf_keras)\.preprocessing\.(image|text)_dataset_from_directory$/,
];

export interface Pipeline {
  /** The transformation methods applied, outermost last, including those on earlier assignments. */
  methods: string[];
  /** The source call (e.g. `tf.data.Dataset.from_tensor_slices(...)`). */
  source: Node;
}

const cache = new WeakMap<FileFacts, Map<number, Pipeline | null>>();

/** The pipeline an expression evaluates to, or null when it is not (visibly) a tf.data.Dataset. */
export function tfDataPipeline(expr: Node, facts: FileFacts): Pipeline | null {
  let memo = cache.get(facts);
  if (!memo) {
    memo = new Map();
    cache.set(facts, memo);
  }
  if (memo.has(expr.id)) return memo.get(expr.id)!;
  memo.set(expr.id, null); // guards against self-reference while resolving
  const result = resolve(expr, facts, 0);
  memo.set(expr.id, result);
  return result;
}

function resolve(expr: Node, facts: FileFacts, depth: number): Pipeline | null {
  if (depth > 8) return null;
  const methods: string[] = [];
  let n: Node | null = expr;
  while (n) {
    if (n.type === 'parenthesized_expression') {
      n = n.namedChild(0);
      continue;
    }
    if (n.type === 'call') {
      const fn: Node | null = n.childForFieldName('function');
      const q = facts.calleeName(n);
      if (q && SOURCES.some((r) => r.test(q))) return { methods: methods.reverse(), source: n };
      if (fn?.type === 'attribute') {
        const method = fn.childForFieldName('attribute')?.text ?? '';
        // `tfds.builder("mnist").as_dataset(split="train")`: one split of a TFDS builder is a Dataset.
        if (method === 'as_dataset' && keywordValue(n, 'split')?.type === 'string' && isTfdsBuilder(fn.childForFieldName('object'), facts)) {
          return { methods: methods.reverse(), source: n };
        }
        // `tf.data.Dataset.zip(...)`-style static calls are covered by SOURCES above.
        if (!DATASET_METHODS.has(method)) return null;
        methods.push(method);
        n = fn.childForFieldName('object');
        continue;
      }
      return null;
    }
    if (n.type === 'subscript') {
      // `tfds.load("mnist")["train"]` (or a name bound once to that dict): the split's Dataset.
      const load = splitDict(n, facts);
      return load ? { methods: methods.reverse(), source: load } : null;
    }
    if (n.type === 'identifier') {
      // A name assigned earlier in the same scope from a pipeline (`ds = ds.map(f)` chains back).
      const values = valuesAssignedTo(n.text, n, facts).filter((v) => v.endIndex <= n!.startIndex);
      const last = values[values.length - 1];
      if (!last) return unpackedSplit(n, facts) ? { methods: methods.reverse(), source: unpackedSplit(n, facts)! } : null;
      const upstream = resolve(last, facts, depth + 1);
      if (!upstream) return null;
      return { methods: [...upstream.methods, ...methods.reverse()], source: upstream.source };
    }
    return null;
  }
  return null;
}

/** The call (or the one value of a name bound to it) that `expr` evaluates to, when it is a call. */
function callBehind(expr: Node | null, facts: FileFacts): Node | null {
  if (expr?.type === 'call') return expr;
  if (expr?.type !== 'identifier') return null;
  const values = valuesAssignedTo(expr.text, expr, facts).filter((v) => v.endIndex <= expr.startIndex);
  return values.length === 1 && values[0].type === 'call' ? values[0] : null;
}

/** `tfds.builder(name)`, directly or through a name bound once to it. */
function isTfdsBuilder(expr: Node | null, facts: FileFacts): boolean {
  const call = callBehind(expr, facts);
  return call !== null && facts.calleeName(call) === 'tensorflow_datasets.builder';
}

/** `d["train"]` where d is `tfds.load(name)` without `split=` or `with_info=`: a dict of Datasets by split, so the item is one. */
function splitDict(item: Node, facts: FileFacts): Node | null {
  const keys = item.childrenForFieldName('subscript').filter((k) => k !== null && k.type !== 'comment');
  if (keys.length !== 1 || keys[0]!.type !== 'string') return null;
  const load = callBehind(item.childForFieldName('value'), facts);
  if (!load || facts.calleeName(load) !== 'tensorflow_datasets.load') return null;
  return keywordValue(load, 'split') || keywordValue(load, 'with_info') ? null : load;
}

/**
 * The `tfds.load(...)` call a name was unpacked from when that name is one of its Datasets:
 * `(train, val), info = tfds.load(..., split=[...], with_info=True)` binds Datasets in the first
 * slot only (the second is the DatasetInfo); without `with_info`, every slot is a split.
 */
function unpackedSplit(name: Node, facts: FileFacts): Node | null {
  const bindings = unpackedValuesOf(name.text, name, facts).filter((b) => b.value.endIndex <= name.startIndex);
  const last = bindings[bindings.length - 1];
  if (!last || last.value.type !== 'call' || facts.calleeName(last.value) !== 'tensorflow_datasets.load') return null;
  // A list of splits gives a tuple of Datasets; one split gives one; no split gives a dict of them.
  const split = keywordValue(last.value, 'split');
  const datasetDepth = !split ? 0 : split.type === 'list' || split.type === 'tuple' ? 2 : 1;
  const withInfo = keywordValue(last.value, 'with_info')?.type === 'true';
  const depth = withInfo ? (last.path[0] === 0 ? last.path.length : 0) : last.path.length + 1;
  return depth === datasetDepth && datasetDepth > 0 ? last.value : null;
}

/** Sources whose elements are the argument's own values: nothing to read or decode. */
const IN_MEMORY_SOURCES = /^tensorflow\.data\.Dataset\.(from_tensor_slices|from_tensors|range)$/;
/** Calls that build a tensor from their literal arguments. */
const LITERAL_TENSORS = new Set(['tensorflow.constant', 'tensorflow.range', 'tensorflow.ones', 'tensorflow.zeros', 'numpy.array', 'numpy.arange']);
const LITERAL_TYPES = new Set(['integer', 'float', 'string', 'true', 'false', 'none', 'concatenated_string']);

/** Dataset methods that only regroup or reorder elements already in memory: no per-element work to overlap with training. */
const SLICING_METHODS = new Set(['batch', 'shuffle', 'repeat', 'take', 'skip', 'cache', 'unbatch', 'shard', 'enumerate', 'with_options', 'rebatch']);

/**
 * True when the pipeline only slices arrays already in memory (`from_tensor_slices((x, y)).shuffle(n).batch(64)`):
 * each batch is a slice of a tensor, ready at once, so prefetching it overlaps nothing worth overlapping.
 */
export function isInMemorySlicing(pipeline: Pipeline, facts: FileFacts): boolean {
  const q = facts.calleeName(pipeline.source);
  return q !== null && IN_MEMORY_SOURCES.test(q) && pipeline.methods.every((m) => SLICING_METHODS.has(m));
}

/**
 * True when the pipeline starts from a few values written in the source (`from_tensor_slices([1, 5, 3])`,
 * `from_tensors(([1.], [1.]))`, `Dataset.range(100)`, or a name bound once to such a literal): a demonstration
 * or a test, where parallel mapping and prefetching buy nothing.
 */
export function isLiteralDataset(pipeline: Pipeline, facts: FileFacts): boolean {
  const q = facts.calleeName(pipeline.source);
  if (!q || !IN_MEMORY_SOURCES.test(q)) return false;
  const args = pipeline.source.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const data = args.filter((a) => a.type !== 'keyword_argument');
  return data.length > 0 && data.every((a) => isLiteralData(a, facts, 0));
}

function isLiteralData(n: Node, facts: FileFacts, depth: number): boolean {
  if (LITERAL_TYPES.has(n.type)) return true;
  const parts = (node: Node) => node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  switch (n.type) {
    case 'unary_operator':
      return isLiteralData(n.childForFieldName('argument')!, facts, depth);
    case 'list':
    case 'tuple':
    case 'parenthesized_expression':
      return parts(n).every((c) => isLiteralData(c, facts, depth));
    case 'dictionary':
      return parts(n).every((pair) => pair.type === 'pair' && isLiteralData(pair.childForFieldName('value')!, facts, depth));
    case 'call': {
      const q = facts.calleeName(n);
      const args = n.childForFieldName('arguments');
      if (!q || !LITERAL_TENSORS.has(q) || args?.type !== 'argument_list') return false;
      return parts(args).every((a) => a.type === 'keyword_argument' || isLiteralData(a, facts, depth));
    }
    case 'identifier': {
      if (depth > 1) return false;
      const values = valuesAssignedTo(n.text, n, facts);
      return values.length === 1 && values[0].endIndex <= n.startIndex && isLiteralData(values[0], facts, depth + 1);
    }
    default:
      return false;
  }
}

/**
 * TensorFlow 1 spellings: contrib, estimators, sessions, placeholders, `tf.compat.v1`, `tf.flags`/`tf.gfile`/`tf.logging`.
 * Code written against them (BERT's TPUEstimator input functions) runs on a TensorFlow without `tf.data.AUTOTUNE`.
 */
const TF1_API = /\b(?:tf|tensorflow)\.(?:contrib|estimator|Session|placeholder|compat\.v1|flags|gfile|logging|app\.run)\b/;

/**
 * The name of AUTOTUNE under `tf.data` for this file: `experimental.AUTOTUNE` in TensorFlow 1 code or where the file
 * already spells it that way and never the short way (the short name came with TensorFlow 2.4; the long one works in
 * every release since 1.13), `AUTOTUNE` otherwise. Scans the text, so call it only when reporting.
 */
export function autotuneName(text: string): 'AUTOTUNE' | 'experimental.AUTOTUNE' {
  if (TF1_API.test(text)) return 'experimental.AUTOTUNE';
  return /\bdata\.experimental\.AUTOTUNE\b/.test(text) && !/\bdata\.AUTOTUNE\b/.test(text) ? 'experimental.AUTOTUNE' : 'AUTOTUNE';
}

/**
 * True when `expr` is a parameter annotated `tf.data.Dataset` (`def augment(ds: tf.data.Dataset, fn)`) and not rebound
 * before it: a library function handed its caller's pipeline, whose source this file cannot show.
 */
export function isDatasetParameter(expr: Node, facts: FileFacts): boolean {
  if (expr.type !== 'identifier') return false;
  let def: Node | null = expr.parent;
  while (def && def.type !== 'function_definition') def = def.type === 'lambda' || def.type === 'class_definition' ? null : def.parent;
  if (!def) return false;
  if (valuesAssignedTo(expr.text, expr, facts).some((v) => v.startIndex < expr.startIndex)) return false;
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p?.type !== 'typed_parameter' && p?.type !== 'typed_default_parameter') continue;
    const id = p.type === 'typed_parameter' ? p.namedChildren.find((c) => c?.type === 'identifier') : p.childForFieldName('name');
    if (id?.text !== expr.text) continue;
    const type = p.childForFieldName('type');
    const annotation = type?.type === 'type' ? type.namedChild(0) : type;
    return facts.qualifiedName(annotation) === 'tensorflow.data.Dataset';
  }
  return false;
}
