// tf.data pipelines: whether an expression is a `tf.data.Dataset`, following method chains
// (`from_tensor_slices(...).shuffle(...).map(...)`) and names assigned from them, and which
// transformations a pipeline applies. Results are memoised per FileFacts.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { keywordValue, positionalArguments } from './callArgs';
import { unpackedValuesOf, valuesAssignedTo } from './trainingLoop';
import { definitionsNamed, occurrences, returnedBySoleFunction } from './names';
import { enclosingDef, findDescendants, isNestedScope, scopeBody } from './scopes';
import { isDisplayCall } from './display';
import type { FileProbe } from './codeContext';
import { below, pinnedCeiling } from './projectPins';

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
  /** The calls of those methods (`ds.map(f)`), in the same order as `methods`. */
  calls: Node[];
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
  const calls: Node[] = [];
  let n: Node | null = expr;
  while (n) {
    if (n.type === 'parenthesized_expression') {
      n = n.namedChild(0);
      continue;
    }
    if (n.type === 'call') {
      const fn: Node | null = n.childForFieldName('function');
      const q = facts.calleeName(n);
      if (q && SOURCES.some((r) => r.test(q))) return { methods: methods.reverse(), calls: calls.reverse(), source: n };
      if (fn?.type === 'attribute') {
        const method = fn.childForFieldName('attribute')?.text ?? '';
        // `tfds.builder("mnist").as_dataset(split="train")`: one split of a TFDS builder is a Dataset.
        if (method === 'as_dataset' && keywordValue(n, 'split')?.type === 'string' && isTfdsBuilder(fn.childForFieldName('object'), facts)) {
          return { methods: methods.reverse(), calls: calls.reverse(), source: n };
        }
        // `tf.data.Dataset.zip(...)`-style static calls are covered by SOURCES above.
        if (!DATASET_METHODS.has(method)) return null;
        methods.push(method);
        calls.push(n);
        n = fn.childForFieldName('object');
        continue;
      }
      // `ds = make_dataset(files)` where `make_dataset` is a function of this file that returns one pipeline.
      const returned = fn?.type === 'identifier' ? returnedPipeline(fn, facts, depth) : null;
      if (!returned) return null;
      return { methods: [...returned.methods, ...methods.reverse()], calls: [...returned.calls, ...calls.reverse()], source: returned.source };
    }
    if (n.type === 'subscript') {
      // `tfds.load("mnist")["train"]` (or a name bound once to that dict): the split's Dataset.
      const load = splitDict(n, facts);
      return load ? { methods: methods.reverse(), calls: calls.reverse(), source: load } : null;
    }
    if (n.type === 'attribute' && n.childForFieldName('object')?.text === 'self') {
      // `self.batch_train_data = self.train_data.batch(n)` earlier in the same method (RandLA-Net's input pipelines).
      const last = lastSelfStore(n);
      const upstream = last ? resolve(last, facts, depth + 1) : null;
      if (!upstream) return null;
      return { methods: [...upstream.methods, ...methods.reverse()], calls: [...upstream.calls, ...calls.reverse()], source: upstream.source };
    }
    if (n.type === 'identifier') {
      // A name assigned earlier in the same scope from a pipeline (`ds = ds.map(f)` chains back).
      const values = valuesAssignedTo(n.text, n, facts).filter((v) => v.endIndex <= n!.startIndex);
      const last = values[values.length - 1];
      if (!last) return unpackedSplit(n, facts) ? { methods: methods.reverse(), calls: calls.reverse(), source: unpackedSplit(n, facts)! } : null;
      const upstream = resolve(last, facts, depth + 1);
      if (!upstream) return null;
      return { methods: [...upstream.methods, ...methods.reverse()], calls: [...upstream.calls, ...calls.reverse()], source: upstream.source };
    }
    return null;
  }
  return null;
}

/**
 * The value of the last plain statement `self.x = value` before `attr` (`self.x`) in the method around it, or null: a store
 * in a nested def, a loop or a branch may or may not have run, so only statements of the method's own body count.
 */
function lastSelfStore(attr: Node): Node | null {
  let def: Node | null = attr.parent;
  while (def && def.type !== 'function_definition') def = def.parent;
  const body = def?.childForFieldName('body');
  let last: Node | null = null;
  for (const st of body?.namedChildren ?? []) {
    if (!st || st.endIndex > attr.startIndex) break;
    const assign = st.type === 'expression_statement' ? st.namedChild(0) : null;
    if (assign?.type === 'assignment' && assign.childForFieldName('left')?.text === attr.text) last = assign.childForFieldName('right');
  }
  return last;
}

/**
 * The pipeline a module-level function of this file returns when it is called by name (`ds = make_dataset(files)`):
 * one `return` with a value (not a generator, not a nested def's), which is itself a pipeline. Null when the name is
 * imported, defined more than once, or the function returns anything else on some path: the caller cannot know which.
 */
function returnedPipeline(fn: Node, facts: FileFacts, depth: number): Pipeline | null {
  if (facts.importsName(fn.text)) return null;
  const defs = definitionsNamed(facts, 'function_definition', fn.text);
  const def = defs.length === 1 ? defs[0]! : null;
  const holder = def?.parent?.type === 'decorated_definition' ? def.parent.parent : def?.parent;
  if (!def || holder?.type !== 'module') return null;
  const body = def.childForFieldName('body');
  if (!body) return null;
  const exits = findDescendants(body, (x) => x.type === 'return_statement' || x.type === 'yield', isNestedScope);
  const value = exits.length === 1 && exits[0]!.type === 'return_statement' ? exits[0]!.namedChild(0) : null;
  return value ? resolve(value, facts, depth + 1) : null;
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
  const value = item.childForFieldName('value');
  const load = callBehind(value, facts);
  if (!load) return value?.type === 'identifier' ? unpackedSplitDict(value, facts) : null;
  if (facts.calleeName(load) !== 'tensorflow_datasets.load') return null;
  return keywordValue(load, 'split') || keywordValue(load, 'with_info') ? null : load;
}

/** `data, info = tfds.load(name, with_info=True)` (no `split=`): `data` is the dict of Datasets by split. */
function unpackedSplitDict(name: Node, facts: FileFacts): Node | null {
  const bindings = unpackedValuesOf(name.text, name, facts).filter((b) => b.value.endIndex <= name.startIndex);
  const last = bindings[bindings.length - 1];
  if (!last || last.value.type !== 'call' || facts.calleeName(last.value) !== 'tensorflow_datasets.load') return null;
  if (keywordValue(last.value, 'split') || keywordValue(last.value, 'with_info')?.type !== 'true') return null;
  return last.path.length === 1 && last.path[0] === 0 ? last.value : null;
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
// Names TensorFlow 2 removed from its top level: `tf.random_shuffle` (now `tf.random.shuffle`), `tf.py_func`, `tf.layers`,
// `tf.variable_scope`... (kaggle-web-traffic's input pipeline, written for TensorFlow 1.10).
const TF1_API =
  /\b(?:tf|tensorflow)\.(?:contrib|estimator|Session|placeholder|compat\.v1|flags|gfile|logging|app\.run|random_shuffle|py_func|layers|variable_scope|get_variable|to_float|to_int32|to_int64|global_variables_initializer)\b/;

/** The pip names TensorFlow is installed under. */
export const TENSORFLOW_PACKAGES = ['tensorflow', 'tensorflow-gpu', 'tensorflow-cpu'];
/** The release that added `tf.data.AUTOTUNE` beside `tf.data.experimental.AUTOTUNE`. */
const SHORT_AUTOTUNE_SINCE = [2, 4] as const;

/** The project caps `pkg` below the release with the short AUTOTUNE name. */
function capsBelowShortAutotune(pkg: string, project: { filePath: string | undefined; files: FileProbe }): boolean {
  const cap = pinnedCeiling(pkg, project.filePath, project.files);
  return cap !== null && below(cap, SHORT_AUTOTUNE_SINCE);
}

/**
 * The name of AUTOTUNE under `tf.data` for this file: `experimental.AUTOTUNE` in TensorFlow 1 code or where the file
 * already spells it that way and never the short way (the short name came with TensorFlow 2.4; the long one works in
 * every release since 1.13), `AUTOTUNE` otherwise. Scans the text, so call it only when reporting.
 */
export function autotuneName(text: string, project?: { filePath: string | undefined; files: FileProbe }): 'AUTOTUNE' | 'experimental.AUTOTUNE' {
  if (TF1_API.test(text)) return 'experimental.AUTOTUNE';
  // A project that pins TensorFlow below 2.4 (proteinfer's `tensorflow-gpu==1.15.4`, review69) has only the long name.
  if (project && TENSORFLOW_PACKAGES.some((pkg) => capsBelowShortAutotune(pkg, project))) return 'experimental.AUTOTUNE';
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

/** Steps that only regroup, reorder or pad elements already in memory. */
const IN_MEMORY_STEPS = new Set([...SLICING_METHODS, 'padded_batch']);

/**
 * True when every element of the pipeline comes from arrays already in memory and no step reads, decodes or runs Python:
 * `from_tensor_slices(...)`, `from_tensors`, `range`, or `Dataset.zip` of such datasets, then slicing, batching, shuffling,
 * and maps or filters whose functions the file shows to be light (mapFunctionWork). Each element is then ready in
 * microseconds, so there is next to nothing for `prefetch` to overlap with the model. `from_tensor_slices(paths).map(load)`
 * is not: its map reads files.
 */
export function isInMemoryPipeline(pipeline: Pipeline, facts: FileFacts, depth = 0): boolean {
  if (!inMemorySource(pipeline.source, facts, depth)) return false;
  return pipeline.calls.every((call, i) => {
    const method = pipeline.methods[i];
    if (IN_MEMORY_STEPS.has(method)) return true;
    if (method !== 'map' && method !== 'filter') return false;
    const fn = positionalArguments(call)[0] ?? keywordValue(call, method === 'map' ? 'map_func' : 'predicate');
    return !!fn && mapFunctionWork(fn, call, facts) === 'light';
  });
}

function inMemorySource(source: Node, facts: FileFacts, depth: number): boolean {
  const q = facts.calleeName(source);
  if (q && IN_MEMORY_SOURCES.test(q)) return true;
  // `tf.data.Dataset.zip((ds_x, ds_y))` of in-memory datasets.
  if (q !== 'tensorflow.data.Dataset.zip' || depth > 2) return false;
  const args = positionalArguments(source);
  const parts =
    args.length === 1 && (args[0].type === 'tuple' || args[0].type === 'list')
      ? args[0].namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment')
      : args;
  return (
    parts.length > 0 &&
    parts.every((part) => {
      const upstream = tfDataPipeline(part, facts);
      return upstream !== null && isInMemoryPipeline(upstream, facts, depth + 1);
    })
  );
}

/** What a mapped function does per element: see mapFunctionWork. */
export type MapWork = 'light' | 'python' | 'other';

/** Wrappers that run a Python function inside the pipeline: it holds the GIL while it runs. */
const PY_FUNCTIONS = /^tensorflow\.(?:py_function|numpy_function|py_func)$/;
/** TensorFlow families whose ops do real work per element: decoding, parsing, images, audio, strings, layers, loops. */
const WORKING_TF =
  /^tensorflow\.(?:io|image|audio|strings|signal|linalg|nn|keras|sparse|raw_ops|map_fn|vectorized_map|while_loop|decode_\w+|parse_\w+|read_file)(?:\.|$)/;
/** Builtins that only convert, count or regroup values. */
const LIGHT_BUILTINS = new Set([
  'len',
  'int',
  'float',
  'str',
  'bool',
  'abs',
  'min',
  'max',
  'round',
  'range',
  'tuple',
  'list',
  'dict',
  'zip',
  'enumerate',
  'sum',
  'isinstance',
  'repr',
  'slice',
]);

/** `len(x)`, `int(n)`: a builtin of that list, not shadowed where it is called. */
function isLightBuiltin(call: Node, facts: FileFacts): boolean {
  const callee = call.childForFieldName('function');
  return callee?.type === 'identifier' && LIGHT_BUILTINS.has(callee.text) && facts.isBuiltin(callee.text, call);
}

/**
 * What the function given to `map` or `filter` (a lambda, or a def of this file, followed through same-file helpers a few
 * levels) does per element: 'python' when it wraps Python code with `tf.py_function`/`tf.numpy_function` (which holds the
 * GIL, so parallel calls run one at a time), 'light' when every call in it is a TensorFlow op outside the decoding, image,
 * string and layer families or a plain builtin (`lambda x, y: (x * 2 - 1, y)`, `chunk[:-1], chunk[1:]`), and 'other'
 * otherwise (real work, or code the file does not show). `at` is the call that uses it: a notebook may redefine a name.
 */
export function mapFunctionWork(fn: Node, at: Node, facts: FileFacts, depth = 0): MapWork {
  if (fn.type !== 'lambda' && fn.type !== 'identifier') return tfOpWork(fn, facts);
  const body = fn.type === 'lambda' ? fn : visibleDef(fn.text, at, facts);
  if (!body) return 'other';
  let work: MapWork = 'light';
  const note = (w: MapWork) => {
    if (w === 'python') work = 'python';
    else if (w === 'other' && work === 'light') work = 'other';
  };
  // A def of the file passed on as a callback (`tf.nest.map_structure(decode, x)`, `tf.py_function(encode, ...)`).
  for (const id of findDescendants(body, (n) => n.type === 'identifier' && n.parent?.type === 'argument_list')) {
    const def = visibleDef(id.text, id, facts);
    if (def && !def.equals(body) && !withinPyFunction(id, facts)) note(depth < 3 ? mapFunctionWork(id, id, facts, depth + 1) : 'other');
  }
  for (const call of findDescendants(body, (n) => n.type === 'call')) {
    const callee = call.childForFieldName('function');
    const q = tfCalleeName(call, facts);
    if (PY_FUNCTIONS.test(q)) return 'python';
    if (q.startsWith('tensorflow.')) {
      note(WORKING_TF.test(q) ? 'other' : 'light');
    } else if (isLightBuiltin(call, facts)) {
      note('light');
    } else if (callee?.type === 'identifier' && depth < 3 && visibleDef(callee.text, call, facts)?.equals(body) === false) {
      note(mapFunctionWork(callee, call, facts, depth + 1));
    } else {
      note('other');
    }
  }
  return work;
}

/** `tf.transpose` or `tf.py_function` given to `map` directly. */
function tfOpWork(fn: Node, facts: FileFacts): MapWork {
  const q = tfQualified(facts.qualifiedName(fn));
  if (PY_FUNCTIONS.test(q)) return 'python';
  return q.startsWith('tensorflow.') && !WORKING_TF.test(q) ? 'light' : 'other';
}

/** A qualified name with `tensorflow.compat.v1.` (or `v2.`) spelled as `tensorflow.` (`import tensorflow.compat.v1 as tf`); '' for none. */
export function tfQualified(name: string | null | undefined): string {
  return name?.replace(/^tensorflow\.compat\.v[12]\./, 'tensorflow.') ?? '';
}

/** The callee's qualified name, as tfQualified spells it. */
export function tfCalleeName(call: Node, facts: FileFacts): string {
  return tfQualified(facts.calleeName(call));
}

/** A TensorFlow op (named as tfQualified spells it) that does real work per element or runs Python: decoding, images, strings, layers, `tf.py_function`. */
export function isHeavyTfOp(name: string): boolean {
  return WORKING_TF.test(name) || PY_FUNCTIONS.test(name);
}

/** The identifier is an argument of a `tf.py_function(...)` call: the Python function it wraps. */
function withinPyFunction(id: Node, facts: FileFacts): boolean {
  const call = id.parent?.parent;
  return call?.type === 'call' && PY_FUNCTIONS.test(tfCalleeName(call, facts));
}

/** The def a name reaching `at` stands for: the last one above it (a notebook may redefine it), else the file's only one. */
function visibleDef(name: string, at: Node, facts: FileFacts): Node | null {
  const defs = definitionsNamed(facts, 'function_definition', name);
  return defs.filter((d) => d.startIndex < at.startIndex).at(-1) ?? (defs.length === 1 ? defs[0]! : null);
}

/** Calls a display loop may make to get at what it shows: conversions of a tensor to host values, shape reads, builtins. */
const SHOWING_METHODS = new Set(['numpy', 'tolist', 'decode', 'format', 'join', 'as_list', 'get_shape']);

/**
 * The loop's body only shows its elements: each statement is a display call (print, display, a plot), or binds a name
 * (from conversions such as `.numpy()` and builtins only) that only such calls read. `for ex in ds.take(5): print(ex)`,
 * `for b in ds_batched: print("Batch shape:", b[0].shape)`: an inspection of the data, not a consumer of a pipeline.
 */
export function loopOnlyDisplays(loop: Node, facts: FileFacts): boolean {
  const body = loop.childForFieldName('body');
  if (!body || loop.type !== 'for_statement') return false;
  let shows = false;
  for (const stmt of body.namedChildren) {
    if (!stmt || stmt.type === 'comment' || stmt.type === 'pass_statement') continue;
    const expr = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (expr?.type === 'call' && isDisplayCall(expr, facts)) {
      shows = true;
      continue;
    }
    const left = expr?.type === 'assignment' ? expr.childForFieldName('left') : null;
    const right = expr?.type === 'assignment' ? expr.childForFieldName('right') : null;
    if (left?.type !== 'identifier' || !right || !onlyShowingCalls(right, facts)) return false;
    const reads = occurrences(body, left.text).filter((id) => id.startIndex > expr!.endIndex);
    if (reads.length === 0 || !reads.every((id) => insideDisplayCall(id, body, facts))) return false;
  }
  return shows;
}

/** Methods a collecting loop may call on its elements and the arrays it makes of them: conversions, reshapes, list growth, reductions. */
const COLLECTING_METHODS = new Set([
  'numpy',
  'tolist',
  'decode',
  'append',
  'extend',
  'reshape',
  'astype',
  'flatten',
  'ravel',
  'squeeze',
  'transpose',
  'copy',
  'sum',
  'any',
  'all',
  'mean',
  'min',
  'max',
]);

/**
 * The loop only copies its elements into host values: it converts them with `.numpy()` (or `.tolist()`), and every other
 * call in its body is a conversion, a reshape, a list append, a NumPy function or a light builtin, with no loop of its own.
 * basenji's `Dataset.numpy()` and its statistics pass: per element the loop does next to nothing, so there is little work
 * for a prefetch to overlap with loading.
 */
export function loopOnlyCollects(loop: Node, facts: FileFacts): boolean {
  const body = loop.childForFieldName('body');
  if (!body || loop.type !== 'for_statement') return false;
  const nested = findDescendants(
    body,
    (n) =>
      /^(for_statement|while_statement|list_comprehension|set_comprehension|dictionary_comprehension|generator_expression|yield|await|with_statement)$/.test(
        n.type,
      ),
    isNestedScope,
  );
  if (nested.length > 0) return false;
  let converts = false;
  for (const call of findDescendants(body, (n) => n.type === 'call', isNestedScope)) {
    const callee = call.childForFieldName('function');
    const method = callee?.type === 'attribute' ? (callee.childForFieldName('attribute')?.text ?? '') : '';
    if (method === 'numpy' || method === 'tolist') converts = true;
    if (COLLECTING_METHODS.has(method)) continue;
    if (callee?.type === 'identifier' && isLightBuiltin(call, facts)) continue;
    if (facts.calleeName(call)?.startsWith('numpy.')) continue;
    return false;
  }
  return converts;
}

function onlyShowingCalls(expr: Node, facts: FileFacts): boolean {
  // findDescendants leaves out the node it starts from, which may be the call itself (`shape = step(b)`).
  return [expr, ...findDescendants(expr, (n) => n.type === 'call')]
    .filter((n) => n.type === 'call')
    .every((c) => {
      const callee = c.childForFieldName('function');
      if (callee?.type === 'identifier') return isLightBuiltin(c, facts);
      return callee?.type === 'attribute' && SHOWING_METHODS.has(callee.childForFieldName('attribute')?.text ?? '');
    });
}

/** The identifier is inside the arguments of a display call, below `boundary`. */
function insideDisplayCall(id: Node, boundary: Node, facts: FileFacts): boolean {
  for (let n = id.parent; n && !n.equals(boundary); n = n.parent) {
    if (isNestedScope(n)) return false;
    if (n.type === 'argument_list' && n.parent?.type === 'call' && isDisplayCall(n.parent, facts)) return true;
  }
  return false;
}

/**
 * After `loop`, in its scope, the value of `name` is only shown: each read is inside a display call (`print(len(xs))`,
 * `plt.hist(xs)`) or converts it into the same name (`xs = np.array(xs)`), up to a rebinding to a new value; and there is at
 * least one such read. A list a loop fills for a printout, where the loop's cost is that of looking at the data.
 */
export function onlyDisplayedAfter(name: string, loop: Node, facts: FileFacts): boolean {
  const scope = scopeBody(loop);
  let shown = false;
  for (const id of occurrences(scope, name)) {
    if (id.startIndex < loop.endIndex) continue;
    const assignment = id.parent;
    if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.equals(id)) {
      const right = assignment.childForFieldName('right');
      // `xs = np.array(xs)`: the same values, converted; any other value starts afresh.
      if (right && occurrences(right, name).length > 0) continue;
      break;
    }
    if (insideDisplayCall(id, scope, facts)) shown = true;
    else if (!convertsIntoItself(id, name)) return false;
  }
  return shown;
}

/** The identifier is read on the right of `name = ...name...` (a conversion into the same name). */
function convertsIntoItself(id: Node, name: string): boolean {
  for (let n = id.parent; n; n = n.parent) {
    if (n.type === 'assignment')
      return n.childForFieldName('left')?.text === name && n.childForFieldName('right') !== null && id.startIndex >= n.childForFieldName('right')!.startIndex;
    if (n.type.endsWith('statement') || n.type === 'block' || isNestedScope(n)) return false;
  }
  return false;
}

/**
 * True when the pipeline, upstream of the expression it was resolved from, applies `tf.data.Options` that turn on
 * `experimental_optimization.map_parallelization` (`ds.with_options(self.dataset_options)`, efficientdet's data
 * loader): tf.data then runs the maps of the whole dataset graph in parallel itself, options set upstream reaching the
 * datasets built from it. The options are followed to the name they are bound to in the function that applies them,
 * or to what a method of the class (a property), or a function of this file, returns.
 */
export function parallelizesMapsByOptions(pipeline: Pipeline, facts: FileFacts): boolean {
  return pipeline.calls.some((call) => {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'with_options') return false;
    const options = positionalArguments(call)[0] ?? keywordValue(call, 'options');
    return options !== undefined && options !== null && enablesMapParallelization(options, call, facts, 0);
  });
}

/** The options expression, read where `at` applies it, is an Options object whose map parallelisation is set True. */
function enablesMapParallelization(options: Node, at: Node, facts: FileFacts, depth: number): boolean {
  if (depth > 2) return false;
  if (options.type === 'identifier') {
    const def = enclosingDef(at);
    const scope = def ? def.childForFieldName('body') : facts.root;
    return scope !== null && setsMapParallelization(scope, options.text);
  }
  // `self.dataset_options` (a property) or `self.options()`, `make_options()`: what the def of this file returns.
  const callee = options.type === 'call' ? options.childForFieldName('function') : options;
  const name =
    callee?.type === 'identifier'
      ? callee.text
      : callee?.type === 'attribute' && /^(self|cls)$/.test(callee.childForFieldName('object')?.text ?? '')
        ? (callee.childForFieldName('attribute')?.text ?? '')
        : '';
  if (!name || (callee?.type === 'identifier' && options.type !== 'call')) return false;
  const returned = returnedBySoleFunction(facts, name);
  return returned !== null && returned.every((value) => value !== null && enablesMapParallelization(value, value, facts, depth + 1));
}

/** In scope, `name.<...>.map_parallelization = True` (`options.experimental_optimization.map_parallelization = True`). */
function setsMapParallelization(scope: Node, name: string): boolean {
  return occurrences(scope, name).some((id) => {
    let chain: Node = id;
    while (chain.parent?.type === 'attribute' && chain.parent.childForFieldName('object')?.equals(chain)) chain = chain.parent;
    if (chain.equals(id) || chain.childForFieldName('attribute')?.text !== 'map_parallelization') return false;
    const assignment = chain.parent;
    return (
      assignment?.type === 'assignment' &&
      assignment.childForFieldName('left')?.equals(chain) === true &&
      assignment.childForFieldName('right')?.type === 'true'
    );
  });
}
